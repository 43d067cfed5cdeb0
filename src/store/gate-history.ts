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

/** Every gate run recorded, the red ones, and the flaky ones. */
export function gateRunCounts(store: Store): { runs: number; red: number; flaky: number } {
  const row = store.db
    .prepare(
      `SELECT
         SUM(kind = 'land.gate-run') AS runs,
         SUM(kind = 'land.gate-run' AND json_extract(data, '$.passed') = 0) AS red,
         SUM(kind = 'land.gate-flaky') AS flaky
       FROM events WHERE kind IN ('land.gate-run', 'land.gate-flaky')`,
    )
    .get() as { runs: number | null; red: number | null; flaky: number | null };
  return { runs: row.runs ?? 0, red: row.red ?? 0, flaky: row.flaky ?? 0 };
}

export interface FlakyGateRun {
  at: number;
  task: string | null;
  commit: string;
  tree: string;
  log: string | null;
  tail: string[];
  batch: number | null;
}

/** The latest flaky gate runs (failed, then passed on the same tree), oldest first. */
export function flakyGateRuns(store: Store, limit = 50): FlakyGateRun[] {
  const rows = store.db
    .prepare("SELECT at, task, data FROM events WHERE kind = 'land.gate-flaky' ORDER BY id DESC LIMIT ?")
    .all(limit) as Array<{ at: number; task: string | null; data: string }>;
  return rows.reverse().map((r) => {
    const d = JSON.parse(r.data) as Omit<FlakyGateRun, 'at' | 'task' | 'batch'> & { batch?: number };
    return {
      at: r.at,
      task: r.task,
      commit: d.commit,
      tree: d.tree,
      log: d.log,
      tail: d.tail,
      batch: d.batch ?? null,
    };
  });
}
