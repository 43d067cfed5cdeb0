/**
 * Each task's changes against its base (files, ahead, behind) for `braid ls`, the dashboards and the
 * supervisor: one `git for-each-ref` for every branch, then git only for what the stored figures
 * cannot answer (new commits, a rewritten index, a status change since, or an untrusted count).
 */

import type { Task } from '../../core/task.js';
import {
  type ChangeFigures,
  type CountedBy,
  changedCount,
  editingStatus,
  type RecountPolicy,
  recountNeeded,
} from '../../core/task-changes.js';
import { git } from '../../git/git.js';
import { branchTips } from '../../git/refs.js';
import { worktreeChanges } from '../../git/snapshot.js';
import { worktreeFiles } from '../../git/worktree-state.js';
import { saveChanges, storedChanges } from '../../store/changes.js';
import type { Store } from '../../store/db.js';

export interface TaskChanges {
  changed: number;
  ahead: number;
  behind: number;
}

export interface ChangesOptions {
  /** Recount every task (`braid ls --fresh`). */
  fresh?: boolean;
  /** Who is counting: the supervisor's counts are trusted by `braid ls` for `trustMs`. */
  by: CountedBy;
  trustBy: readonly CountedBy[];
  trustMs: number;
  idleTrustMs?: number;
  /** Where the branch tips come from (default: one `git for-each-ref`). */
  tips?: () => Promise<Map<string, string>>;
}

/**
 * How `braid ls` reads: the supervisor's counts of the last 75 s (it recounts every minute and on any
 * change it sees), of the last 5¼ minutes for a task whose agent is not at work.
 */
export const LS_CHANGES: ChangesOptions = {
  by: 'ls',
  trustBy: ['supervisor'],
  trustMs: 75_000,
  idleTrustMs: 315_000,
};

/**
 * How the supervisor counts: again on any sign of change, at least once a minute while the agent
 * works (edits that touch no index), every 5 minutes while it does not (edits by hand).
 */
export const SUPERVISOR_CHANGES: ChangesOptions = {
  by: 'supervisor',
  trustBy: ['supervisor'],
  trustMs: 60_000,
  idleTrustMs: 300_000,
};

/** Runs `fn` over `items` with at most `limit` in flight (git processes compete for the cores). */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function countCommitted(
  worktree: string,
  base: string,
  head: string,
): Promise<Pick<ChangeFigures, 'ahead' | 'behind' | 'committed'>> {
  const counts = await git(['rev-list', '--left-right', '--count', `${base}...${head}`], { cwd: worktree });
  const [behind, ahead] = counts.split(/\s+/).map(Number);
  const forkPoint = await git(['merge-base', base, head], { cwd: worktree, allowFailure: true });
  const committed = forkPoint
    ? (await git(['diff', '--name-only', '-z', forkPoint, head], { cwd: worktree }))
        .split('\0')
        .filter(Boolean)
    : [];
  return { ahead, behind, committed };
}

/** The figures of every task whose worktree exists; recounted ones are stored for the next reader. */
export async function taskChanges(
  store: Store,
  root: string,
  tasks: Task[],
  options: ChangesOptions,
): Promise<Map<string, TaskChanges>> {
  const tips = await (options.tips ? options.tips() : branchTips(root));
  const stored = storedChanges(store);
  const now = Date.now();
  const policy: RecountPolicy = {
    fresh: options.fresh,
    now,
    trustBy: options.trustBy,
    trustMs: options.trustMs,
    idleTrustMs: options.idleTrustMs,
  };
  const out = new Map<string, TaskChanges>();
  const recounted: ChangeFigures[] = [];
  await pool(tasks, 4, async (task) => {
    const files = worktreeFiles(task.worktree);
    if (!files) return;
    const head =
      files.oid ??
      (files.ref ? tips.get(files.ref) : undefined) ??
      (await git(['rev-parse', 'HEAD'], { cwd: task.worktree, allowFailure: true }));
    if (!head) return;
    const baseCommit = tips.get(`refs/heads/${task.base}`) ?? task.baseCommit;
    const prev = stored.get(task.name) ?? null;
    const need = recountNeeded(
      prev,
      {
        head,
        baseCommit,
        indexSig: files.indexSig,
        activityAt: task.statusSince,
        editing: editingStatus(task.status),
        screenTurns: task.statusSource === 'screen',
      },
      policy,
    );
    try {
      let figures = prev!;
      if (need.committed || need.dirty) {
        const committed = need.committed ? await countCommitted(task.worktree, baseCommit, head) : prev!;
        const dirty = await worktreeChanges(task.worktree);
        // Read after status: git may have refreshed the index's stat data while counting.
        const indexSig = worktreeFiles(task.worktree)?.indexSig ?? files.indexSig;
        figures = {
          task: task.name,
          head,
          baseCommit,
          ahead: committed.ahead,
          behind: committed.behind,
          committed: committed.committed,
          dirty,
          indexSig,
          dirtyAt: now,
          dirtyBy: options.by,
        };
        recounted.push(figures);
      }
      out.set(task.name, { changed: changedCount(figures), ahead: figures.ahead, behind: figures.behind });
    } catch {
      // A worktree being removed or rewritten right now: no figures this time.
    }
  });
  if (recounted.length > 0 || stored.size > tasks.length) {
    try {
      saveChanges(
        store,
        recounted,
        tasks.map((t) => t.name),
      );
    } catch {
      // A store busy past its timeout: the figures are shown anyway, and counted again next time.
    }
  }
  return out;
}
