import { git, gitRun } from './git.js';

export interface TreeMerge {
  /** The merged tree (with conflict markers in conflicted files). */
  tree: string;
  clean: boolean;
  conflictFiles: string[];
}

/**
 * Merges two commits in memory with `git merge-tree --write-tree` (git >= 2.38): no checkout,
 * no index, nothing in anyone's worktree changes.
 */
export async function mergeTrees(cwd: string, ours: string, theirs: string): Promise<TreeMerge> {
  const res = await gitRun(
    ['merge-tree', '--write-tree', '--name-only', '-z', '--end-of-options', ours, theirs],
    {
      cwd,
      allowFailure: true,
      timeoutMs: 120_000,
    },
  );
  if (res.code !== 0 && res.code !== 1) {
    // Exit codes above 1 mean the merge could not be attempted at all (bad object, unrelated error).
    await gitRun(['merge-tree', '--write-tree', '--end-of-options', ours, theirs], { cwd });
  }
  const [tree, ...rest] = res.stdout.split('\0');
  const conflictFiles: string[] = [];
  if (res.code === 1) {
    for (const name of rest) {
      if (name === '') break;
      conflictFiles.push(name);
    }
  }
  return { tree, clean: res.code === 0, conflictFiles };
}

/**
 * Tells whether everything `tip` changed is already in `base`, even when it arrived there as a
 * squash or a cherry-pick: merging tip into base would leave base's tree unchanged.
 */
export async function isContentMerged(cwd: string, base: string, tip: string): Promise<boolean> {
  const merge = await mergeTrees(cwd, base, tip);
  if (!merge.clean) return false;
  const baseTree = await git(['rev-parse', `${base}^{tree}`], { cwd });
  return merge.tree === baseTree;
}
