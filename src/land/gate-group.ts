import { processStartTime } from '../exec/pid.js';
import { readEnviron, scanProcesses } from '../exec/proc.js';
import { groupAlive, terminateGroup } from '../exec/process-group.js';
import type { Store } from '../store/db.js';
import { type LockHolder, listLocks, liveLockHolder, recordLock, releaseLock } from '../store/locks.js';
import { QUEUE_LOCK } from './queue-lock.js';

/**
 * A running gate's process group, kept as a row of the store's locks table named `gate-<slot>`
 * (pid = the group id): the gate holds its scratch worktree. A row left by a `braid land` that
 * died names a group that may still run in that worktree; the next land and `braid gc` end it.
 */
function gateGroupLockName(slot: number): string {
  return `gate-${slot}`;
}

/** Records the gate's group; returns the row's holder, for clearGateGroup. */
export function recordGateGroup(store: Store, slot: number, pgid: number, task: string): LockHolder {
  const holder = {
    pid: pgid,
    pidStart: processStartTime(pgid),
    label: `gate for ${task} (braid pid ${process.pid})`,
  };
  recordLock(store, gateGroupLockName(slot), holder);
  return holder;
}

export function clearGateGroup(store: Store, slot: number, group: LockHolder): void {
  releaseLock(store, gateGroupLockName(slot), group);
}

/**
 * Ends the gate groups recorded by braid processes that are gone and forgets them; returns what
 * was ended. `holdsQueue` says the caller holds the queue lock (only its holder gates, so every
 * recorded group is stale); otherwise a live queue holder's gates are left alone.
 */
export async function endStaleGateGroups(
  store: Store,
  opts: { holdsQueue: boolean; graceMs?: number },
): Promise<Array<{ name: string; pgid: number; holder: string }>> {
  if (!opts.holdsQueue && queueHeldByAnother(store)) return [];
  const ended: Array<{ name: string; pgid: number; holder: string }> = [];
  for (const row of listLocks(store)) {
    if (!/^gate-\d+$/.test(row.name)) continue;
    // The group id may have been reused since: only a group still running a braid gate is ended.
    if (groupAlive(row.pid) && groupRunsGate(row.pid)) {
      await terminateGroup(row.pid, opts.graceMs ?? 2_000);
      ended.push({ name: row.name, pgid: row.pid, holder: row.label });
    }
    releaseLock(store, row.name, row);
  }
  return ended;
}

function queueHeldByAnother(store: Store): boolean {
  const holder = liveLockHolder(store, QUEUE_LOCK);
  return holder !== null && holder.pid !== process.pid;
}

/** True when a member of the group carries the environment braid gives its gate. */
function groupRunsGate(pgid: number): boolean {
  const all = scanProcesses();
  if (all === null) return true; // without /proc the recorded group is trusted
  return all.some((p) => p.pgrp === pgid && (readEnviron(p.pid)?.includes('BRAID_GATE=1') ?? false));
}

/** How many gate slots run a gate now (their recorded group is alive). */
export function busyGateSlots(store: Store): number {
  return listLocks(store).filter((row) => /^gate-\d+$/.test(row.name) && groupAlive(row.pid)).length;
}
