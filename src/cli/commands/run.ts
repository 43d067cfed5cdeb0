import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { chooseBackend } from '../../core/backend.js';
import { mergeBudgets } from '../../core/budget.js';
import { BraidError } from '../../core/errors.js';
import { formatDuration, table } from '../../core/format.js';
import { parsePlan } from '../../core/plan.js';
import { quoteForDisplay } from '../../exec/run.js';
import { landQueue } from '../../orchestrate/plan/landing.js';
import { LiveProgress, progressLine } from '../../orchestrate/plan/progress.js';
import type { RunReport } from '../../orchestrate/plan/report.js';
import { runIdFor, runPlan } from '../../orchestrate/plan/runner.js';
import { ensureSupervisor } from '../../orchestrate/supervisor/control.js';
import { withProject } from '../../project/project.js';
import { EventFeed } from '../../store/events.js';
import { bold, dim, green, printJson, red, yellow } from '../output.js';

interface RunFlags {
  maxParallel?: string;
  land?: boolean;
  interactive?: boolean;
  backend?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('run')
    .description(
      'The main job: every task of a plan, in parallel, in dependency order, landed, with a report',
    )
    .argument(
      '<plan>',
      'plan file (YAML): tasks: [{name, prompt, agent?, needs?, stack?}], max_parallel, land',
    )
    .option('--max-parallel <n>', 'tasks running at once (default: the plan, then braid.yaml, then 3)')
    .option('--land', 'land finished tasks through the queue even when the plan says land: manual')
    .option('--interactive', 'run the agents in tmux instead of headless')
    .option(
      '--backend <backend>',
      "where every task's session runs: local, container or kubernetes (default: the plan's, then braid.yaml's)",
    )
    .option('--json', 'print the final report as JSON')
    .addHelpText(
      'after',
      '\nRunning the same plan again continues it: landed tasks are not redone, live sessions are adopted.\n' +
        'On a terminal a live table shows each task (state, time, tokens, cost) and the queue; otherwise only\n' +
        'state changes are printed (to stderr). budget: {task_usd, run_usd, task_tokens} in the plan or\n' +
        'braid.yaml warns at 80 % and stops a session at 100 %, keeping its work (committed on its branch).',
    )
    .action(async (planFile: string, flags: RunFlags) => {
      const file = path.resolve(process.cwd(), planFile);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new BraidError(
          'E_USAGE',
          `cannot read the plan ${planFile}`,
          'Give the path of a plan YAML file.',
        );
      }
      const plan = parsePlan(text, planFile);
      await withProject(process.cwd(), async (project) => {
        const maxParallel = Number(flags.maxParallel ?? plan.max_parallel ?? project.config.max_parallel);
        if (!Number.isInteger(maxParallel) || maxParallel < 1) {
          throw new BraidError(
            'E_USAGE',
            `--max-parallel must be a positive whole number, not '${flags.maxParallel}'`,
          );
        }
        // A backend that cannot be used fails the run before any task starts.
        for (const t of plan.tasks) chooseBackend(flags.backend, t.backend, project.config.backend);
        await ensureSupervisor(project);
        const began = Date.now();
        const display = new LiveProgress(process.stderr);
        const interrupt = onInterrupt((line) => display.event(line));
        const planKey = realpathSync(file);
        // The event lines come from the event feed: what the run recorded, and what others did to its tasks.
        const feed = new EventFeed(project.store);
        const names = new Set(plan.tasks.map((t) => t.name));
        const showEvents = () => {
          if (flags.json) return;
          for (let batch = feed.next(); batch.length; batch = feed.next()) {
            for (const e of batch) {
              const line = progressLine(e, runIdFor(planKey), names);
              const at = formatDuration(Math.max(0, e.at - began)).padStart(6);
              if (line) display.event(`${dim(at)}  ${line}`);
            }
          }
        };
        const report = await runPlan(project, plan, {
          signal: interrupt.signal,
          planKey,
          maxParallel,
          land: !!flags.land || plan.land === 'auto',
          interactive: flags.interactive,
          backend: flags.backend,
          budget: mergeBudgets(project.config.budget, plan.budget),
          landTasks: (names) => landQueue(project, names),
          onRecorded: showEvents,
          onProgress: flags.json
            ? undefined
            : (view) => {
                showEvents();
                display.update(view);
              },
        });
        showEvents();
        interrupt.dispose();
        display.finish();
        if (flags.json) printJson(report);
        else process.stdout.write(`${renderReport(report)}\n`);
        if (report.interrupted && !flags.json)
          process.stdout.write(`${renderInterrupted(report, ['braid', 'run', planFile])}\n`);
        if (report.tasks.some((t) => t.outcome !== 'landed' && t.outcome !== 'done')) process.exitCode = 1;
        // The shell's convention for a command ended by a signal: 128 + its number.
        if (report.interrupted) process.exitCode = interrupt.received === 'SIGTERM' ? 143 : 130;
      });
    });
}

