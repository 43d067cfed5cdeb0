/** Landing queued changes as one batch: gating its prefixes over the slots, bisecting a red one, one compare-and-swap. */
import { type GatedAs, gatedAs } from '../core/queue-batch.js';
import { alternativeMembers } from '../core/queue-lanes.js';
import type { QueueEntry } from '../core/queue-plan.js';
import { type Bet, deferredRecheck, nextGateRound } from '../core/queue-speculate.js';
import { casUpdateRef, worktreesOnBranch } from '../git/refs.js';
import { appendEvent } from '../store/events.js';
import { treePassedGate } from '../store/gate-history.js';
import { pausePoint } from '../store/journal.js';
import { updateEntry } from '../store/queue.js';
import { updateTask } from '../store/tasks.js';
import { type Alternative, gateAlternative, lanesOf } from './batch-alternative.js';
import { buildChain, type Chain, type Member, requeue } from './batch-chain.js';
import { bringCheckoutsForward, checkoutBlockers } from './checkout.js';
import { type LandContext, type LandOutcome, outcomeOf } from './context.js';
import { type GateRun, gateSlotsOf, recordFlaky, runGate } from './gate.js';
import { finishLanded, gateSettings, reject, withDetail } from './land-entry.js';
import { type PendingRecheck, recheckAlone, runRecheck, settleRecheck } from './recheck.js';
import { scratchDir } from './scratch.js';

/** One member as it lands: the commit it lands as and how it was gated. */
interface Landing {
  member: Member;
  commit: string;
  gated: GatedAs;
}

/** What a batch did: its outcomes, and the suspect it set aside for a recheck beside the next window. */
export interface BatchResult {
  outcomes: LandOutcome[];
  recheck: PendingRecheck | null;
}

/**
 * Lands queued entries as one batch: builds main + each change in turn (stopping before the first
 * that does not build cleanly: it goes down the single path and its ladder next), gates the whole,
 * bisects a red one over its prefixes, moves main once to the largest green prefix, rejects the
 * first culprit and re-queues the rest. With slots to spare a suspect's recheck is deferred (see
 * recheck.ts): `pending`, an earlier batch's, runs beside this one's first round, even a "batch" of
 * one change (two gates at once rather than one after the other). Returns null when fewer changes
 * build cleanly than that (nothing was changed, `pending` not run: the caller lands the first entry
 * alone).
 */
