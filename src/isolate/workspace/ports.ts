import net from 'node:net';
import { BraidError } from '../../core/errors.js';
import { plural } from '../../core/plural.js';
import { freeBlocks, namePorts, type PortPlan } from '../../core/ports.js';
import type { Store } from '../../store/db.js';
import { leaseBlock, leasedPorts, type PortMap, taskPorts } from '../../store/ports.js';

/** Bind errors that mean "this host has no such address family or address", not "in use". */
const NO_SUCH_ADDRESS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

/**
 * A port is free when braid can bind it on 127.0.0.1 and on every address: a dev server listening on
 * any interface counts. With no host, node binds `::` (every IPv6 address and, dual-stack, every IPv4
 * one), or `0.0.0.0` on a host without IPv6; naming `::` instead would cost each process ~30 ms of
 * CPU compiling node's IPv6 address pattern.
 */
export async function portIsFree(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', undefined]) {
    const ok = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', (err: NodeJS.ErrnoException) => resolve(NO_SUCH_ADDRESS.has(err.code ?? '')));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!ok) return false;
  }
  return true;
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
    const taken = leaseBlock(store, task, ports);
    if (taken) return taskPorts(store, task);
  }
}

/** The lessee of the merge queue's gate ports: not a task name (names cannot hold parentheses). */
export const GATE_LESSEE = '(gate)';

/** Each gate slot's own port block: slot 0 keeps the name it always had. */
export function gateLessee(slot: number): string {
  return slot === 0 ? GATE_LESSEE : `(gate-${slot})`;
}

export function isGateLessee(name: string): boolean {
  return name === GATE_LESSEE || /^\(gate-\d+\)$/.test(name);
}
