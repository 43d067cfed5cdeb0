import { subjectsOf } from '../core/commit-graph.js';
import { type GatedAs, gatedAs } from '../core/queue-batch.js';
import { unitGraph } from '../core/queue-graph.js';
import { alternativeMembers, assignLanes } from '../core/queue-lanes.js';
import type { QueueEntry } from '../core/queue-plan.js';
import { type Bet, deferredRecheck, nextGateRound } from '../core/queue-speculate.js';
import type { Task } from '../core/task.js';
import { buildCandidate, squashMessage, userIdentityEnv } from '../git/candidate.js';
import { filesChangedEach } from '../git/changed-files.js';
import { commitsBeyond } from '../git/commit-log.js';
import { type CommitWriter, openCommitWriter } from '../git/commit-writer.js';
import { readManifests } from '../git/manifests.js';
import { casUpdateRef, readCommitAndTree, readRef, readRefs, worktreesOnBranch } from '../git/refs.js';
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
  migrationClash,
  reject,
  withDetail,
} from './land-entry.js';
import { type PendingRecheck, recheckAlone, runRecheck, settleRecheck } from './recheck.js';
import { scratchDir } from './scratch.js';

/** How often a batch whose compare-and-swap failed (main moved) is rebuilt as a batch before its changes go alone. */
const BATCH_REBUILDS = 2;

interface Member {
  entry: QueueEntry;
  task: Task;
  tip: string;
  /** Main plus this change and every one before it in the batch, and that commit's tree. */
  commit: string;
  tree: string;
  /** Its commit message (an alternative candidate builds it again on another base). */
  message: string;
}

/**
 * An alternative candidate: main plus the first `lo` members, then `members` (indices, in order) built
 * on it, leaving out member `suspect` and the rest of its lane; `commits` and `trees` as built.
 */
interface Alternative {
  lo: number;
  suspect: number;
  members: number[];
  commits: string[];
  trees: string[];
  runs: boolean[];
}

/** One member as it lands: the commit it lands as and how it was gated. */
interface Landing {
  member: Member;
  commit: string;
  gated: GatedAs;
}

