import { existsSync } from 'node:fs';
import { gateFailureDetail } from '../core/gate-output.js';
import { compileGlob } from '../core/glob.js';
import type { GatedAs } from '../core/queue-batch.js';
import { afterCasFailure, type QueueEntry } from '../core/queue-plan.js';
import { migrationNumber } from '../core/radar-parse.js';
import type { Task, TaskStatus } from '../core/task.js';
import {
  buildCandidate,
  type Candidate,
  commitResolvedTree,
  squashMessage,
  userIdentityEnv,
} from '../git/candidate.js';
import { git } from '../git/git.js';
import { casUpdateRef, readRef } from '../git/refs.js';
import { worktreeChanges } from '../git/snapshot.js';
import { appendEvent } from '../store/events.js';
import { pausePoint } from '../store/journal.js';
import { updateEntry } from '../store/queue.js';
import { getTask, mergeTaskOptions, updateTask } from '../store/tasks.js';
import { bringCheckoutsForward, checkoutBlockers } from './checkout.js';
import { type LandContext, type LandOutcome, outcomeOf, targetBranch } from './context.js';
import { type GateRun, gateCandidate } from './gate.js';
import { climbLadder } from './ladder.js';
import { scratchDir } from './scratch.js';

/** Builds, gates and lands one queue entry, rebuilding while main moves under it. */
export async function landEntry(ctx: LandContext, entry: QueueEntry): Promise<LandOutcome> {
  const store = ctx.store;
  const say = (line: string) => ctx.onProgress?.(line);
  const task = getTask(store, entry.task);
  if (!task) return reject(ctx, entry, null, 'the task no longer exists');
  updateTask(store, task.name, { status: 'landing', statusDetail: null });
  const base = await targetBranch(ctx, task);
  const mainRef = `refs/heads/${base}`;
  const cwd = ctx.repo.root;
  if (ctx.config.land.commit_uncommitted) await commitUncommitted(ctx, task);
  const tip = await readRef(cwd, `refs/heads/${task.branch}`);
  if (!tip) return reject(ctx, entry, task, `its branch ${task.branch} does not exist`);
  if (tip === task.baseCommit) return reject(ctx, entry, task, 'nothing to land: no commits and no changes');

  for (let attempt = entry.attempt; ; attempt++) {
    const main = await readRef(cwd, mainRef);
    if (!main) return reject(ctx, entry, task, `the target branch ${base} does not exist`);
    const clash = await migrationClash(ctx, main, tip);
    if (clash) return reject(ctx, entry, task, `${clash}; renumber it, then braid land ${task.name}`);
    entry = updateEntry(store, entry.id, {
      state: 'building',
      attempt,
      mainBefore: main,
      tip,
      candidate: null,
    });
    say(`${task.name}: building candidate on ${base} (${main.slice(0, 8)})`);
    const input = {
      cwd,
      main,
      tip,
      strategy: ctx.config.land.strategy,
      message: await messageFor(cwd, task, main, tip),
    };
    let cand: Candidate = await buildCandidate(input);
    let replayed = input.strategy === 'rebase';
    if (!cand.ok) {
      say(`${task.name}: conflicts in ${cand.conflictFiles.join(', ')}; trying to resolve`);
      const ladder = await climbLadder({
        repoDir: cwd,
        commonDir: ctx.repo.commonDir,
        scratch: gateScratch(ctx),
        base,
        main,
        tip,
        task,
        conflictFiles: cand.conflictFiles,
        promptOf: (name) => getTask(store, name)?.prompt ?? null,
        handBack: ctx.handBack,
        onProgress: say,
      });
      if (ladder.kind === 'handed-back') {
        const files = cand.conflictFiles;
        entry = store.tx(() => {
          const waiting = updateEntry(store, entry.id, {
            state: 'waiting_agent',
            reason: ladder.message,
            conflictFiles: files,
          });
          // The hand-back may have started a resolver session: keep the status it set.
          const now = getTask(store, task.name)?.status;
          updateTask(store, task.name, {
            ...(now === 'landing' ? { status: restoreStatus(waiting) } : {}),
            statusDetail: `conflict handed back: ${files.join(', ')}`,
          });
          appendEvent(store, task.name, 'land.handed-back', { files });
          return waiting;
        });
        return outcomeOf(entry);
      }
      if (ladder.kind === 'conflict') {
        const reason = `conflicts with ${base} in ${ladder.files.join(', ')}: merge ${base} into ${task.branch}, resolve, commit, then braid land ${task.name}`;
        const files = ladder.files;
        entry = store.tx(() => {
          const conflicted = updateEntry(store, entry.id, {
            state: 'conflict',
            reason,
            conflictFiles: files,
          });
          updateTask(store, task.name, { status: 'conflict', statusDetail: reason });
          appendEvent(store, task.name, 'land.conflict', { files });
          return conflicted;
        });
        return outcomeOf(entry);
      }
      replayed = false; // a resolved tree lands as one commit
      cand = await commitResolvedTree(
        { ...input, strategy: input.strategy === 'merge' ? 'merge' : 'squash' },
        ladder.tree,
      );
      if (!cand.ok) throw new Error('unreachable: a resolved tree always commits');
    }
    if (cand.empty) return finishLanded(ctx, entry, task, main, main, 'its changes are already on main');

    entry = updateEntry(store, entry.id, { state: 'gating', candidate: cand.commit });
    say(`${task.name}: gating ${cand.commit.slice(0, 8)}`);
    const gate = await gateForLanding(ctx, task.name, base, main, cand.commit, replayed);
    if (!gate.passed)
      return reject(ctx, updateEntry(store, entry.id, { gateLog: gate.log }), task, gate.reason);
    entry = updateEntry(store, entry.id, { gateLog: gate.log });

    const blockers = await checkoutBlockers(cwd, mainRef, main, cand.commit);
    if (blockers.length) {
      const b = blockers[0];
      const reason = `the checkout of ${base} at ${b.dir} has local changes to ${b.files.join(', ')}; commit or stash them, then braid land again`;
      entry = updateEntry(store, entry.id, { state: 'queued', candidate: null, reason });
      updateTask(store, task.name, { status: 'queued', statusDetail: reason });
      say(`${task.name}: left queued: ${reason}`);
      return outcomeOf(entry);
    }
    if (await casUpdateRef(cwd, mainRef, cand.commit, main, `braid land ${task.name}`)) {
      // Test seam (BRAID_PAUSE_AT=land:cas): stopped between moving main and recording it.
      pausePoint('land', 'cas');
      return finishLanded(ctx, entry, task, main, cand.commit, null);
    }
    if (afterCasFailure(attempt) === 'give-up')
      return reject(ctx, entry, task, `${base} kept moving while the gate ran; try again`);
    say(`${task.name}: ${base} moved during the gate; rebuilding`);
  }
}

