/** Port leases: which task holds which port of its block (the primary key keeps two tasks off one port). */
import type { Store } from './db.js';

export type PortMap = Record<string, number>;

/** Every leased port, whoever holds it. */
export function leasedPorts(store: Store): Set<number> {
  const rows = store.db.prepare('SELECT port FROM port_leases').all() as { port: number }[];
  return new Set(rows.map((r) => r.port));
}

/**
 * Leases the whole block to `task` in one transaction, or nothing: false when another lessee took
 * any of its ports since the caller looked.
 */
export function leaseBlock(
  store: Store,
  task: string,
  ports: Array<{ port: number; name?: string | null }>,
): boolean {
  return store.tx(() => {
    const insert = store.db.prepare(
      'INSERT OR IGNORE INTO port_leases (port, task, name, leased_at) VALUES (?, ?, ?, ?)',
    );
    const now = Date.now();
    for (const { port, name } of ports) {
      if (insert.run(port, task, name ?? null, now).changes === 0) {
        // Someone leased part of this block since we looked: undo ours inside the same transaction.
        store.db.prepare('DELETE FROM port_leases WHERE task = ?').run(task);
        return false;
      }
    }
    return true;
  });
}

/** The task's named ports (unnamed ports of the block are leased but not exported). */
export function taskPorts(store: Store, task: string): PortMap {
  const rows = store.db
    .prepare('SELECT port, name FROM port_leases WHERE task = ? ORDER BY port')
    .all(task) as { port: number; name: string | null }[];
  const map: PortMap = {};
  for (const r of rows) if (r.name) map[r.name] = r.port;
  return map;
}

/** Who holds leases: task names, and the merge queue's gate. */
export function portLessees(store: Store): string[] {
  const rows = store.db.prepare('SELECT DISTINCT task FROM port_leases').all() as { task: string }[];
  return rows.map((r) => r.task);
}

export function releasePorts(store: Store, task: string): number {
  return store.db.prepare('DELETE FROM port_leases WHERE task = ?').run(task).changes;
}

/** Every port of the task's block, named or not (a container publishes them all). */
export function taskPortBlock(store: Store, task: string): number[] {
  const rows = store.db.prepare('SELECT port FROM port_leases WHERE task = ? ORDER BY port').all(task) as {
    port: number;
  }[];
  return rows.map((r) => r.port);
}
