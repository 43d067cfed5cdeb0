import type { BraidConfig } from '../core/config.js';
import type { QueueEntry, QueueState } from '../core/queue-plan.js';
import type { Task } from '../core/task.js';
import { gitOk } from '../git/git.js';
import { currentBranch, type RepoInfo } from '../git/repo.js';
import type { Store } from '../store/db.js';

/** What the queue executor needs; the callbacks are owned by other parts of braid and injected. */
export interface LandContext {
  repo: RepoInfo;
  config: BraidConfig;
  store: Store;
  /** Safe removal of a landed task's worktree (when land.cleanup is set). */
  removeTask?: (name: string) => Promise<void>;
  /** Gives a conflict back to the task's agent; resolves false when it could not be delivered. */
  handBack?: (task: Task, message: string) => Promise<boolean>;
  /**
   * Delivers hand-backs that wait for a headless run (entries still `waiting_agent` at the tip
   * handed back): the ones whose run has ended are resumed with their conflict now.
   */
  resumeWaiting?: (entries: QueueEntry[]) => Promise<void>;
  /** Environment (ports…) for the gate run of a task in gate slot `slot` (each slot has its own ports). */
  leaseEnv?: (task: string, slot?: number) => Promise<Record<string, string>>;
  /** Prepares the gate's scratch worktree (dependencies) before each gate run. */
  prepareGate?: (dir: string) => Promise<void>;
  onProgress?: (line: string) => void;
}

/** The result of one entry in this run, as `braid land` reports it. */
export interface LandOutcome {
  entryId: number;
  task: string;
  state: QueueState;
  commit: string | null;
  reason: string | null;
  conflictFiles: string[];
  gateLog: string | null;
  /** The batch it was gated in (the land.batch event's id), null when gated alone. */
  batch: number | null;
  /** Once landed: its own tree was gated ('own') or it lies inside a batch whose final tree was ('batch'). */
  gated: 'own' | 'batch' | null;
}

export function outcomeOf(entry: QueueEntry, commit: string | null = null): LandOutcome {
  return {
    entryId: entry.id,
    task: entry.task,
    state: entry.state,
    commit,
    reason: entry.reason,
    conflictFiles: entry.conflictFiles,
    gateLog: entry.gateLog,
    batch: entry.batch ?? null,
    gated: entry.gated ?? null,
  };
}

/** The branch a task lands on: its own base when that is a branch, else braid.yaml's base, else the main checkout's. */
export async function targetBranch(ctx: LandContext, task: Task): Promise<string> {
  if (
    task.base &&
    (await gitOk(['show-ref', '--verify', '--quiet', `refs/heads/${task.base}`], { cwd: ctx.repo.root }))
  )
    return task.base;
  return ctx.config.base ?? (await currentBranch(ctx.repo.root)) ?? 'main';
}