/**
 * Ctrl-C or SIGTERM once: the run starts nothing new and stops after the landing under way; sessions
 * keep running. A second one leaves at once (the queue is crash-safe and the next run picks it up).
 */
function onInterrupt(say: (line: string) => void) {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals) => {
    if (received) process.exit(sig === 'SIGTERM' ? 143 : 130);
    received = sig;
    say(
      `${sig === 'SIGINT' ? 'Ctrl-C' : sig}: starting nothing new; running sessions keep working (again to leave at once)`,
    );
    controller.abort();
  };
  // The CLI's own SIGINT handler exits at once: the run takes the signals over while it goes.
  const before = (['SIGINT', 'SIGTERM'] as const).map((sig) => [sig, process.listeners(sig)] as const);
  for (const [sig, listeners] of before) {
    for (const l of listeners) process.off(sig, l);
    process.on(sig, handler);
  }
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const [sig, listeners] of before) {
        process.off(sig, handler);
        for (const l of listeners) process.on(sig, l);
      }
    },
  };
}

/** Where an interrupted run stands and how to go on. */
function renderInterrupted(report: RunReport, command: string[]): string {
  const count = (o: string) => report.tasks.filter((t) => t.outcome === o).length;
  const parts = [
    `${count('landed')} landed`,
    `${count('running')} still running (their sessions keep working)`,
    `${count('done')} finished, not landed yet`,
    `${count('pending')} not started`,
  ];
  return [
    '',
    bold('Interrupted: ') + parts.join(', '),
    `To continue, run the same command again: ${command.map(quoteForDisplay).join(' ')}`,
    'It adopts the running sessions, lands what finished, and starts the rest.',
  ].join('\n');
}

function outcome(o: string): string {
  if (o === 'landed' || o === 'done') return green(o);
  if (o === 'skipped' || o === 'running' || o === 'pending') return yellow(o);
  return red(o);
}

function renderReport(report: RunReport): string {
  const rows = report.tasks.map((t) => [
    bold(t.name),
    outcome(t.outcome),
    t.durationMs === null ? '-' : formatDuration(t.durationMs),
    t.tokens ? String(t.tokens.input + t.tokens.output + t.tokens.cacheCreation + t.tokens.cacheRead) : '-',
    t.costUsd === null ? '-' : `$${t.costUsd.toFixed(4)}`,
    [t.landedCommit ? t.landedCommit.slice(0, 10) : (t.reason ?? ''), t.refused ?? '']
      .filter(Boolean)
      .join('; '),
  ]);
  const { totals } = report;
  return [
    '',
    bold('Report'),
    table(['TASK', 'OUTCOME', 'TIME', 'TOKENS', 'COST', 'COMMIT / REASON'], rows),
    '',
    `wall time ${formatDuration(report.wallMs)}, task time ${formatDuration(totals.taskMs)}, ` +
      `parallel speed-up ${totals.speedup === null ? '-' : `${totals.speedup.toFixed(1)}x`}, ` +
      `tokens ${totals.tokens}, cost ${totals.costUsd === null ? 'unknown' : `$${totals.costUsd.toFixed(4)}`}`,
  ].join('\n');
}