export async function landBatch(
  ctx: LandContext,
  entries: QueueEntry[],
  pending: PendingRecheck | null = null,
  /** `behind`: more changes are queued after these (a suspect set aside has a next window to be rechecked beside). */
  options: { behind: boolean } = { behind: false },
): Promise<BatchResult | null> {
  const chain = await buildChain(ctx, entries, pending && gateSlotsOf(ctx) > 1 ? 1 : 2);
  if (!chain) return null;
  const store = ctx.store;
  const { members, main, base, mainTree } = chain;
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
  if (treePassedGate(store, mainTree)) results.set(0, [true]);
  let runs = 0;
  let recheck = slots > 1 ? pending : null;
  // Each member's lane (core/queue-lanes.ts), read the first time a round can use it; the alternative gated, if any.
  let lanes: number[] | null = null;
  const alts: Alternative[] = [];
  // Settled before this batch's rounds when there is no slot to spare for it.
  const early: LandOutcome[] = pending && !recheck ? await recheckAlone(ctx, pending) : [];
  const done = (outcomes: LandOutcome[], next: PendingRecheck | null = null): BatchResult => ({
    outcomes: [...early, ...outcomes],
    recheck: next,
  });
  const record = (landed: number) =>
    appendEvent(store, null, 'land.batch', { batch, tasks, size: n, green: landed === n, landed, runs });
  for (;;) {
    const deferred = deferredRecheck(n, results, slots);
    const free = recheck ? slots - 1 : slots;
    const bets = slots > 1 ? { behind: options.behind || members.length < entries.length } : undefined;
    let step = deferred ? null : nextGateRound(n, results, free, bets);
    let wanted: Array<Bet & { members: number[] }> = [];
    if (step?.kind === 'gate' && step.alternatives) {
      lanes ??= await lanesOf(ctx, chain);
      const lanesNow = lanes;
      wanted = step.alternatives.flatMap((b) => {
        const m = alternativeMembers(lanesNow, b.lo, b.suspect);
        return m ? [{ ...b, members: m }] : [];
      });
      if (!wanted.length) step = nextGateRound(n, results, free);
    }
    if (step?.kind === 'gate') {
      // One round: each prefix in its own slot's worktree, all at once; the round ends when all have.
      const beside = recheck;
      recheck = null;
      const firstAltSlot = step.prefixes.length;
      const [round, second, altRuns] = await Promise.all([
        Promise.all(
          step.prefixes.map(async (k, slot) => {
            const who = k === 0 ? members[0] : members[k - 1];
            const commit = k === 0 ? main : members[k - 1].commit;
            const tree = k === 0 ? mainTree : members[k - 1].tree;
            ctx.onProgress?.(
              k === 0
                ? `batch: checking ${base} alone`
                : `batch: gating ${k === n ? 'all' : `the first ${k}`} of ${n} (${step.why}${slots > 1 ? `, slot ${slot}` : ''}) ${commit.slice(0, 8)}`,
            );
            const inSlot = { ...settings, slot, scratch: scratchDir(ctx.repo, ctx.config.worktrees, slot) };
            const label = k === 0 ? 'main' : 'candidate';
            const run = await runGate(inSlot, who.task.name, commit, label, { batch, prefix: k, slot }, tree);
            return { k, who, run };
          }),
        ),
        beside ? runRecheck(ctx, beside, slots - 1) : null,
        Promise.all(wanted.map((bet, i) => gateAlternative(ctx, chain, bet, batch, firstAltSlot + i))),
      ]);
      for (const altRun of altRuns)
        if (altRun) {
          runs++;
          alts.push(altRun.alt);
        }
      if (beside && second) {
        runs++;
        const settled = settleRecheck(ctx, beside, second);
        if (settled) early.push(settled);
      }
      for (const { k, who, run } of round) {
        runs++;
        results.set(k, [...(results.get(k) ?? []), run.passed]);
        const first = lastRun.get(k);
        if (run.passed && first && !first.passed) recordFlaky(settings, who.task.name, first, batch);
        lastRun.set(k, run);
      }
      continue;
    }
    if (step?.kind === 'main-red') {
      record(0);
      const mainRun = lastRun.get(0);
      const reason = `${base} itself is red: the gate fails on ${base} alone (log: ${mainRun?.log}); fix ${base} first`;
      const out = [reject(ctx, members[0].entry, members[0].task, withDetail(reason, mainRun))];
      requeue(ctx, members.slice(1));
      return done(out);
    }
    const land = deferred ? deferred.land : (step?.land ?? 0);
    const culprit = deferred ? null : (step?.culprit ?? null);
    const ownGreen = new Set([...results].filter(([, r]) => r.includes(true)).map(([k]) => k));
    // The culprit (or the suspect set aside) is the change an alternative left out, and that
    // alternative passed: it lands instead of the green prefix alone.
    const blamedNow = deferred ? deferred.suspect : culprit;
    const viaAlt =
      blamedNow === null
        ? null
        : (alts.find((a) => a.runs.includes(true) && a.lo === land && a.suspect === blamedNow) ?? null);
    const landing: Landing[] = members
      .slice(0, land)
      .map((m, i) => ({ member: m, commit: m.commit, gated: gatedAs(i, land, ownGreen) }));
    if (viaAlt) {
      if (landing.length) landing[landing.length - 1].gated = ownGreen.has(land) ? 'own' : 'batch';
      for (const [j, i] of viaAlt.members.entries())
        landing.push({
          member: members[i],
          commit: viaAlt.commits[j],
          gated: j === viaAlt.members.length - 1 ? 'own' : 'batch',
        });
    }
    const landed = await landMembers(ctx, chain, landing, batch);
    // Left queued (a dirty checkout: not retried in this run) or main moved (rebuilt at once).
    if (landed === 'blocked') return done(members.map((m) => outcomeOf({ ...m.entry, state: 'queued' })));
    if (landed === 'moved') return done([]);
    const outcomes = landed;
    record(landing.length);
    const blamed = deferred ? deferred.suspect : culprit;
    const withoutIt = blamed === 0 ? `${base} alone passes` : `the batch before it (${blamed}) passes`;
    if (deferred) {
      const s = members[deferred.suspect];
      const first = lastRun.get(deferred.suspect + 1);
      const landedNow = new Set(landing.map((l) => l.member));
      requeue(
        ctx,
        members.slice(land).filter((m) => !landedNow.has(m)),
      );
      if (!first) throw new Error('unreachable: a suspect has a red run');
      ctx.onProgress?.(`batch: ${s.task.name} failed once; its recheck runs beside the next window`);
      const prefix = deferred.suspect + 1;
      const next = {
        entry: s.entry,
        task: s.task,
        commit: s.commit,
        tree: s.tree,
        first,
        batch,
        prefix,
        base,
        withoutIt,
      };
      return done(outcomes, next);
    }
    if (culprit !== null) {
      const c = members[culprit];
      const run = lastRun.get(culprit + 1);
      const reason = `the gate failed twice on ${base} plus the batch up to ${c.task.name}, while ${withoutIt} (log: ${run?.log})`;
      const entry = updateEntry(store, c.entry.id, { gateLog: run?.log ?? null });
      outcomes.push(reject(ctx, entry, c.task, withDetail(reason, run)));
    }
    const gone = new Set([...landing.map((l) => l.member), ...(culprit === null ? [] : [members[culprit]])]);
    requeue(
      ctx,
      members.slice(land).filter((m) => !gone.has(m)),
    );
    return done(outcomes);
  }
}

