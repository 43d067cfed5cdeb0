import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { git } from './git.js';

/** Snapshot commits are braid's own records, so they carry braid's identity whatever the user configured. */
export const BRAID_IDENTITY = {
  GIT_AUTHOR_NAME: 'braid',
  GIT_AUTHOR_EMAIL: 'braid@localhost',
  GIT_COMMITTER_NAME: 'braid',
  GIT_COMMITTER_EMAIL: 'braid@localhost',
};

export interface Snapshot {
  commit: string;
  tree: string;
  /** The worktree's HEAD the snapshot sits on. */
  head: string;
}

/**
 * Records the whole state of a worktree (uncommitted and untracked files, not ignored ones) as a
 * commit on top of its HEAD, through a temporary index so the worktree's own index and
 * `git status` stay exactly as they were.
 */
export async function snapshotWorktree(
  worktree: string,
  options: { message?: string; ref?: string } = {},
): Promise<Snapshot> {
  const realIndex = path.resolve(
    worktree,
    await git(['rev-parse', '--git-path', 'index'], { cwd: worktree }),
  );
  const scratch = mkdtempSync(path.join(tmpdir(), 'braid-index-'));
  const tempIndex = path.join(scratch, 'index');
  try {
    // Starting from a copy of the real index lets git reuse its stat cache instead of rehashing every file.
    if (existsSync(realIndex)) {
      copyFileSync(realIndex, tempIndex);
      // git trusts cached stat data only for files older than the index: a fresh mtime would hide
      // same-size edits made in the index's last second ("racy git").
      const { atime, mtime } = statSync(realIndex);
      utimesSync(tempIndex, atime, mtime);
    }
    const env = { ...BRAID_IDENTITY, GIT_INDEX_FILE: tempIndex };
    await git(['add', '--all', '--', '.'], { cwd: worktree, env, timeoutMs: 120_000 });
    const tree = await git(['write-tree'], { cwd: worktree, env });
    const head = await git(['rev-parse', 'HEAD'], { cwd: worktree });
    const message = options.message ?? `braid snapshot of ${worktree}`;
    const commit = await git(['commit-tree', tree, '-p', head, '-m', message], { cwd: worktree, env });
    if (options.ref) await git(['update-ref', options.ref, commit], { cwd: worktree });
    return { commit, tree, head };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Tells whether a worktree has changes that a snapshot would record (tracked edits or untracked files). */
export async function worktreeChanges(worktree: string): Promise<string[]> {
  const out = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: worktree });
  const files: string[] = [];
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i];
    if (!entry) continue;
    files.push(entry.slice(3));
    // Renames carry their source path as the next NUL-separated field.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return files;
}
