/** Git bundles: how a repository goes to a pod and how the pod's work comes back. */
import { gitRun } from './git.js';

/** A bundle of the task's branch with its history: enough to clone the branch in a pod. */
export async function createBranchBundle(cwd: string, file: string, branch: string): Promise<void> {
  await gitRun(['bundle', 'create', '-q', file, `refs/heads/${branch}`], { cwd });
}

/**
 * Fetches the branch a pod sent back into `refs/braid/incoming/<task>`, then moves the task's branch there
 * when that is a fast-forward (in its worktree, so the files follow). False when the branch went elsewhere.
 */
export async function receiveBundle(
  worktree: string,
  file: string,
  branch: string,
  task: string,
): Promise<{ incoming: string; fastForward: boolean }> {
  const incoming = `refs/braid/incoming/${task}`;
  await gitRun(['fetch', '-q', '--no-tags', file, `+refs/heads/${branch}:${incoming}`], { cwd: worktree });
  const ff = await gitRun(['merge', '--ff-only', '-q', incoming], { cwd: worktree, allowFailure: true });
  return { incoming, fastForward: ff.code === 0 };
}
