import { git } from './git.js';

/**
 * Makes a worktree added with --no-checkout a cone-mode sparse checkout of `paths` and fills it: only
 * those folders (and the files at the top) reach the disk. The setting lives in the worktree's own
 * config (git turns on extensions.worktreeConfig), so other worktrees, the gate's among them, stay full.
 */
export async function sparseCheckout(worktree: string, paths: readonly string[]): Promise<void> {
  await git(['sparse-checkout', 'set', '--cone', '--', ...paths], { cwd: worktree });
  // --no-checkout left the index empty: read HEAD into it and onto the disk, within the cone.
  await git(['read-tree', '-mu', 'HEAD'], { cwd: worktree, timeoutMs: 30 * 60_000 });
}
