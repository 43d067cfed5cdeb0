import { gatedAs } from '../core/queue-batch.js';
import type { QueueEntry } from '../core/queue-plan.js';
import { nextGateRound } from '../core/queue-speculate.js';
import type { Task } from '../core/task.js';
import { buildCandidate, userIdentityEnv } from '../git/candidate.js';
import { git } from '../git/git.js';
import { casUpdateRef, readRef, readRefs } from '../git/refs.js';
import { appendEvent } from '../store/events.js';
import { treePassedGate } from '../store/gate-history.js';
import { pausePoint } from '../store/journal.js';
import { updateEntry } from '../store/queue.js';
import { getTask, updateTask } from '../store/tasks.js';
import { bringCheckoutsForward, checkoutBlockers } from './checkout.js';
import { type LandContext, type LandOutcome, outcomeOf, targetBranch } from './context.js';
import { type GateRun, gateSlotsOf, recordFlaky, runGate } from './gate.js';
import {
  commitUncommitted,
  finishLanded,
  gateSettings,
  messageFor,
  migrationClash,
  reject,
  withDetail,
} from './land-entry.js';
import { scratchDir } from './scratch.js';

/** How often a batch whose compare-and-swap failed (main moved) is rebuilt as a batch before its changes go alone. */
const BATCH_REBUILDS = 2;

interface Member {
  entry: QueueEntry;
  task: Task;
  tip: string;
  /** Main plus this change and every one before it in the batch. */
  commit: string;
}

/** A batch: the changes that build cleanly one on top of the other, from main at `main`. */
interface Chain {
  base: string;
  main: string;
  members: Member[];
}

/**
 * Lands queued entries as one batch: builds main + each change in turn (stopping before the first
 * that does not build cleanly: it goes down the single path and its ladder next), gates the whole,
 * bisects a red one over its prefixes, moves main once to the largest green prefix, rejects the
 * first culprit and re-queues the rest. Returns null when fewer than two changes build cleanly
 * (nothing was changed: the caller lands the first entry alone).
 */
export async function landBatch(ctx: LandContext, entries: QueueEntry[]): Promise<LandOutcome[] | null> {
  const chain = await buildChain(ctx, entries);
  if (!chain) return null;
  const store = ctx.store;
  const { members, main, base } = chain;
  const tasks = members.map((m) => m.task.name);
  const batch = appendEvent(store, null, 'land.batch-started', { tasks, size: members.length });
  // The intent: every member gating at its own prefix; a crash from here on is sorted out by recover.
  store.tx(() => {
    for (const m of members) {
      updateEntry(store, m.entry.id, {
        state: 'gating',
        mainBefore: main,
        tip: m.tip,
        candidate: m.commit,
        batch,
        gated: null,
      });
      updateTask(store, m.task.name, { status: 'landing', statusDetail: null });
    }
  });
  ctx.onProgress?.(`batch of ${members.length} (${tasks.join(', ')}) on ${base} (${main.slice(0, 8)})`);

  const settings = gateSettings(ctx);
  const slots = gateSlotsOf(ctx);
  const n = members.length;
  const results = new Map<number, boolean[]>();
  const lastRun = new Map<number, GateRun>();
  const mainTree = await git(['rev-parse', `${main}^{tree}`], { cwd: ctx.repo.root });
  if (treePassedGate(store, mainTree)) results.set(0, [true]);
  let runs = 0;
  for (;;) {
    const step = nextGateRound(n, results, slots);
    if (step.kind === 'gate') {
      // One round: each prefix in its own slot's worktree, all at once; the round ends when all have.
      const round = await Promise.all(
        step.prefixes.map(async (k, slot) => {
          const who = k === 0 ? members[0] : members[k - 1];
          const commit = k === 0 ? main : who.commit;
          ctx.onProgress?.(
            k === 0
              ? `batch: checking ${base} alone`
              : `batch: gating ${k === n ? 'all' : `the first ${k}`} of ${n} (${step.why}${slots > 1 ? `, slot ${slot}` : ''}) ${commit.slice(0, 8)}`,
          );
          const inSlot = { ...settings, slot, scratch: scratchDir(ctx.repo, ctx.config.worktrees, slot) };
          const label = k === 0 ? 'main' : 'candidate';
          const run = await runGate(inSlot, who.task.name, commit, label, { batch, prefix: k, slot });
          return { k, who, run };
        }),
      );
      for (const { k, who, run } of round) {
        runs++;
        results.set(k, [...(results.get(k) ?? []), run.passed]);
        const first = lastRun.get(k);
        if (run.passed && first && !first.passed) recordFlaky(settings, who.task.name, first, batch);
        lastRun.set(k, run);
      }
      continue;
    }
    const record = (landed: number) =>
      appendEvent(store, null, 'land.batch', { batch, tasks, size: n, green: landed === n, landed, runs });
    if (step.kind === 'main-red') {
      record(0);
      const mainRun = lastRun.get(0);
      const reason = `${base} itself is red: the gate fails on ${base} alone (log: ${mainRun?.log}); fix ${base} first`;
      const out = [reject(ctx, members[0].entry, members[0].task, withDetail(reason, mainRun))];
      requeue(ctx, members.slice(1));
      return out;
    }
    const ownGreen = new Set([...results].filter(([, r]) => r.includes(true)).map(([k]) => k));
    const landed = await landPrefix(ctx, chain, step.land, batch, ownGreen);
    // Left queued (a dirty checkout: not retried in this run) or main moved (rebuilt at once).
    if (landed === 'blocked') return members.map((m) => outcomeOf({ ...m.entry, state: 'queued' }));
    if (landed === 'moved') return [];
    const outcomes = landed;
    record(step.land);
    if (step.culprit !== null) {
      const c = members[step.culprit];
      const run = lastRun.get(step.culprit + 1);
      const withoutIt =
        step.culprit === 0 ? `${base} alone passes` : `the batch before it (${step.culprit}) passes`;
      const reason = `the gate failed twice on ${base} plus the batch up to ${c.task.name}, while ${withoutIt} (log: ${run?.log})`;
      const entry = updateEntry(store, c.entry.id, { gateLog: run?.log ?? null });
      outcomes.push(reject(ctx, entry, c.task, withDetail(reason, run)));
    }
    requeue(ctx, members.slice(step.land + (step.culprit === null ? 0 : 1)));
    return outcomes;
  }
}

