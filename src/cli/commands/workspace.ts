import type { Command } from 'commander';
import { BraidError } from '../../core/errors.js';
import { formatBytes, formatDuration, table } from '../../core/format.js';
import { exportLines, migrationEnv, taskEnvironment } from '../../isolate/workspace/env.js';
import { withProject } from '../../project/project.js';
import { drainHookSpool } from '../../run/agents/hook-spool.js';
import { taskPorts } from '../../store/ports.js';
import { getTask } from '../../store/tasks.js';
import { taskViews } from '../../view/task-view.js';
import { bold, dim, green, printJson, red, yellow } from '../output.js';

function statusColor(status: string): string {
  if (status === 'failed' || status === 'conflict') return red(status);
  if (status === 'waiting' || status === 'limited' || status === 'paused') return yellow(status);
  if (status === 'landed' || status === 'exited') return green(status);
  return status;
}

/** What the agent asks (waiting), why it failed, or why it seems stuck (starting), clipped for the table. */
function statusNote(status: string, detail: string | null, refused: boolean): string {
  if (!detail || !(['waiting', 'failed', 'starting', 'limited', 'paused'].includes(status) || refused))
    return '';
  return ` (${detail.length > 60 ? `${detail.slice(0, 59)}…` : detail})`;
}

export function register(program: Command): void {
  program
    .command('ls')
    .description('One row per task: status, ports, changes, memory, tokens and cost')
    .option('--json', 'print {"tasks":[…]} with the fields of DESIGN.md')
    .option(
      '--fresh',
      "recount every figure (git, transcripts, disk use) instead of reusing the supervisor's",
    )
    .action(async (opts: { json?: boolean; fresh?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        // Hooks that found the store busy left their events in the spool: status first, then the table.
        drainHookSpool(project.store, project.repo.commonDir);
        const views = await taskViews(project, { fresh: opts.fresh, freshDisk: !!opts.fresh });
        if (opts.json) return printJson({ tasks: views });
        if (!views.length)
          return void process.stdout.write('No tasks. Create one with: braid new <name> -p "…"\n');
        const rows = views.map((v) => [
          bold(v.name),
          statusColor(v.status) + statusNote(v.status, v.statusDetail, v.refusals.length > 0),
          formatDuration(Date.now() - v.statusSince),
          v.agent,
          v.backend,
          Object.entries(v.ports)
            .map(([k, p]) => `${k}=${p}`)
            .join(' ') || '-',
          v.changedFiles === null ? '-' : String(v.changedFiles),
          v.ahead === null ? '-' : `+${v.ahead}/-${v.behind}`,
          v.tokens
            ? String(v.tokens.input + v.tokens.output + v.tokens.cacheCreation + v.tokens.cacheRead)
            : '-',
          v.costUsd === null ? '-' : `$${v.costUsd.toFixed(2)}`,
          v.diskBytes === null ? '-' : formatBytes(v.diskBytes),
        ]);
        process.stdout.write(
          `${table(['TASK', 'STATUS', 'FOR', 'AGENT', 'BACKEND', 'PORTS', 'FILES', 'AHEAD', 'TOKENS', 'COST', 'DISK'], rows)}\n`,
        );
      });
    });

  program
    .command('env')
    .description("Print a task's environment (ports, database, names) as export lines")
    .argument('<name>', 'task name')
    .option('--json', 'print the variables as one JSON object')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        const task = getTask(project.store, name);
        if (!task)
          throw new BraidError('E_NO_TASK', `no task named '${name}'`, 'See the tasks with braid ls.');
        const dbEnv = (task.options.databaseEnv as Record<string, string> | undefined) ?? {};
        const env = taskEnvironment(project.repo, task, taskPorts(project.store, name), {
          ...migrationEnv(project.config),
          ...dbEnv,
        });
        if (opts.json) printJson(env);
        else process.stdout.write(`${exportLines(env)}\n`);
      });
    });

  program
    .command('rm')
    .description(
      'Remove a task: session, worktree, branch, ports, database (backed up first, never losing work)',
    )
    .argument('<name...>', 'task name(s)')
    .option('-f, --force', 'remove even with uncommitted or unlanded work (a backup is still made)')
    .option('--json', 'print {"removed":[{"name","backupRef"}]}')
    .action(async (names: string[], opts: { force?: boolean; json?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        const removed = [];
        for (const name of names) {
          const { removeTaskAction } = await import('../../orchestrate/actions.js');
          const res = await removeTaskAction(project, name, { force: opts.force });
          removed.push(res);
          if (!opts.json) {
            if (res.resumed) process.stdout.write(`finished the interrupted removal of ${name}\n`);
            process.stdout.write(`removed ${name}\n`);
            if (res.backupRef)
              process.stdout.write(dim(`  backup: ${res.backupRef}\n  restore: ${res.restoreHint}\n`));
          }
        }
        if (opts.json) printJson({ removed: removed.map((r) => ({ name: r.name, backupRef: r.backupRef })) });
      });
    });

  program
    .command('gc')
    .description('Repair orphans: half-finished operations, deleted worktrees, stale ports and locks')
    .option(
      '--json',
      'print {"actions":[{"kind","target","detail","bytes"}],"reclaimedBytes","reclaimable":[{"task","worktree","bytes","how"}]}',
    )
    .action(async (opts: { json?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        // Loaded here, not with ls (same module): gc reaches containers and clusters.
        const { collectGarbage, reclaimableTasks } = await import('../../orchestrate/gc.js');
        const actions = await collectGarbage(project);
        const reclaimedBytes = actions.reduce((sum, a) => sum + (a.bytes ?? 0), 0);
        const reclaimable = await reclaimableTasks(project);
        if (opts.json) return printJson({ actions, reclaimedBytes, reclaimable });
        if (!actions.length) process.stdout.write('Nothing to repair.\n');
        for (const a of actions)
          process.stdout.write(
            `${a.kind}: ${a.target}: ${a.detail}${a.bytes ? ` (${formatBytes(a.bytes)} freed)` : ''}\n`,
          );
        if (reclaimedBytes) process.stdout.write(`freed ${formatBytes(reclaimedBytes)}\n`);
        for (const r of reclaimable)
          process.stdout.write(`landed ${r.task} still takes ${formatBytes(r.bytes)}: ${r.how} frees it\n`);
      });
    });
}
