import { isProcessAlive, selfIdentity } from '../exec/pid.js';
import type { Store } from '../store/db.js';

/**
 * The repo-wide `queue` lock, on the store's locks table (row = holder pid + its start time, so a
 * dead or recycled pid is taken over). A minimal private version: src/store/locks.ts replaces it.
 */
const LOCK = 'queue';

export interface LockHolder {
  pid: number;
  holder: string;
  acquiredAt: number;
}

interface LockRow {
  pid: number;
  pid_start: string | null;
  holder: string;
  acquired_at: number;
}

/** Takes the lock unless a live process other than this one holds it. */
export function tryAcquireQueueLock(store: Store, holder: string): boolean {
  const me = selfIdentity();
  return store.tx(() => {
    const row = store.db.prepare('SELECT * FROM locks WHERE name = ?').get(LOCK) as LockRow | undefined;
    if (row && row.pid !== me.pid && isProcessAlive(row.pid, row.pid_start)) return false;
    store.db
      .prepare(
        'INSERT OR REPLACE INTO locks (name, pid, pid_start, holder, acquired_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(LOCK, me.pid, me.start, holder, Date.now());
    return true;
  });
}

export function releaseQueueLock(store: Store): void {
  store.db.prepare('DELETE FROM locks WHERE name = ? AND pid = ?').run(LOCK, process.pid);
}

/** The live process holding the queue, or null. */
export function queueLockHolder(store: Store): LockHolder | null {
  const row = store.db.prepare('SELECT * FROM locks WHERE name = ?').get(LOCK) as LockRow | undefined;
  if (!row || !isProcessAlive(row.pid, row.pid_start)) return null;
  return { pid: row.pid, holder: row.holder, acquiredAt: row.acquired_at };
}

/** Runs fn holding the queue lock; returns null without running it when another process holds it. */
export async function withQueueLock<T>(
  store: Store,
  holder: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false; holder: LockHolder | null }> {
  if (!tryAcquireQueueLock(store, holder)) return { ran: false, holder: queueLockHolder(store) };
  try {
    return { ran: true, value: await fn() };
  } finally {
    releaseQueueLock(store);
  }
}