/** Records a landing (also used by crash recovery): brings checkouts forward, events, cleanup. */
export async function finishLanded(
  ctx: LandContext,
  entry: QueueEntry,
  task: Task | null,
  from: string,
  commit: string,
  note: string | null,
  batch: { id: number; gated: GatedAs; checkoutMoved?: boolean; base?: string } | null = null,
): Promise<LandOutcome> {
  const store = ctx.store;
  const base = batch?.base ?? (task ? await targetBranch(ctx, task) : (ctx.config.base ?? 'main'));
  // A batch brings the checkouts to its top once, not once per change.
  if (from !== commit && !batch?.checkoutMoved) {
    for (const w of await bringCheckoutsForward(ctx.repo.root, `refs/heads/${base}`, from, commit))
      ctx.onProgress?.(`warning: ${w}`);
  }
  const gated = batch?.gated ?? 'own';
  // One transaction: a kill between the entry's and the task's records would leave the task `landing` for good
  // (the entry, no longer active, is never recovered).
  entry = store.tx(() => {
    const landed = updateEntry(store, entry.id, { state: 'landed', candidate: commit, reason: note, gated });
    if (task) {
      updateTask(store, task.name, { status: 'landed', statusDetail: note, landedCommit: commit });
      // The branch tip that landed: its commits count as on main even after main changes those lines again.
      if (landed.tip) mergeTaskOptions(store, task.name, { landedTip: landed.tip });
    }
    appendEvent(store, landed.task, 'land.landed', {
      commit,
      mainBefore: from,
      gated,
      ...(batch ? { batch: batch.id } : {}),
    });
    if (from !== commit)
      appendEvent(store, null, 'main.moved', { branch: base, from, to: commit, task: landed.task });
    return landed;
  });
  ctx.onProgress?.(`${entry.task}: landed ${commit.slice(0, 8)}${note ? ` (${note})` : ''}`);
  if (task && ctx.config.land.cleanup && ctx.removeTask) await ctx.removeTask(task.name);
  return outcomeOf(entry, commit);
}

