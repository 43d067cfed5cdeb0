/** The merge queue as the faces show it. */
import { ACTIVE_QUEUE_STATES, type QueueEntry } from '../core/queue-plan.js';
import type { Store } from '../store/db.js';
import { activeEntries, listQueue } from '../store/queue.js';

/** Entries the dashboards keep in view: the newest, and every one with work ahead of it. */
const SHOWN = 200;

/** The newest entries and every active one, oldest first. */
export function queueView(store: Store): QueueEntry[] {
  const byId = new Map<number, QueueEntry>();
  for (const e of [...activeEntries(store), ...listQueue(store, SHOWN)]) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Finished entries stay visible for a while so a landing's outcome can be read. */
const RECENT_DONE = 3;

/** The short queue of the terminal dashboard: the last few finished entries, then every active one. */
export function recentQueue(entries: readonly QueueEntry[]): QueueEntry[] {
  const active = entries.filter((e) => ACTIVE_QUEUE_STATES.includes(e.state));
  const done = entries.filter((e) => !ACTIVE_QUEUE_STATES.includes(e.state)).slice(-RECENT_DONE);
  return [...done, ...active];
}
