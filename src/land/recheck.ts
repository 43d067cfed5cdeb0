/**
 * A suspect's recheck, deferred (core/queue-speculate.ts deferredRecheck): the change whose prefix
 * failed once is set aside, still queued, while the green prefix before it lands; its second run
 * goes beside the next window's first round, or alone when nothing else is queued. Kept in memory
 * only: after a crash the change is simply queued, and built and gated again.
 */
import type { QueueEntry } from '../core/queue-plan.js';
import type { Task } from '../core/task.js';
import { updateEntry } from '../store/queue.js';
import type { LandContext, LandOutcome } from './context.js';
import { type GateRun, type GateSettings, recordFlaky, runGate } from './gate.js';
import { gateSettings, reject, withDetail } from './land-entry.js';
import { scratchDir } from './scratch.js';

export interface PendingRecheck {
  entry: QueueEntry;
  task: Task;
  /** The exact candidate that failed once: main (as it is now, the green prefix landed) plus this change. */
  commit: string;
  tree: string;
  /** Its first, red run; the batch and prefix it ran as. */
  first: GateRun;
  batch: number;
  prefix: number;
  /** For the rejection: the branch and what passed without the change. */
  base: string;
  withoutIt: string;
}

/** The second run of the suspect's candidate, in gate slot `slot`. */
export function runRecheck(ctx: LandContext, pending: PendingRecheck, slot: number): Promise<GateRun> {
  const settings: GateSettings = {
    ...gateSettings(ctx),
    slot,
    scratch: scratchDir(ctx.repo, ctx.config.worktrees, slot),
  };
  ctx.onProgress?.(
    `${pending.task.name}: rechecking ${pending.commit.slice(0, 8)} (it failed once)${slot > 0 ? `, slot ${slot}` : ''}`,
  );
  const at = { batch: pending.batch, prefix: pending.prefix, slot };
  return runGate(settings, pending.task.name, pending.commit, 'candidate', at, pending.tree);
}

/**
 * Red again: the change is rejected with the gate's output. Green: the first run was flaky (recorded),
 * and the change, still queued, is built again at the front of the queue. Returns the rejection.
 */
export function settleRecheck(ctx: LandContext, pending: PendingRecheck, run: GateRun): LandOutcome | null {
  if (run.passed) {
    recordFlaky(gateSettings(ctx), pending.task.name, pending.first, pending.batch);
    return null;
  }
  const { base, task, withoutIt } = pending;
  const reason = `the gate failed twice on ${base} plus the batch up to ${task.name}, while ${withoutIt} (log: ${run.log})`;
  const entry = updateEntry(ctx.store, pending.entry.id, { gateLog: run.log ?? null });
  return reject(ctx, entry, task, withDetail(reason, run));
}

/** The recheck alone (nothing else to gate beside it). */
export async function recheckAlone(ctx: LandContext, pending: PendingRecheck): Promise<LandOutcome[]> {
  const done = settleRecheck(ctx, pending, await runRecheck(ctx, pending, 0));
  return done ? [done] : [];
}
