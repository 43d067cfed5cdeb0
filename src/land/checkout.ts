import { checkoutOverlap } from '../core/queue-plan.js';
import { git, gitRun } from '../git/git.js';
import { worktreesOnBranch } from '../git/refs.js';

export interface CheckoutBlocker {
  dir: string;
  files: string[];
}

/** Files that differ between two commits (both sides of a rename count). */
async function changedBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const out = await git(['diff', '--name-only', '-z', '--no-renames', from, to], { cwd });
  return out.split('\0').filter(Boolean);
}

/** Paths with local changes in a checkout: staged, unstaged, unmerged or untracked. */
async function localChanges(dir: string): Promise<string[]> {
  await gitRun(['update-index', '-q', '--refresh'], { cwd: dir, allowFailure: true });
  const out = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], {
    cwd: dir,
  });
  return out
    .split('\0')
    .filter(Boolean)
    .map((e) => e.slice(3));
}

/**
 * Checkouts of the target branch whose local changes touch files the landing changes: moving
 * the branch under them would leave them unable to follow without losing work.
 */
export async function checkoutBlockers(
  repoDir: string,
  ref: string,
  from: string,
  to: string,
  /** The checkouts of `ref` when the caller already listed them. */
  checkouts?: readonly string[],
): Promise<CheckoutBlocker[]> {
  const dirs = checkouts ?? (await worktreesOnBranch(repoDir, ref));
  if (dirs.length === 0) return [];
  const changed = await changedBetween(repoDir, from, to);
  const blockers: CheckoutBlocker[] = [];
  for (const dir of dirs) {
    const files = checkoutOverlap(changed, await localChanges(dir));
    if (files.length) blockers.push({ dir, files });
  }
  return blockers;
}

/**
 * After the branch moved from `from` to `to`, brings each checkout of it along with a two-tree
 * read-tree (what `git checkout` does): local changes elsewhere stay; it refuses rather than overwrite.
 * Returns a warning per checkout it could not update (nothing is lost: the user can run the same command).
 */
export async function bringCheckoutsForward(
  repoDir: string,
  ref: string,
  from: string,
  to: string,
  checkouts?: readonly string[],
): Promise<string[]> {
  const warnings: string[] = [];
  for (const dir of checkouts ?? (await worktreesOnBranch(repoDir, ref))) {
    await gitRun(['update-index', '-q', '--refresh'], { cwd: dir, allowFailure: true });
    const res = await gitRun(['read-tree', '-m', '-u', from, to], { cwd: dir, allowFailure: true });
    if (res.code !== 0) {
      const why = res.stderr.trim().split('\n')[0] ?? '';
      warnings.push(
        `${dir} has ${ref.replace('refs/heads/', '')} checked out but could not follow it (${why}); ` +
          `run there: git read-tree -m -u ${from} ${to}`,
      );
    }
  }
  return warnings;
}
