/** What a task changed against its base (`braid diff`, the dashboard's task page): commits, uncommitted and untracked files. */
import { existsSync } from 'node:fs';
import { BraidError } from '../core/errors.js';
import type { Task } from '../core/task.js';
import { git } from './git.js';
import { refExists } from './repo.js';
import { snapshotWorktree } from './snapshot.js';

export type DiffableTask = Pick<Task, 'name' | 'worktree' | 'base' | 'baseCommit'>;

/** The patch (or `--stat` summary) from where the task forked off its base to its worktree as it is now. */
export async function taskDiff(
  repoRoot: string,
  task: DiffableTask,
  options: { stat?: boolean } = {},
): Promise<string> {
  if (!existsSync(task.worktree))
    throw new BraidError('E_NO_TASK', `the worktree of '${task.name}' is gone`, 'Run braid gc.');
  const base = (await refExists(repoRoot, `refs/heads/${task.base}`))
    ? `refs/heads/${task.base}`
    : task.baseCommit;
  const fork = await git(['merge-base', base, 'HEAD'], { cwd: task.worktree });
  // A snapshot through a temporary index shows untracked files too, without touching the agent's index.
  const snap = await snapshotWorktree(task.worktree, { message: 'braid diff' });
  return git(
    ['diff', '--no-color', '--no-ext-diff', options.stat ? '--stat' : '--patch', fork, snap.commit],
    {
      cwd: task.worktree,
    },
  );
}
