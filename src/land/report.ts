import { BraidError } from '../core/errors.js';
import type { QueueEntry } from '../core/queue-plan.js';
import type { TaskStatus } from '../core/task.js';
import { LIVE_STATUSES } from '../core/task.js';
import type { Project } from '../project/project.js';
import { refreshSession } from '../run/session/lifecycle.js';
import { appendEvent } from '../store/events.js';
import { activeEntries, activeEntryFor, getEntry, updateEntry } from '../store/queue.js';
import { getTask, listTasks, updateTask } from '../store/tasks.js';
import type { LandContext } from './context.js';
import { handBackPending } from './hooks.js';
import { enqueueTasks, processQueue } from './land.js';

/** Tasks `--all` picks: finished or paused ones, never a session mid-work or one not yet provisioned. */
const LANDABLE: readonly TaskStatus[] = ['idle', 'waiting', 'exited', 'queued', 'conflict', 'landing'];

export interface LandReport {
  /** `batch` and `gated` only for a change that landed inside a batch (gated: 'own' for the batch's last). */
  landed: Array<{ name: string; commit: string | null; batch?: number; gated?: 'own' | 'batch' }>;
  rejected: Array<{ name: string; reason: string | null; conflictFiles: string[] }>;
  /** Conflicts given back to the task's agent: re-queued when it commits a resolution. */
  handedBack: Array<{ name: string; conflictFiles: string[] }>;
}

export interface LandTasksOptions {
  /** Also enqueue every task that is idle, waiting or exited. */
  all?: boolean;
  onProgress?: (line: string) => void;
  /** Callbacks owned by other parts of braid (cleanup, conflict hand-back, gate dependencies). */
  hooks?: Pick<LandContext, 'removeTask' | 'handBack' | 'resumeWaiting' | 'leaseEnv' | 'prepareGate'>;
}

/**
 * Enqueues `names` (and with `all` every landable task) and processes the queue, or waits while
 * another braid process does; reports what happened to this call's entries (`braid land`, `braid run --land`).
 */
export async function landTasks(
  project: Project,
  names: string[],
  opts: LandTasksOptions = {},
): Promise<LandReport> {
  const progress = opts.onProgress ?? (() => {});
  const store = project.store;
  for (const name of names) {
    const task = getTask(store, name);
    if (!task) throw new BraidError('E_NO_TASK', `no task named '${name}'`, 'See the tasks with braid ls.');
    if (task.options.readonly === true)
      throw new BraidError(
        'E_USAGE',
        `task '${name}' is a read-only session in the main checkout: it has no branch of its own to land`,
        `Remove it with braid rm ${name}; to change code, create a task without --readonly.`,
      );
  }
  const chosen = [...names];
  if (opts.all) {
    for (const t of listTasks(store)) {
      const landable = LANDABLE.includes(t.status) && t.options.readonly !== true;
      if (landable && !chosen.includes(t.name)) chosen.push(t.name);
    }
  }
  const ctx: LandContext = {
    ...opts.hooks,
    repo: project.repo,
    config: project.config,
    store: project.store,
    onProgress: progress,
  };
  if (!project.config.gate)
    progress('note: no gate configured (braid.yaml `gate`), so candidates land untested');
  const mine = enqueueTasks(ctx, chosen).map((e) => e.id);
  const seen = new Map<number, string | null>();
  for (;;) {
    // Read before the queue runs: a resolution committed just before its session ended is still seen.
    const ended = await endedHandBacks(project);
    const res = await processQueue(ctx);
    if (res.ran) {
      for (const o of res.outcomes) seen.set(o.entryId, o.commit);
      giveUpHandBacks(project, ended, progress);
      break;
    }
    // Another braid process holds the queue: it lands our entries too; wait for them or for the lock.
    if (mine.every((id) => !isActive(getEntry(store, id)))) break;
    progress(`waiting: the queue is being processed by pid ${res.holder?.pid ?? '?'}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const id of mine) if (!seen.has(id)) seen.set(id, null);
  return buildReport(project, seen);
}

/** Handed-back entries whose agent is no longer running: if the queue does not re-queue them, nothing will. */
async function endedHandBacks(project: Project): Promise<QueueEntry[]> {
  const ended: QueueEntry[] = [];
  for (const e of activeEntries(project.store)) {
    // Its agent has not had the message yet (it waits for the headless run to end): not given up on.
    if (e.state !== 'waiting_agent' || handBackPending(project.store, e.task)) continue;
    const task = await refreshSession(project, e.task);
    if (!task || !LIVE_STATUSES.includes(task.status)) ended.push(e);
  }
  return ended;
}

function giveUpHandBacks(project: Project, ended: QueueEntry[], say: (line: string) => void): void {
  const store = project.store;
  for (const before of ended) {
    const e = getEntry(store, before.id);
    if (e?.state !== 'waiting_agent') continue;
    const reason = `conflicts in ${e.conflictFiles.join(', ')}: handed back, but the agent ended without committing a resolution; resolve by hand, then braid land ${e.task}`;
    store.tx(() => {
      updateEntry(store, e.id, { state: 'conflict', reason });
      updateTask(store, e.task, { status: 'conflict', statusDetail: reason });
      appendEvent(store, e.task, 'land.conflict', { files: e.conflictFiles, after: 'hand-back' });
    });
    say(`${e.task}: ${reason}`);
  }
}

function isActive(entry: QueueEntry | null): boolean {
  return entry !== null && ['queued', 'building', 'gating'].includes(entry.state);
}

function buildReport(project: Project, seen: Map<number, string | null>): LandReport {
  const store = project.store;
  const report: LandReport = { landed: [], rejected: [], handedBack: [] };
  const latest = new Map<string, QueueEntry>();
  for (const id of seen.keys()) {
    const e = getEntry(store, id);
    if (e) latest.set(e.task, e);
  }
  for (const e of latest.values()) {
    if (e.state === 'landed') {
      report.landed.push({
        name: e.task,
        commit: e.candidate ?? getTask(store, e.task)?.landedCommit ?? null,
        ...(e.batch != null && e.gated ? { batch: e.batch, gated: e.gated } : {}),
      });
    } else if (e.state === 'waiting_agent') {
      report.handedBack.push({ name: e.task, conflictFiles: e.conflictFiles });
    } else {
      const still = activeEntryFor(store, e.task);
      const reason = e.reason ?? (still ? `still ${still.state}` : e.state);
      report.rejected.push({ name: e.task, reason, conflictFiles: e.conflictFiles });
    }
  }
  return report;
}
