/**
 * A worktree's HEAD and index read from its files, without git: a hook process reads these on every
 * tool use, so nothing here may load the process runner (branch tips are refs.ts's branchTips).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export interface WorktreeFiles {
  /** The symbolic ref HEAD points to, or null when detached. */
  ref: string | null;
  /** The commit of a detached HEAD (a symbolic one is looked up in the branch tips). */
  oid: string | null;
  /** The index file's mtime, size and inode: changes whenever git rewrites it. */
  indexSig: string;
}

function gitDirOf(worktree: string): string {
  const dotGit = path.join(worktree, '.git');
  if (statSync(dotGit).isDirectory()) return dotGit;
  const line = readFileSync(dotGit, 'utf8').trim();
  if (!line.startsWith('gitdir: ')) throw new Error(`${dotGit} is not a gitdir link`);
  return path.resolve(worktree, line.slice('gitdir: '.length));
}

/** HEAD and the index's stat of a worktree, without spawning git; null when it is not a worktree. */
export function worktreeFiles(worktree: string): WorktreeFiles | null {
  try {
    const dir = gitDirOf(worktree);
    const head = readFileSync(path.join(dir, 'HEAD'), 'utf8').trim();
    return {
      ref: head.startsWith('ref: ') ? head.slice(5) : null,
      oid: head.startsWith('ref: ') ? null : head,
      indexSig: indexSigOf(dir),
    };
  } catch {
    return null;
  }
}

function indexSigOf(gitDir: string): string {
  try {
    const st = statSync(path.join(gitDir, 'index'), { bigint: true });
    return `${st.mtimeNs}:${st.size}:${st.ino}`;
  } catch {
    return 'none';
  }
}

/** Set, these change how git finds a repository: then only git itself may answer. */
const DISCOVERY_ENV = ['GIT_DIR', 'GIT_COMMON_DIR', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES'];

/**
 * The shared git folder of the checkout around `dir`, found as git finds it (the nearest `.git`
 * folder, or a `.git` file naming a worktree's folder and its `commondir`), without a process;
 * null when the environment steers git's discovery or nothing plain was found (then ask git).
 */
export function commonDirOf(dir: string, env: NodeJS.ProcessEnv): string | null {
  return checkoutOf(dir, env)?.commonDir ?? null;
}

/** The checkout around `dir` (its top folder) and its shared git folder, read as commonDirOf reads them. */
export function checkoutOf(
  dir: string,
  env: NodeJS.ProcessEnv,
): { toplevel: string; commonDir: string } | null {
  if (DISCOVERY_ENV.some((k) => env[k])) return null;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) {
      try {
        const gitDir = gitDirOf(d);
        if (!existsSync(path.join(gitDir, 'HEAD'))) return null;
        // A linked worktree's folder names the shared one; a main checkout's .git is the shared one.
        const link = path.join(gitDir, 'commondir');
        const common = existsSync(link) ? path.resolve(gitDir, readFileSync(link, 'utf8').trim()) : gitDir;
        return { toplevel: realpathSync(d), commonDir: realpathSync(common) };
      } catch {
        return null;
      }
    }
    if (path.dirname(d) === d) return null;
  }
}
