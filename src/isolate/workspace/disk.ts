import { existsSync } from 'node:fs';
import type { Task } from '../../core/task.js';
import { run } from '../../exec/run.js';
import type { Store } from '../../store/db.js';
import { saveDiskUse } from '../../store/disk.js';

/**
 * Bytes a folder takes on disk (node_modules and the rest; a hard link counted once), by `du`: one
 * process in C instead of a walk in JS. Null when the folder is gone or du cannot tell.
 */
export async function diskBytes(dir: string): Promise<number | null> {
  if (!existsSync(dir)) return null;
  // -x: a mount inside the worktree (a cache, a container volume) is not the task's.
  const res = await run('du', ['-s', '-x', '-B1', '--', dir], {
    cwd: '/',
    timeoutMs: 120_000,
    allowFailure: true,
  });
  const n = Number.parseInt(res.stdout.split(/\s/)[0] ?? '', 10);
  // du exits 1 when a file vanished mid-walk (an agent at work): its total is still the answer.
  return Number.isFinite(n) ? n : null;
}

/** Measures the worktrees of `tasks` one after the other (du is I/O-bound) and records each figure. */
export async function measureTaskDisks(store: Store, tasks: readonly Task[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const task of tasks) {
    // A read-only task's "worktree" is the main checkout: not the task's to count.
    if (task.options.readonly) continue;
    const bytes = await diskBytes(task.worktree);
    if (bytes === null) continue;
    saveDiskUse(store, task.name, bytes);
    out.set(task.name, bytes);
  }
  return out;
}
