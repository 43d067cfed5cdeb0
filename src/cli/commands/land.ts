import type { Command } from 'commander';
import { BraidError, EXIT } from '../../core/errors.js';
import type { QueueEntry } from '../../core/queue-plan.js';
import type { TaskStatus } from '../../core/task.js';
import { type Project, withProject } from '../../project/project.js';
import { enqueueTasks, processQueue } from '../../queue/land.js';
import { activeEntryFor, getEntry } from '../../store/queue.js';
import { getTask, listTasks } from '../../store/tasks.js';
import { printJson, progress } from '../output.js';

/** Tasks `--all` picks: finished or paused ones, never a session mid-work or one not yet provisioned. */
const LANDABLE: readonly TaskStatus[] = ['idle', 'waiting', 'exited', 'queued', 'conflict', 'landing'];

interface LandReport {
  landed: Array<{ name: string; commit: string | null }>;
  rejected: Array<{ name: string; reason: string | null; conflictFiles: string[] }>;
}

export function registerLand(program: Command): void {
  program
    .command('land')
    .description(
      'Enqueue tasks and process the merge queue: build each candidate in memory, run the gate on it, move main by compare-and-swap',
    )
    .argument('[names...]', 'tasks to land, in this order (none: just process what is queued)')
    .option('--all', 'enqueue every task that is idle, waiting or exited')
    .option('--json', 'print {"landed":[…],"rejected":[…]} on stdout')
    .action(async (names: string[], opts: { all?: boolean; json?: boolean }) => {
      const report = await withProject(process.cwd(), (p) => land(p, names, opts));
      if (opts.json) printJson(report);
      else printHuman(report);
      if (report.rejected.length > 0) process.exitCode = EXIT.conflict;
    });
}

async function land(
  project: Project,
  names: string[],
  opts: { all?: boolean; json?: boolean },
): Promise<LandReport> {
  const db = project.store.db;
  for (const name of names) {
    if (!getTask(db, name))
      throw new BraidError('E_NO_TASK', `no task named '${name}'`, 'See the tasks with braid ls.');
  }
  const chosen = [...names];
  if (opts.all) {
    for (const t of listTasks(db)) {
      if (LANDABLE.includes(t.status) && !chosen.includes(t.name)) chosen.push(t.name);
    }
  }
  const ctx = { repo: project.repo, config: project.config, store: project.store, onProgress: progress };
  if (!project.config.gate)
    progress('note: no gate configured (braid.yaml `gate`), so candidates land untested');
  const mine = enqueueTasks(ctx, chosen).map((e) => e.id);
  const seen = new Map<number, string | null>();
  for (;;) {
    const res = await processQueue(ctx);
    if (res.ran) {
      for (const o of res.outcomes) seen.set(o.entryId, o.commit);
      break;
    }
    // Another braid process holds the queue: it lands our entries too; wait for them or for the lock.
    if (mine.every((id) => !isActive(getEntry(db, id)))) break;
    progress(`waiting: the queue is being processed by pid ${res.holder?.pid ?? '?'}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const id of mine) if (!seen.has(id)) seen.set(id, null);
  return buildReport(project, seen);
}

function isActive(entry: QueueEntry | null): boolean {
  return entry !== null && ['queued', 'building', 'gating'].includes(entry.state);
}

function buildReport(project: Project, seen: Map<number, string | null>): LandReport {
  const db = project.store.db;
  const report: LandReport = { landed: [], rejected: [] };
  const latest = new Map<string, QueueEntry>();
  for (const id of seen.keys()) {
    const e = getEntry(db, id);
    if (e) latest.set(e.task, e);
  }
  for (const e of latest.values()) {
    if (e.state === 'landed') {
      report.landed.push({ name: e.task, commit: e.candidate ?? getTask(db, e.task)?.landedCommit ?? null });
    } else {
      const still = activeEntryFor(db, e.task);
      const reason = e.reason ?? (still ? `still ${still.state}` : e.state);
      report.rejected.push({ name: e.task, reason, conflictFiles: e.conflictFiles });
    }
  }
  return report;
}

function printHuman(report: LandReport): void {
  for (const l of report.landed)
    process.stdout.write(`landed   ${l.name}  ${l.commit?.slice(0, 12) ?? ''}\n`);
  for (const r of report.rejected) {
    process.stdout.write(`not landed  ${r.name}: ${r.reason}\n`);
    if (r.conflictFiles.length) process.stdout.write(`  conflicted files: ${r.conflictFiles.join(', ')}\n`);
  }
  if (report.landed.length + report.rejected.length === 0) process.stdout.write('nothing to land\n');
}
