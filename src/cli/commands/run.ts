import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { BraidError } from '../../core/errors.js';
import { parsePlan } from '../../core/plan.js';
import { landQueue } from '../../plan/landing.js';
import { type RunReport, runPlan } from '../../plan/runner.js';
import { withProject } from '../../project/project.js';
import { ensureSupervisor } from '../../supervisor/control.js';
import { bold, dim, formatDuration, green, printJson, progress, red, table, yellow } from '../output.js';

interface RunFlags {
  maxParallel?: string;
  land?: boolean;
  interactive?: boolean;
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
    .option('--json', 'print the final report as JSON')
    .addHelpText(
      'after',
      '\nRunning the same plan again continues it: landed tasks are not redone, live sessions are adopted.',
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
        await ensureSupervisor(project);
        const began = Date.now();
        const report = await runPlan(project, plan, {
          planKey: realpathSync(file),
          maxParallel,
          land: !!flags.land || plan.land === 'auto',
          interactive: flags.interactive,
          landTasks: (names) => landQueue(project, names),
          onEvent: flags.json
            ? undefined
            : (line) => progress(`${dim(formatDuration(Date.now() - began).padStart(6))}  ${line}`),
        });
        if (flags.json) printJson(report);
        else process.stdout.write(`${renderReport(report)}\n`);
        if (report.tasks.some((t) => t.outcome !== 'landed' && t.outcome !== 'done')) process.exitCode = 1;
      });
    });
}

function outcome(o: string): string {
  if (o === 'landed' || o === 'done') return green(o);
  if (o === 'skipped') return yellow(o);
  return red(o);
}

export function renderReport(report: RunReport): string {
  const rows = report.tasks.map((t) => [
    bold(t.name),
    outcome(t.outcome),
    t.durationMs === null ? '-' : formatDuration(t.durationMs),
    t.tokens ? String(t.tokens.input + t.tokens.output + t.tokens.cacheCreation + t.tokens.cacheRead) : '-',
    t.costUsd === null ? '-' : `$${t.costUsd.toFixed(4)}`,
    t.landedCommit ? t.landedCommit.slice(0, 10) : (t.reason ?? ''),
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