type GateResult =
  | { passed: true; log: string | null }
  | { passed: false; log: string | null; reason: string };

/**
 * Gates what would land. A rebase puts every replayed commit on the target branch, so each is
 * gated on its own tree, oldest first, and the first red one is named.
 */
async function gateForLanding(
  ctx: LandContext,
  task: string,
  base: string,
  main: string,
  candidate: string,
  replayed: boolean,
): Promise<GateResult> {
  const cwd = ctx.repo.root;
  const series = replayed ? await seriesOf(cwd, main, candidate) : [candidate];
  for (const [i, commit] of series.entries()) {
    if (i > 0) ctx.onProgress?.(`${task}: gating replayed commit ${commit.slice(0, 8)}`);
    const gate = await gateCandidate(gateSettings(ctx), task, commit, main);
    if (gate.verdict === 'pass') {
      if (commit === candidate) return { passed: true, log: gate.log };
      continue;
    }
    const timeout = `timed out after ${ctx.config.gate_timeout} s`;
    const mainRun = gate.runs.at(-1);
    const lastOnCandidate = gate.runs.filter((r) => r.commit !== main).at(-1);
    const failed = lastOnCandidate?.timedOut ? `${timeout} twice` : 'failed twice';
    const reason =
      gate.verdict === 'main-red'
        ? `${base} itself is red: the gate ${mainRun?.timedOut ? timeout : 'fails'} on ${base} alone (log: ${mainRun?.log}); fix ${base} first`
        : commit !== candidate
          ? `the gate ${failed} on replayed commit ${commit.slice(0, 8)} (${await subjectOf(cwd, commit)}), ${i + 1} of ${series.length}: with land.strategy rebase every commit lands on ${base}, so each must pass; fix that commit or land with squash (log: ${gate.log})`
          : `the gate ${lastOnCandidate?.timedOut ? `${timeout} on the candidate, twice` : 'failed twice on the candidate'} (log: ${gate.log})`;
    // The run that decided: main's for a red main, else the candidate's last.
    const quoted = gate.verdict === 'main-red' ? mainRun : lastOnCandidate;
    return { passed: false, log: gate.log, reason: withDetail(reason, quoted) };
  }
  throw new Error('unreachable: the series ends with the candidate');
}

/** The reason, then (as more sentences) what the decisive run printed. */
export function withDetail(reason: string, run: GateRun | undefined): string {
  const detail = run ? gateFailureDetail(run) : '';
  return detail ? `${reason}.${detail}` : reason;
}

export function reject(ctx: LandContext, entry: QueueEntry, task: Task | null, reason: string): LandOutcome {
  const store = ctx.store;
  // One transaction, as for a landing: the entry and its task never disagree after a kill.
  entry = store.tx(() => {
    const rejected = updateEntry(store, entry.id, { state: 'rejected', reason });
    if (task)
      updateTask(store, task.name, {
        status: restoreStatus(rejected),
        statusDetail: `not landed: ${reason}`,
      });
    appendEvent(store, rejected.task, 'land.rejected', { reason });
    return rejected;
  });
  ctx.onProgress?.(`${entry.task}: not landed: ${reason}`);
  return outcomeOf(entry);
}

