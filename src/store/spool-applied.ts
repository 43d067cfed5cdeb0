/** Ids of spooled hook events already applied, so a line read twice counts once. */
import type { Store } from './db.js';

export function spoolEventApplied(store: Store, id: string): boolean {
  return store.db.prepare('SELECT 1 FROM hook_spool_applied WHERE id = ?').get(id) !== undefined;
}

export function markSpoolEventApplied(store: Store, id: string, at: number): void {
  store.db.prepare('INSERT INTO hook_spool_applied (id, applied_at) VALUES (?, ?)').run(id, at);
}

/** Forgets ids applied before `before`: a spool line that old was deleted long ago. */
export function forgetSpoolEventsAppliedBefore(store: Store, before: number): void {
  store.db.prepare('DELETE FROM hook_spool_applied WHERE applied_at < ?').run(before);
}
