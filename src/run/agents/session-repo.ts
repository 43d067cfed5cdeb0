/** The git common dir of a session's repository, read from BRAID_REPO without asking git (which may be what failed). */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * BRAID_REPO is the main checkout: its `.git` is the common dir, or a `gitdir:` file pointing at
 * it (a separate git dir, whose `commondir` file, if any, names the shared one). Null when unknown.
 */
export function sessionCommonDir(env: NodeJS.ProcessEnv): string | null {
  const root = env.BRAID_REPO;
  if (!root || !path.isAbsolute(root)) return null;
  try {
    const dotGit = path.join(root, '.git');
    const gitDir = statSync(dotGit).isDirectory() ? dotGit : pointedGitDir(dotGit);
    return realpathSync(commonDirOf(gitDir));
  } catch {
    return null;
  }
}

function pointedGitDir(file: string): string {
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file} names no gitdir`);
  return path.resolve(path.dirname(file), m[1]);
}

function commonDirOf(gitDir: string): string {
  try {
    const rel = readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim();
    return rel ? path.resolve(gitDir, rel) : gitDir;
  } catch {
    return gitDir;
  }
}
