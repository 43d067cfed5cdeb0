import { gitRun } from './git.js';

/**
 * The untracked, git-ignored files of the checkout at `root` that the gitignore-syntax patterns in
 * `patternsFile` name (`.worktreeinclude`, the convention of Claude Code, Codex and worktrunk): git
 * itself reads the patterns, so negations, anchors and `dir/` mean what they mean in .gitignore.
 * Paths are relative to `root`, `/`-separated, sorted; git lists nothing outside the checkout.
 */
export async function ignoredFilesMatching(root: string, patternsFile: string): Promise<string[]> {
  const listed = await gitRun(['ls-files', '-z', '--others', '--ignored', `--exclude-from=${patternsFile}`], {
    cwd: root,
  });
  const named = listed.stdout.split('\0').filter(Boolean);
  if (!named.length) return [];
  // Of those, only what the repository ignores: a file it would commit is not the worktree's to copy.
  const res = await gitRun(['check-ignore', '-z', '--stdin'], {
    cwd: root,
    input: `${named.join('\0')}\0`,
    allowFailure: true,
  });
  return res.stdout.split('\0').filter(Boolean).sort();
}
