import { readdirSync, readFileSync } from 'node:fs';
import { isProcessAlive, processStartTime } from '../exec/pid.js';
import { groupAlive, terminateGroup } from '../run/runtime/process-group.js';
import type { Store } from '../store/db.js';

/**
 * A running gate's process group, kept as a row of the store's locks table named `gate-<slot>`
 * (pid = the group id): the gate holds its scratch worktree. A row left by a `braid land` that
 * died names a group that may still run in that worktree; the next land and `braid gc` end it.
 */
const PREFIX = 'gate-';
const QUEUE_LOCK = 'queue';

export function gateGroupLockName(slot: number): string {
  return `${PREFIX}${slot}`;
}

export function recordGateGroup(store: Store, slot: number, pgid: number, task: string): void {
  store.db
    .prepare(
      'INSERT OR REPLACE INTO locks (name, pid, pid_start, holder, acquired_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(
      gateGroupLockName(slot),
      pgid,
      processStartTime(pgid),
      `gate for ${task} (braid pid ${process.pid})`,
      Date.now(),
    );
}

export function clearGateGroup(store: Store, slot: number, pgid: number): void {
  store.db.prepare('DELETE FROM locks WHERE name = ? AND pid = ?').run(gateGroupLockName(slot), pgid);
}

interface Row {
  name: string;
  pid: number;
  holder: string;
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
  if (!opts.holdsQueue && queueHolderAlive(store)) return [];
  const rows = store.db
    .prepare("SELECT name, pid, holder FROM locks WHERE name LIKE 'gate-%'")
    .all() as Row[];
  const ended: Array<{ name: string; pgid: number; holder: string }> = [];
  for (const row of rows) {
    if (!/^gate-\d+$/.test(row.name)) continue;
    // The group id may have been reused since: only a group still running a braid gate is ended.
    if (groupAlive(row.pid) && groupRunsGate(row.pid)) {
      await terminateGroup(row.pid, opts.graceMs ?? 2_000);
      ended.push({ name: row.name, pgid: row.pid, holder: row.holder });
    }
    store.db.prepare('DELETE FROM locks WHERE name = ? AND pid = ?').run(row.name, row.pid);
  }
  return ended;
}

function queueHolderAlive(store: Store): boolean {
  const row = store.db.prepare('SELECT pid, pid_start FROM locks WHERE name = ?').get(QUEUE_LOCK) as
    | { pid: number; pid_start: string | null }
    | undefined;
  return !!row && row.pid !== process.pid && isProcessAlive(row.pid, row.pid_start);
}

/** True when a member of the group carries the environment braid gives its gate. */
function groupRunsGate(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true; // without /proc the recorded group is trusted
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== pgid) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes('BRAID_GATE=1')) return true;
    } catch {
      // Ended while we looked, or not ours to read.
    }
  }
  return false;
}