/** Moves main to prefix `k` with one compare-and-swap and records each change's own commit. */
async function landPrefix(
  ctx: LandContext,
  chain: Chain,
  k: number,
  batch: number,
  ownGreen: ReadonlySet<number>,
): Promise<LandOutcome[] | 'blocked' | 'moved'> {
  if (k === 0) return [];
  const { members, main, base } = chain;
  const cwd = ctx.repo.root;
  const mainRef = `refs/heads/${base}`;
  const top = members[k - 1].commit;
  const blockers = await checkoutBlockers(cwd, mainRef, main, top);
  if (blockers.length) {
    const b = blockers[0];
    const reason = `the checkout of ${base} at ${b.dir} has local changes to ${b.files.join(', ')}; commit or stash them, then braid land again`;
    requeue(ctx, members, reason);
    ctx.onProgress?.(`batch: left queued: ${reason}`);
    return 'blocked';
  }
  // How each is recorded if the landing is interrupted after the compare-and-swap.
  for (const [i, m] of members.slice(0, k).entries())
    updateEntry(ctx.store, m.entry.id, { gated: gatedAs(i, k, ownGreen) });
  if (!(await casUpdateRef(cwd, mainRef, top, main, `braid land ${members.length} as a batch`))) {
    ctx.onProgress?.(`batch: ${base} moved during the gate; rebuilding`);
    requeue(ctx, members, null, true);
    return 'moved';
  }
  // Test seam (BRAID_PAUSE_AT=land:cas): stopped between moving main and recording it.
  pausePoint('land', 'cas');
  for (const w of await bringCheckoutsForward(cwd, mainRef, main, top)) ctx.onProgress?.(`warning: ${w}`);
  const out: LandOutcome[] = [];
  for (const [i, m] of members.slice(0, k).entries()) {
    const from = i === 0 ? main : members[i - 1].commit;
    const info = { id: batch, gated: gatedAs(i, k, ownGreen), checkoutMoved: true, base };
    out.push(await finishLanded(ctx, m.entry, m.task, from, m.commit, null, info));
  }
  return out;
}

/** The members that build cleanly in queue order, from the first; null when fewer than two do. */
async function buildChain(ctx: LandContext, entries: QueueEntry[]): Promise<Chain | null> {
  const cwd = ctx.repo.root;
  const first = getTask(ctx.store, entries[0].task);
  // A change that kept missing main's moves goes the single path, which gives up in time.
  if (!first || entries[0].attempt >= BATCH_REBUILDS) return null;
  const base = await targetBranch(ctx, first);
  const main = await readRef(cwd, `refs/heads/${base}`);
  if (!main) return null;
  const members: Member[] = [];
  let on = main;
  let onTree = await git(['rev-parse', `${main}^{tree}`], { cwd });
  const identityEnv = await userIdentityEnv(cwd);
  // Every member's tip in one call (commitUncommitted may move one: that one is read again).
  const branchOf = (e: QueueEntry) => getTask(ctx.store, e.task)?.branch;
  const refs = entries
    .map(branchOf)
    .filter((b): b is string => !!b)
    .map((b) => `refs/heads/${b}`);
  const tips = await readRefs(cwd, refs);
  for (const entry of entries) {
    const task = getTask(ctx.store, entry.task);
    if (!task || entry.attempt >= BATCH_REBUILDS) break;
    if (task.base !== first.base && (await targetBranch(ctx, task)) !== base) break;
    const committed = ctx.config.land.commit_uncommitted && (await commitUncommitted(ctx, task));
    const ref = `refs/heads/${task.branch}`;
    const tip = committed ? await readRef(cwd, ref) : (tips.get(ref) ?? null);
    if (!tip || tip === task.baseCommit || (await migrationClash(ctx, on, tip))) break;
    const strategy = ctx.config.land.strategy;
    const cand = await buildCandidate({
      cwd,
      main: on,
      tip,
      strategy,
      message: await messageFor(cwd, task, on, tip),
      mainTree: onTree,
      identityEnv,
    });
    if (!cand.ok || cand.empty) break;
    members.push({ entry, task, tip, commit: cand.commit });
    on = cand.commit;
    onTree = cand.tree;
  }
  return members.length >= 2 ? { base, main, members } : null;
}

/** Back in the queue, to be rebuilt on the new main (a failed compare-and-swap counts as an attempt). */
function requeue(ctx: LandContext, members: Member[], reason: string | null = null, moved = false): void {
  ctx.store.tx(() => {
    for (const m of members) {
      updateEntry(ctx.store, m.entry.id, {
        state: 'queued',
        candidate: null,
        reason,
        batch: null,
        gated: null,
        ...(moved ? { attempt: m.entry.attempt + 1 } : {}),
      });
      updateTask(ctx.store, m.task.name, { status: 'queued', statusDetail: reason });
    }
  });
}
