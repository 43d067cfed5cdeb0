import net from 'node:net';
import { BraidError } from '../../core/errors.js';
import { plural } from '../../core/plural.js';
import { freeBlocks, namePorts, type PortPlan } from '../../core/ports.js';
import type { Store } from '../../store/db.js';

export type PortMap = Record<string, number>;

/** Bind errors that mean "this host has no such address family or address", not "in use". */
const NO_SUCH_ADDRESS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

/**
 * A port is free when braid can bind it on 127.0.0.1 and on `::` (every IPv6 address and, dual-stack,
 * every IPv4 one): a dev server listening on any interface counts. A host without IPv6 skips `::`.
 */
export async function portIsFree(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', '::']) {
    const ok = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', (err: NodeJS.ErrnoException) => resolve(NO_SUCH_ADDRESS.has(err.code ?? '')));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!ok) return false;
  }
  return true;
}

function leasedPorts(store: Store): Set<number> {
  const rows = store.db.prepare('SELECT port FROM port_leases').all() as { port: number }[];
  return new Set(rows.map((r) => r.port));
}

/**
 * Leases a block of free ports for a task. The table's primary key makes two concurrent `braid new`
 * unable to take the same port: the loser's insert fails and it moves on to the next block.
 */
export async function leasePorts(store: Store, task: string, plan: PortPlan): Promise<PortMap> {
  const existing = taskPorts(store, task);
  if (Object.keys(existing).length) return existing;
  const tried = new Set<number>();
  for (;;) {
    const candidates = freeBlocks(plan, leasedPorts(store)).filter((s) => !tried.has(s));
    if (!candidates.length) {
      throw new BraidError(
        'E_NO_PORTS',
        `no free block of ${plural(plan.block, 'port')} left in ${plan.range[0]}-${plan.range[1]}`,
        'Remove finished tasks (braid rm), or widen ports.range in braid.yaml.',
      );
    }
    const start = candidates[0];
    tried.add(start);
    const ports = namePorts(plan, start);
    let allFree = true;
    for (const { port } of ports) {
      if (!(await portIsFree(port))) {
        allFree = false;
        break;
      }
    }
    if (!allFree) continue;
    const taken = store.tx(() => {
      const insert = store.db.prepare(
        'INSERT OR IGNORE INTO port_leases (port, task, name, leased_at) VALUES (?, ?, ?, ?)',
      );
      const now = Date.now();
      for (const { port, name } of ports) {
        if (insert.run(port, task, name, now).changes === 0) {
          // Someone leased part of this block since we looked: undo ours inside the same transaction.
          store.db.prepare('DELETE FROM port_leases WHERE task = ?').run(task);
          return false;
        }
      }
      return true;
    });
    if (taken) return taskPorts(store, task);
  }
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

/** The lessee of the merge queue's gate ports: not a task name (names cannot hold parentheses). */
export const GATE_LESSEE = '(gate)';

export function releasePorts(store: Store, task: string): number {
  return store.db.prepare('DELETE FROM port_leases WHERE task = ?').run(task).changes;
}
