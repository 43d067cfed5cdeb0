import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { git, gitRun } from '../git/git.js';
import { withWorktreeLock } from '../git/worktree-lock.js';

/** Where the pooled scratch worktrees live: inside .git, out of the user's way, shared by every worktree. */
export function scratchDir(commonDir: string, slot: number): string {
  return path.join(commonDir, 'braid', 'scratch', `gate-${slot}`);
}

/**
 * A detached scratch worktree at exactly `commit`, reused between runs so dependencies in
 * node_modules survive; everything else from earlier runs is wiped.
 */
export async function prepareScratch(
  repoDir: string,
  commonDir: string,
  commit: string,
  slot = 0,
): Promise<string> {
  const dir = scratchDir(commonDir, slot);
  if (existsSync(path.join(dir, '.git'))) {
    const ok = await gitRun(['rev-parse', '--is-inside-work-tree'], { cwd: dir, allowFailure: true });
    if (ok.code === 0) {
      await resetScratch(dir);
      await git(['checkout', '-q', '--detach', '-f', commit], { cwd: dir });
      await git(['clean', '-q', '-ffdx', '-e', 'node_modules'], { cwd: dir });
      return dir;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  await withWorktreeLock(repoDir, async () => {
    await git(['worktree', 'prune'], { cwd: repoDir });
    await git(['worktree', 'add', '-q', '--detach', dir, commit], { cwd: repoDir, timeoutMs: 300_000 });
  });
  return dir;
}

/** Leaves no half-done merge behind (the ladder merges in the scratch worktree). */
export async function resetScratch(dir: string): Promise<void> {
  await gitRun(['merge', '--abort'], { cwd: dir, allowFailure: true });
  await gitRun(['reset', '-q', '--hard'], { cwd: dir, allowFailure: true });
}
