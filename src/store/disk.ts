/** Each task's disk use as last measured: `braid ls` and `stats` read it instead of walking worktrees. */
import type { Store } from './db.js';

export interface DiskUse {
  bytes: number;
  measuredAt: number;
}

export function saveDiskUse(store: Store, task: string, bytes: number, at = Date.now()): void {
  store.db
    .prepare(
      `INSERT INTO task_disk (task, bytes, measured_at) VALUES (?, ?, ?)
       ON CONFLICT(task) DO UPDATE SET bytes = excluded.bytes, measured_at = excluded.measured_at`,
    )
    .run(task, bytes, at);
}

export function diskUses(store: Store): Map<string, DiskUse> {
  const rows = store.db.prepare('SELECT task, bytes, measured_at FROM task_disk').all() as Array<{
    task: string;
    bytes: number;
    measured_at: number;
  }>;
  return new Map(rows.map((r) => [r.task, { bytes: r.bytes, measuredAt: r.measured_at }]));
}
