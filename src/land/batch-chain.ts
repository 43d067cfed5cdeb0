/** A batch's chain of candidates: the members that build cleanly one on top of the other, and their way back to the queue. */
import { subjectsOf } from '../core/commit-graph.js';
import type { QueueEntry } from '../core/queue-plan.js';
import type { Task } from '../core/task.js';
import { buildCandidate, squashMessage, userIdentityEnv } from '../git/candidate.js';
import { commitsBeyond } from '../git/commit-log.js';
import { type CommitWriter, openCommitWriter } from '../git/commit-writer.js';
import { readCommitAndTree, readRef, readRefs } from '../git/refs.js';
import { updateEntry } from '../store/queue.js';
import { getTask, updateTask } from '../store/tasks.js';
import { type LandContext, targetBranch } from './context.js';
import { commitUncommitted, migrationClash } from './land-entry.js';

/** How often a batch whose compare-and-swap failed (main moved) is rebuilt as a batch before its changes go alone. */
const BATCH_REBUILDS = 2;

export interface Member {
  entry: QueueEntry;
  task: Task;
  tip: string;
  /** Main plus this change and every one before it in the batch, and that commit's tree. */
  commit: string;
  tree: string;
  /** Its commit message (an alternative candidate builds it again on another base). */
  message: string;
}

/** A batch: the changes that build cleanly one on top of the other, from main at `main`. */
export interface Chain {
  base: string;
  main: string;
  mainTree: string;
  members: Member[];
  /** How its commits were written (an alternative candidate writes its own the same way). */
  identityEnv: Record<string, string>;
  writeCommit: CommitWriter | null;
}

/** The members that build cleanly in queue order, from the first; null when fewer than `least` do. */
export async function buildChain(
  ctx: LandContext,
  entries: QueueEntry[],
  least: number,
): Promise<Chain | null> {
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
export function requeue(
  ctx: LandContext,
  members: Member[],
  reason: string | null = null,
  moved = false,
): void {
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
