import path from 'node:path';
import { git } from '../../git/git.js';
import { openStore } from '../../store/db.js';
import { acquireLock } from '../../store/locks.js';

/** One change to a repository's worktree list at a time in this process (lock rows are per process). */
const chains = new Map<string, Promise<void>>();

/**
 * Runs `fn` (a `git worktree add/remove/prune`) holding the repository's `git-worktrees` lock: git
 * itself races when two processes change the worktree list at once ("failed to read …/commondir").
 */
export async function withWorktreeLock<T>(repoDir: string, fn: () => Promise<T>): Promise<T> {
  const common = path.resolve(repoDir, await git(['rev-parse', '--git-common-dir'], { cwd: repoDir }));
  const before = chains.get(common) ?? Promise.resolve();
  let done!: () => void;
  const mine = before.then(() => new Promise<void>((resolve) => (done = resolve)));
  chains.set(common, mine);
  await before;
  const store = openStore(common);
  try {
    const release = await acquireLock(store, 'git-worktrees', {
      label: `braid (pid ${process.pid}) changing worktrees`,
      timeoutMs: 5 * 60_000,
    });
    try {
      return await fn();
    } finally {
      release();
    }
  } finally {
    store.close();
    done();
    if (chains.get(common) === mine) chains.delete(common);
  }
}
