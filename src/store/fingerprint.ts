import type { Store } from './db.js';

/** Cheap fingerprint of the store: changes whenever a hook, a command or the queue writes. */
export function storeVersion(store: Store): string {
  const e = store.db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null };
  const t = store.db.prepare('SELECT MAX(updated_at) AS at, COUNT(*) AS n FROM tasks').get() as {
    at: number | null;
    n: number;
  };
  const q = store.db
    .prepare('SELECT COUNT(*) AS n, MAX(rowid) AS r, MAX(updated_at) AS u FROM queue')
    .get() as {
    n: number;
    r: number | null;
    u: number | null;
  };
  return `${e.id ?? 0}:${t.at ?? 0}:${t.n}:${q.n}:${q.r ?? 0}:${q.u ?? 0}`;
}
