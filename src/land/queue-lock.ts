/** The repo-wide `queue` lock (src/store/locks.ts): one process at a time works through the merge queue. */
import type { Store } from '../store/db.js';
import { type LockInfo, liveLockHolder } from '../store/locks.js';

export const QUEUE_LOCK = 'queue';

/** Who processes the queue, as `braid queue --json` shows it (`holder` is the label). */
export interface QueueHolder {
  pid: number;
  holder: string;
  acquiredAt: number;
}

export function asQueueHolder(info: LockInfo): QueueHolder {
  return { pid: info.pid, holder: info.label, acquiredAt: info.acquiredAt };
}

/** The live process holding the queue, or null. */
export function queueLockHolder(store: Store): QueueHolder | null {
  const info = liveLockHolder(store, QUEUE_LOCK);
  return info ? asQueueHolder(info) : null;
}
