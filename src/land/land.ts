import { BATCH_HISTORY, nextBatchSize } from '../core/queue-batch.js';
import { planNextStep, type QueueEntry } from '../core/queue-plan.js';
import { speculationWindow } from '../core/queue-speculate.js';
import type { TaskStatus } from '../core/task.js';
import { isAncestor, readRef } from '../git/refs.js';
import { appendEvent, lastEventId } from '../store/events.js';
import { gateRunsSince, recentBatchOutcomes } from '../store/gate-history.js';
import { withLockIfFree } from '../store/locks.js';
import { activeEntries, enqueue, updateEntry } from '../store/queue.js';
import { getTask, updateTask } from '../store/tasks.js';
import { type BatchResult, landBatch } from './batch.js';
import { type LandContext, type LandOutcome, targetBranch } from './context.js';
import { gateSlotsOf } from './gate.js';
import { endStaleGateGroups } from './gate-group.js';
import { finishLanded, landEntry } from './land-entry.js';
import { asQueueHolder, QUEUE_LOCK, type QueueHolder } from './queue-lock.js';
import { type PendingRecheck, recheckAlone } from './recheck.js';

/** Puts tasks at the end of the queue in the order given (a task already queued keeps its place). */
export function enqueueTasks(ctx: LandContext, names: readonly string[]): QueueEntry[] {
  const store = ctx.store;
  return ctx.store.tx(() =>
    names.map((name) => {
      const task = getTask(store, name);
      const prev: TaskStatus | null = task?.status ?? null;
      const entry = enqueue(store, name, prev);
      if (task && entry.state === 'queued' && task.status !== 'queued') {
        updateTask(store, name, { status: 'queued' });
        appendEvent(store, name, 'land.queued', { entry: entry.id });
      }
      return entry;
    }),
  );
}

export type ProcessResult =
  | { ran: true; outcomes: LandOutcome[] }
  | { ran: false; holder: QueueHolder | null };

/**
 * Works through the queue while holding the repo's `queue` lock: finishes what a crashed holder
 * left, re-queues conflicts whose agent committed, then lands entries one at a time.
 * Returns ran=false when another live process holds the queue (it will process the entries).
 */
export async function processQueue(ctx: LandContext): Promise<ProcessResult> {
  const res = await withLockIfFree(ctx.store, QUEUE_LOCK, `braid land (pid ${process.pid})`, async () => {
    const outcomes: LandOutcome[] = [];
    const skip = new Set<number>();
    // A suspect set aside by a batch, its recheck still to run (beside the next window, or alone).
    let pending: PendingRecheck | null = null;
    // A holder that died mid-gate may have left its gate running in the scratch worktree.
    for (const g of await endStaleGateGroups(ctx.store, { holdsQueue: true }))
      ctx.onProgress?.(`ended an orphaned gate (process group ${g.pgid}, ${g.holder})`);
    await resumeEndedWaits(ctx);
    for (;;) {
      const entries = activeEntries(ctx.store);
      const aside: ReadonlySet<number> = pending ? new Set([...skip, pending.entry.id]) : skip;
      const queued: number = entries.filter((e) => e.state === 'queued' && !aside.has(e.id)).length;
      const batch = windowSize(ctx, queued, pending ? 1 : 0);
      const step = planNextStep({ entries, tips: await waitingTips(ctx, entries), skip: aside, batch });
      if (step.kind === 'idle' && pending) {
        outcomes.push(...(await recheckAlone(ctx, pending)));
        pending = null;
        continue;
      }
      if (step.kind === 'idle') return outcomes;
      if (step.kind === 'recover') {
        const done = await recover(ctx, step.entry);
        if (done) outcomes.push(done);
      } else if (step.kind === 'requeue') {
        updateEntry(ctx.store, step.entry.id, {
          state: 'queued',
          attempt: 0,
          reason: null,
          conflictFiles: [],
        });
        ctx.onProgress?.(`${step.entry.task}: new commit after the hand-back; re-queued`);
      } else {
        // A suspect's pending recheck goes beside even a single change's gate (landBatch takes one then).
        const batched: BatchResult | null =
          step.entries.length > 1 || pending
            ? await landBatch(ctx, step.entries, pending, { behind: queued > step.entries.length })
            : null;
        if (!batched && pending) {
          // Nothing to gate beside it: the recheck first, then the queue is planned again.
          outcomes.push(...(await recheckAlone(ctx, pending)));
          pending = null;
          continue;
        }
        pending = batched?.recheck ?? null;
        const done = batched?.outcomes ?? [await landAlone(ctx, step.entries[0])];
        for (const outcome of done) {
          if (outcome.state === 'queued') skip.add(outcome.entryId);
          outcomes.push(outcome);
        }
      }
    }
  });
  return res.ran
    ? { ran: true, outcomes: res.value }
    : { ran: false, holder: res.holder && asQueueHolder(res.holder) };
}

