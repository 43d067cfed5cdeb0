/** The queue's gate history, read from the event log: recent batch outcomes and trees known green. */
import type { Store } from './db.js';

/** Whether each of the latest `limit` batches (landings gated as one candidate) was green, oldest first. */
export function recentBatchOutcomes(store: Store, limit: number): boolean[] {
  const rows = store.db
    .prepare("SELECT data FROM events WHERE kind = 'land.batch' ORDER BY id DESC LIMIT ?")
    .all(limit) as Array<{ data: string }>;
  return rows.map((r) => (JSON.parse(r.data) as { green: boolean }).green).reverse();
}

/** Whether some gate run already passed on exactly this tree. */
export function treePassedGate(store: Store, tree: string): boolean {
  const row = store.db
    .prepare(
      "SELECT 1 AS hit FROM events WHERE kind = 'land.gate-run' AND json_extract(data, '$.tree') = ? AND json_extract(data, '$.passed') = 1 LIMIT 1",
    )
    .get(tree);
  return row !== undefined;
}

/** How many gate runs were recorded after event `afterId`. */
export function gateRunsSince(store: Store, afterId: number): number {
  const row = store.db
    .prepare("SELECT COUNT(*) AS n FROM events WHERE kind = 'land.gate-run' AND id > ?")
    .get(afterId) as { n: number };
  return row.n;
}