/**
 * Moves main with one compare-and-swap to the last of `landing` (a green prefix, or a green prefix and
 * the alternative after it) and records each change's own commit.
 */
async function landMembers(
  ctx: LandContext,
  chain: Chain,
  landing: Landing[],
  batch: number,
): Promise<LandOutcome[] | 'blocked' | 'moved'> {
  if (landing.length === 0) return [];
  const { members, main, base } = chain;
  const cwd = ctx.repo.root;
  const mainRef = `refs/heads/${base}`;
  const top = landing[landing.length - 1].commit;
  const checkouts = await worktreesOnBranch(cwd, mainRef);
  const blockers = await checkoutBlockers(cwd, mainRef, main, top, checkouts);
  if (blockers.length) {
    const b = blockers[0];
    const reason = `the checkout of ${base} at ${b.dir} has local changes to ${b.files.join(', ')}; commit or stash them, then braid land again`;
    requeue(ctx, members, reason);
    ctx.onProgress?.(`batch: left queued: ${reason}`);
    return 'blocked';
  }
  // How each is recorded if the landing is interrupted after the compare-and-swap (an alternative's
  // members land as other commits than the ones written at the start: recovery looks for these).
  ctx.store.tx(() => {
    for (const l of landing)
      updateEntry(ctx.store, l.member.entry.id, { gated: l.gated, candidate: l.commit });
  });
  if (!(await casUpdateRef(cwd, mainRef, top, main, `braid land ${members.length} as a batch`))) {
    ctx.onProgress?.(`batch: ${base} moved during the gate; rebuilding`);
    requeue(ctx, members, null, true);
    return 'moved';
  }
  // Test seam (BRAID_PAUSE_AT=land:cas): stopped between moving main and recording it.
  pausePoint('land', 'cas');
  for (const w of await bringCheckoutsForward(cwd, mainRef, main, top, checkouts))
    ctx.onProgress?.(`warning: ${w}`);
  const out: LandOutcome[] = [];
  for (const [i, l] of landing.entries()) {
    const from = i === 0 ? main : landing[i - 1].commit;
    const info = { id: batch, gated: l.gated, checkoutMoved: true, base };
    out.push(await finishLanded(ctx, l.member.entry, l.member.task, from, l.commit, null, info));
  }
  return out;
}
