import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../core/errors.js';
import { git, gitOk, requireGit } from './git.js';
import { cachedGitVersion, rememberGitVersion } from './version-cache.js';
import { checkoutOf } from './worktree-state.js';

export interface RepoInfo {
  /** Top of the worktree braid was called from. */
  toplevel: string;
  /** The main worktree (the original checkout), where braid.yaml lives. */
  root: string;
  /** The shared .git directory, where braid keeps its state. */
  commonDir: string;
  /** The repository's folder name, used in tmux session names and worktree paths. */
  name: string;
}

/** Finds the repository around `cwd`; every worktree of one repository yields the same root and commonDir. */
export async function findRepo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<RepoInfo> {
  const known = repoFromFiles(cwd, env);
  if (known) return known;
  let out: string;
  try {
    out = await git(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir'], { cwd });
  } catch {
    // Too old a git fails here too: say that rather than "no repository".
    await requireGit(cwd);
    throw await notACheckout(cwd);
  }
  const [toplevel, commonDirRaw] = out.split('\n');
  // The version is checked before the answer is used; this git's earlier check counts (no spawn).
  if (!cachedGitVersion(commonDirRaw)) rememberGitVersion(commonDirRaw, await requireGit(cwd));
  const commonDir = realpathSync(commonDirRaw);
  // A usual repository's main worktree is the parent of its `.git`: no need to read every worktree.
  const root =
    path.basename(commonDir) === '.git'
      ? path.dirname(commonDir)
      : await mainWorktreeFromList(cwd, commonDir);
  return { toplevel: realpathSync(toplevel), root, commonDir, name: path.basename(root) };
}

/**
 * The repository read from its files, as `git rev-parse` would answer, when that is plain: a usual
 * checkout (or a linked worktree of one) of this user, a git already checked here, no config that
 * moves the work tree. Null otherwise: then git answers (every command would else spawn it first).
 */
function repoFromFiles(cwd: string, env: NodeJS.ProcessEnv): RepoInfo | null {
  const found = checkoutOf(cwd, env);
  if (!found || path.basename(found.commonDir) !== '.git' || !cachedGitVersion(found.commonDir)) return null;
  try {
    if (statSync(found.commonDir).uid !== process.getuid?.()) return null; // safe.directory is git's call
    const config = readFileSync(path.join(found.commonDir, 'config'), 'utf8');
    if (/^\s*(worktree\s*=|bare\s*=\s*true)/im.test(config)) return null;
  } catch {
    return null;
  }
  // Inside the git folder itself git answers with an error, not a checkout.
  const inside = path.relative(found.toplevel, realpathSync(cwd));
  if (inside === '.git' || inside.startsWith(`.git${path.sep}`)) return null;
  const root = path.dirname(found.commonDir);
  return { toplevel: found.toplevel, root, commonDir: found.commonDir, name: path.basename(root) };
}

/** Why there is no work tree here: a bare repository or a .git folder need other words than "no repository". */
async function notACheckout(cwd: string): Promise<BraidError> {
  const where = await git(['rev-parse', '--is-bare-repository', '--is-inside-git-dir'], {
    cwd,
    allowFailure: true,
  });
  const [bare, insideGitDir] = where.split('\n');
  if (bare === 'true')
    return new BraidError(
      'E_NOT_A_REPO',
      `${cwd} is a bare git repository: it has no checkout for braid to work in`,
      `braid needs a checkout: git clone ${cwd} <folder> (or git worktree add <folder> <branch>), then run braid in that folder.`,
    );
  if (insideGitDir === 'true')
    return new BraidError(
      'E_NOT_A_REPO',
      `${cwd} is inside a repository's git folder, not its checkout`,
      'cd into the checkout (the folder that holds .git), then run braid there.',
    );
  return new BraidError(
    'E_NOT_A_REPO',
    `${cwd} is not inside a git repository`,
    'cd into your project, or run git init first.',
  );
}

/** The first entry of `worktree list`, for a separate git dir; a `worktree add` racing it can fail it once. */
async function mainWorktreeFromList(cwd: string, commonDir: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const list = await git(['worktree', 'list', '--porcelain'], { cwd });
      return realpathSync(/^worktree (.+)$/m.exec(list)?.[1] ?? path.dirname(commonDir));
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** The branch checked out in the main worktree, or null when its HEAD is detached. */
export async function currentBranch(root: string): Promise<string | null> {
  const res = await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: root, allowFailure: true });
  return res || null;
}

export async function hasCommits(cwd: string): Promise<boolean> {
  return gitOk(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd });
}

/** Resolves a ref to a commit id, or throws E_BAD_REF with the name the user gave. */
export async function resolveCommit(cwd: string, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new BraidError('E_BAD_REF', `'${ref}' is not a valid ref`);
  const out = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    cwd,
    allowFailure: true,
  });
  if (!out)
    throw new BraidError(
      'E_BAD_REF',
      `'${ref}' is not a branch or commit in this repository`,
      'Check the name with git branch -a.',
    );
  return out;
}

export async function refExists(cwd: string, ref: string): Promise<boolean> {
  return gitOk(['show-ref', '--verify', '--quiet', ref], { cwd });
}