function restoreStatus(entry: QueueEntry): TaskStatus {
  const prev = entry.prevStatus as TaskStatus | null;
  return prev && !['queued', 'landing', 'landed', 'conflict'].includes(prev) ? prev : 'exited';
}

export function gateSettings(ctx: LandContext) {
  return {
    repoDir: ctx.repo.root,
    commonDir: ctx.repo.commonDir,
    scratch: gateScratch(ctx),
    command: ctx.config.gate,
    timeoutSec: ctx.config.gate_timeout,
    leaseEnv: ctx.leaseEnv,
    prepare: ctx.prepareGate,
    onProgress: ctx.onProgress,
    store: ctx.store,
  };
}

/** The one pooled scratch worktree (slot 0), beside the task worktrees. */
function gateScratch(ctx: LandContext): string {
  return scratchDir(ctx.repo, ctx.config.worktrees, 0);
}

/** A migration the task adds whose number one on main already has (under migrations.glob). */
export async function migrationClash(ctx: LandContext, main: string, tip: string): Promise<string | null> {
  const glob = ctx.config.migrations?.glob;
  if (!glob) return null;
  const cwd = ctx.repo.root;
  const { matches } = compileGlob(glob);
  const fork = await git(['merge-base', main, tip], { cwd, allowFailure: true });
  if (!fork) return null;
  const list = async (args: string[]) =>
    (await git(args, { cwd })).split('\0').filter((p) => p && matches(p));
  const added = await list(['diff', '--name-only', '--diff-filter=A', '-z', fork, tip]);
  if (added.length === 0) return null;
  const onMain = await list(['ls-tree', '-r', '--name-only', '-z', main]);
  for (const mine of added) {
    const n = migrationNumber(mine);
    const theirs = n === null ? undefined : onMain.find((m) => m !== mine && migrationNumber(m) === n);
    if (theirs) return `migration ${mine} collides with ${theirs} on the target branch (both number ${n})`;
  }
  return null;
}

/** The commits a rebase candidate adds on top of main, oldest first. */
async function seriesOf(cwd: string, main: string, candidate: string): Promise<string[]> {
  const out = await git(['rev-list', '--reverse', '--first-parent', `${main}..${candidate}`], { cwd });
  return out ? out.split('\n') : [candidate];
}

async function subjectOf(cwd: string, commit: string): Promise<string> {
  return git(['log', '-1', '--format=%s', commit], { cwd });
}

/** Squash and merge commits say what the task was for, and list the commits they stand for. */
async function messageFor(cwd: string, task: Task, main: string, tip: string): Promise<string> {
  const subjects = await git(['log', '--reverse', '--format=%s', `${main}..${tip}`], { cwd });
  return squashMessage(task.name, task.prompt, subjects ? subjects.split('\n') : []);
}

/** The agent's unfinished edits are part of its work: commit them on its branch before landing (true when it did). */
export async function commitUncommitted(ctx: LandContext, task: Task): Promise<boolean> {
  if (!existsSync(task.worktree)) return false;
  if ((await worktreeChanges(task.worktree)).length === 0) return false;
  const head = await git(['symbolic-ref', '--quiet', 'HEAD'], { cwd: task.worktree, allowFailure: true });
  if (head !== `refs/heads/${task.branch}`) {
    ctx.onProgress?.(
      `${task.name}: worktree is not on ${task.branch}; its uncommitted changes are not landed`,
    );
    return false;
  }
  const env = await userIdentityEnv(task.worktree);
  await git(['add', '-A', '--', '.'], { cwd: task.worktree, env });
  await git(['commit', '-q', '--no-verify', '-F', '-'], {
    cwd: task.worktree,
    env,
    input: squashMessage(task.name, task.prompt),
  });
  appendEvent(ctx.store, task.name, 'land.committed-uncommitted', {});
  ctx.onProgress?.(`${task.name}: committed uncommitted work in ${task.worktree}`);
  return true;
}
