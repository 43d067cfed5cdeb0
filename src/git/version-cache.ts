/**
 * The git version braid checked, remembered in <common dir>/braid/git-version per build of the git on
 * PATH (its path, size, mtime and inode): every braid command would otherwise spawn `git --version`
 * first, and hooks and scripts run braid often. A git upgraded or moved on PATH is checked again.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What identifies the git a bare `git` spawn runs now, or null when none is found on PATH. */
function gitStamp(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      const file = path.join(dir, 'git');
      const s = statSync(file);
      if (s.isFile()) return `${file}\0${s.size}\0${s.mtimeMs}\0${s.ino}`;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/** The version checked earlier for this very git in this repository, or null (not yet, or another git). */
export function cachedGitVersion(commonDir: string): string | null {
  const stamp = gitStamp();
  if (!stamp) return null;
  try {
    const [seen, version] = readFileSync(path.join(commonDir, 'braid', 'git-version'), 'utf8').split('\n');
    return seen === stamp && version ? version : null;
  } catch {
    return null;
  }
}

/** Remembers a version that passed the check; a read-only repository just checks again next time. */
export function rememberGitVersion(commonDir: string, version: string): void {
  const stamp = gitStamp();
  if (!stamp) return;
  try {
    const file = path.join(commonDir, 'braid', 'git-version');
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${stamp}\n${version}\n`);
    renameSync(tmp, file);
  } catch {
    // not writable here: no cache
  }
}
