import path from 'node:path';
import type { Store } from '../../src/store/db.js';
import { insertTask } from '../../src/store/tasks.js';
import type { TempRepo } from './repo.js';

/** A real worktree on `braid/<name>` beside the repo, recorded as a starting Claude task. */
export async function addWorktreeTask(repo: TempRepo, store: Store, name: string): Promise<string> {
  const worktree = path.join(repo.parent, `wt-${name}`);
  await repo.git('worktree', 'add', '-q', '-b', `braid/${name}`, worktree);
  insertTask(store, {
    name,
    branch: `braid/${name}`,
    worktree,
    base: 'main',
    baseCommit: await repo.git('rev-parse', 'HEAD'),
    agent: 'claude',
    status: 'starting',
  });
  return worktree;
}