/** A batch: the changes that build cleanly one on top of the other, from main at `main`. */
interface Chain {
  base: string;
  main: string;
  mainTree: string;
  members: Member[];
  /** How its commits were written (an alternative candidate writes its own the same way). */
  identityEnv: Record<string, string>;
  writeCommit: CommitWriter | null;
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

/**
 * Each member's lane, from the files its candidate changes on the one before it (one git process) and
 * main's package workspace and TypeScript project graph (two more).
 */
async function lanesOf(ctx: LandContext, chain: Chain): Promise<number[]> {
  const pairs = chain.members.map(
    (m, i) => [m.commit, i === 0 ? chain.main : chain.members[i - 1].commit] as const,
  );
  // Unreadable: every change in one lane (no bet), or lanes by files alone; never a failed landing.
  const [files, manifests] = await Promise.all([
    filesChangedEach(ctx.repo.root, pairs).catch(() => pairs.map(() => null)),
    readManifests(ctx.repo.root, chain.main).catch(() => []),
  ]);
  return assignLanes(files, unitGraph(manifests));
}

/**
 * Builds the alternative (main plus the first `lo` members, then `members` on it) and gates its top in
 * slot `slot`. A member that does not build cleanly on it gives no alternative (no run).
 */
async function gateAlternative(
  ctx: LandContext,
  chain: Chain,
  bet: { lo: number; suspect: number; members: number[] },
  batch: number,
  slot: number,
): Promise<{ alt: Alternative } | null> {
  const { members } = chain;
  const cwd = ctx.repo.root;
  let on = bet.lo === 0 ? chain.main : members[bet.lo - 1].commit;
  let onTree = bet.lo === 0 ? chain.mainTree : members[bet.lo - 1].tree;
  const { identityEnv, writeCommit } = chain;
  const alt: Alternative = { ...bet, commits: [], trees: [], runs: [] };
  for (const i of bet.members) {
    const m = members[i];
    if (await migrationClash(ctx, on, m.tip)) return null;
    const cand = await buildCandidate({
      cwd,
      main: on,
      tip: m.tip,
      strategy: ctx.config.land.strategy,
      message: m.message,
      mainTree: onTree,
      identityEnv,
      writeCommit,
    });
    if (!cand.ok || cand.empty) return null;
    alt.commits.push(cand.commit);
    alt.trees.push(cand.tree);
    on = cand.commit;
    onTree = cand.tree;
  }
  const last = members[bet.members[bet.members.length - 1]];
  const without = members.filter((_, i) => i >= bet.lo && !bet.members.includes(i)).map((m) => m.task.name);
  ctx.onProgress?.(
    `batch: gating the first ${bet.lo} and ${bet.members.length} more without ${without.join(', ')} (alternative, slot ${slot}) ${on.slice(0, 8)}`,
  );
  const settings = { ...gateSettings(ctx), slot, scratch: scratchDir(ctx.repo, ctx.config.worktrees, slot) };
  const at = { batch, prefix: bet.lo + bet.members.length, slot, without };
  const run = await runGate(settings, last.task.name, on, 'candidate', at, onTree);
  alt.runs.push(run.passed);
  return { alt };
}

/** The members that build cleanly in queue order, from the first; null when fewer than `least` do. */
async function buildChain(ctx: LandContext, entries: QueueEntry[], least: number): Promise<Chain | null> {
  const cwd = ctx.repo.root;
  const first = getTask(ctx.store, entries[0].task);
  // A change that kept missing main's moves goes the single path, which gives up in time.
  if (!first || entries[0].attempt >= BATCH_REBUILDS) return null;
  // The task's own base when it is a branch (read once with its tree), else targetBranch's answer.
  let base = first.base;
  let head = base ? await readCommitAndTree(cwd, `refs/heads/${base}`) : null;
  if (!head) {
    base = await targetBranch(ctx, first);
    head = await readCommitAndTree(cwd, `refs/heads/${base}`);
  }
  if (!head || !base) return null;
  const main = head.commit;
  const members: Member[] = [];
  let on = main;
  let onTree = head.tree;
  const identityEnv = await userIdentityEnv(cwd);
  const writeCommit = await openCommitWriter(cwd, ctx.repo.commonDir, identityEnv);
  // Every member's tip in one call (commitUncommitted may move one: that one is read again).
  const branchOf = (e: QueueEntry) => getTask(ctx.store, e.task)?.branch;
  const refs = entries
    .map(branchOf)
    .filter((b): b is string => !!b)
    .map((b) => `refs/heads/${b}`);
  const tips = await readRefs(cwd, refs);
  const ready: Array<{ entry: QueueEntry; task: Task; tip: string }> = [];
  for (const entry of entries) {
    const task = getTask(ctx.store, entry.task);
    if (!task || entry.attempt >= BATCH_REBUILDS) break;
    if (task.base !== first.base && (await targetBranch(ctx, task)) !== base) break;
    const committed = ctx.config.land.commit_uncommitted && (await commitUncommitted(ctx, task));
    const ref = `refs/heads/${task.branch}`;
    const tip = committed ? await readRef(cwd, ref) : (tips.get(ref) ?? null);
    if (!tip || tip === task.baseCommit) break;
    ready.push({ entry, task, tip });
  }
  // Every member's commit subjects (for its message) from one git log, not one per member.
  const log = await commitsBeyond(
    cwd,
    main,
    ready.map((r) => r.tip),
  );
  const strategy = ctx.config.land.strategy;
  for (const [i, { entry, task, tip }] of ready.entries()) {
    if (await migrationClash(ctx, on, tip)) break;
    // A merge commit brings the earlier members' own commits along: theirs are not this one's.
    const earlier = strategy === 'merge' ? ready.slice(0, i).map((r) => r.tip) : [];
    const message = squashMessage(task.name, task.prompt, subjectsOf(log, tip, earlier));
    const cand = await buildCandidate({
      cwd,
      main: on,
      tip,
      strategy,
      message,
      mainTree: onTree,
      identityEnv,
      writeCommit,
    });
    if (!cand.ok || cand.empty) break;
    members.push({ entry, task, tip, commit: cand.commit, tree: cand.tree, message });
    on = cand.commit;
    onTree = cand.tree;
  }
  return members.length >= least
    ? { base, main, mainTree: head.tree, members, identityEnv, writeCommit }
    : null;
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