/** The next batch's size from the recent outcomes; braid.yaml `land.batch: 1` lands one change per gate run. */
export function batchSize(ctx: Pick<LandContext, 'config' | 'store'>): number {
  const cap = ctx.config.land.batch;
  return cap > 1 ? nextBatchSize(recentBatchOutcomes(ctx.store, BATCH_HISTORY), cap) : 1;
}

/** How many queued changes the next round takes: a batch per gate slot, even a batch of one (`land.batch: 1` keeps one). */
export function windowSize(ctx: Pick<LandContext, 'config' | 'store'>, queued?: number, busy = 0): number {
  return ctx.config.land.batch > 1 ? speculationWindow(batchSize(ctx), gateSlotsOf(ctx), queued, busy) : 1;
}

/** One change gated on its own tree; its outcome counts in the batch history like a batch of one. */
async function landAlone(ctx: LandContext, entry: QueueEntry): Promise<LandOutcome> {
  const before = lastEventId(ctx.store);
  const outcome = await landEntry(ctx, entry);
  const runs = gateRunsSince(ctx.store, before);
  if (runs > 0 && (outcome.state === 'landed' || outcome.state === 'rejected'))
    appendEvent(ctx.store, null, 'land.batch', {
      tasks: [entry.task],
      size: 1,
      green: outcome.state === 'landed',
      landed: outcome.state === 'landed' ? 1 : 0,
      runs,
    });
  return outcome;
}

/** Hand-backs that waited for a headless run: resumed once it ended (a branch that moved is re-queued instead). */
async function resumeEndedWaits(ctx: LandContext): Promise<void> {
  if (!ctx.resumeWaiting) return;
  const waiting = activeEntries(ctx.store).filter((e) => e.state === 'waiting_agent');
  if (!waiting.length) return;
  const tips = await waitingTips(ctx, waiting);
  await ctx.resumeWaiting(waiting.filter((e) => tips[e.task] === e.tip));
}

async function waitingTips(ctx: LandContext, entries: QueueEntry[]): Promise<Record<string, string | null>> {
  const tips: Record<string, string | null> = {};
  for (const e of entries) {
    if (e.state !== 'waiting_agent') continue;
    const task = getTask(ctx.store, e.task);
    tips[e.task] = task ? await readRef(ctx.repo.root, `refs/heads/${task.branch}`) : null;
  }
  return tips;
}

/**
 * An entry left mid-way by a holder that died: if its candidate reached the target branch the
 * landing happened (record it); otherwise nothing moved and it simply goes back to queued.
 */
async function recover(ctx: LandContext, entry: QueueEntry): Promise<LandOutcome | null> {
  const store = ctx.store;
  const task = getTask(store, entry.task);
  const base = task ? await targetBranch(ctx, task) : (ctx.config.base ?? 'main');
  const main = await readRef(ctx.repo.root, `refs/heads/${base}`);
  const landed =
    entry.candidate && entry.mainBefore && main && entry.candidate !== entry.mainBefore
      ? await isAncestor(ctx.repo.root, entry.candidate, main)
      : false;
  if (landed && entry.candidate && entry.mainBefore) {
    ctx.onProgress?.(`${entry.task}: an interrupted landing had reached ${base}; recording it`);
    // Only a checkout still at exactly the candidate can be brought along safely.
    const from = main === entry.candidate ? entry.mainBefore : entry.candidate;
    const batch = entry.batch == null ? null : { id: entry.batch, gated: entry.gated ?? 'batch' };
    return finishLanded(ctx, entry, task, from, entry.candidate, null, batch);
  }
  updateEntry(store, entry.id, {
    state: 'queued',
    candidate: null,
    reason: 'interrupted; rebuilding',
    batch: null,
    gated: null,
  });
  ctx.onProgress?.(`${entry.task}: an interrupted landing left ${base} untouched; retrying`);
  return null;
}
