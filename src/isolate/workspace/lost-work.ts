import { existsSync } from 'node:fs';
import path from 'node:path';
import { plural } from '../../core/plural.js';
import type { Task } from '../../core/task.js';
import { git, gitOk } from '../../git/git.js';
import { isContentMerged } from '../../git/merge-tree.js';
import { refExists } from '../../git/repo.js';
import { worktreeChanges } from '../../git/snapshot.js';

export interface UnlandedWork {
  /** Uncommitted and untracked files in the worktree. */
  uncommitted: string[];
  /** Commits on the task branch whose changes are not on the base (squash-landed work counts as landed). */
  commits: string[];
}

export function hasUnlandedWork(work: UnlandedWork): boolean {
  return work.uncommitted.length > 0 || work.commits.length > 0;
}

/** What removing a task would lose. */
export async function unlandedWork(root: string, task: Task): Promise<UnlandedWork> {
  // A read-only task works in the main checkout: what is there is the user's, not the task's.
  if (task.options.readonly === true && path.resolve(task.worktree) === path.resolve(root))
    return { uncommitted: [], commits: [] };
  const uncommitted =
    existsSync(task.worktree) && (await gitOk(['rev-parse', '--git-dir'], { cwd: task.worktree }))
      ? await worktreeChanges(task.worktree)
      : [];
  const branchRef = `refs/heads/${task.branch}`;
  if (!(await refExists(root, branchRef))) return { uncommitted, commits: [] };
  const baseRef = (await refExists(root, `refs/heads/${task.base}`))
    ? `refs/heads/${task.base}`
    : task.baseCommit;
  const landedTip = await landedTipOnBase(root, task, baseRef);
  const out = await git(
    ['rev-list', '--oneline', branchRef, `^${baseRef}`, ...(landedTip ? [`^${landedTip}`] : [])],
    { cwd: root },
  );
  const commits = out ? out.split('\n') : [];
  if (commits.length && (await isContentMerged(root, baseRef, branchRef)))
    return { uncommitted, commits: [] };
  return { uncommitted, commits };
}

/** The branch tip the queue landed (squashed, so not an ancestor of the base), while that landing is on the base. */
async function landedTipOnBase(root: string, task: Task, baseRef: string): Promise<string | null> {
  const tip = typeof task.options.landedTip === 'string' ? task.options.landedTip : null;
  if (!tip || !task.landedCommit) return null;
  const onBase = await gitOk(['merge-base', '--is-ancestor', task.landedCommit, baseRef], { cwd: root });
  const exists = await gitOk(['cat-file', '-e', `${tip}^{commit}`], { cwd: root });
  return onBase && exists ? tip : null;
}

export function describeUnlanded(work: UnlandedWork): string {
  const parts: string[] = [];
  if (work.uncommitted.length) {
    const shown = work.uncommitted.slice(0, 10).join(', ');
    const more = work.uncommitted.length > 10 ? ` and ${work.uncommitted.length - 10} more` : '';
    parts.push(`${plural(work.uncommitted.length, 'uncommitted or untracked file')}: ${shown}${more}`);
  }
  if (work.commits.length) {
    parts.push(
      `${plural(work.commits.length, 'commit')} not on the base: ${work.commits.slice(0, 5).join('; ')}`,
    );
  }
  return parts.join('\n  ');
}
