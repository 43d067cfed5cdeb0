import type { TokenCounts } from '../core/task.js';
import type { Store } from './db.js';

/** One usage sample of a task: what `braid ls` shows without sampling itself. */
export interface UsageSample {
  task: string;
  at: number;
  /** null when the session is not running. */
  rssBytes: number | null;
  cpuPercent: number | null;
  processes: number;
  /** null when the agent reports no usage braid can read (unknown, never zero). */
  tokens: TokenCounts | null;
  costUsd: number | null;
}

interface SampleRow {
  task: string;
  at: number;
  rss_bytes: number | null;
  cpu_percent: number | null;
  processes?: number;
  tokens: string | null;
  cost_usd: number | null;
}

const fromRow = (r: SampleRow): UsageSample => ({
  task: r.task,
  at: r.at,
  rssBytes: r.rss_bytes,
  cpuPercent: r.cpu_percent,
  processes: r.processes ?? 0,
  tokens: r.tokens ? (JSON.parse(r.tokens) as TokenCounts) : null,
  costUsd: r.cost_usd,
});

/** Keeps a history row at most this often per task: enough for a chart, small enough to keep for days. */
const HISTORY_EVERY_MS = 60_000;
/** History older than this is dropped. */
const HISTORY_KEEP_MS = 7 * 24 * 3600_000;

/** Records the latest sample of each task; appends to the history when its last row is old enough. */
export function saveSamples(store: Store, samples: UsageSample[]): void {
  const latest = store.db.prepare(
    `INSERT INTO usage_latest (task, at, rss_bytes, cpu_percent, processes, tokens, cost_usd)
     VALUES (@task, @at, @rss, @cpu, @processes, @tokens, @cost)
     ON CONFLICT(task) DO UPDATE SET at = excluded.at, rss_bytes = excluded.rss_bytes,
       cpu_percent = excluded.cpu_percent, processes = excluded.processes,
       tokens = excluded.tokens, cost_usd = excluded.cost_usd`,
  );
  const lastHistory = store.db.prepare('SELECT MAX(at) AS at FROM usage_samples WHERE task = ?');
  const history = store.db.prepare(
    `INSERT OR REPLACE INTO usage_samples (task, at, rss_bytes, cpu_percent, tokens, cost_usd)
     VALUES (@task, @at, @rss, @cpu, @tokens, @cost)`,
  );
  store.db.transaction(() => {
    for (const s of samples) {
      const row = {
        task: s.task,
        at: s.at,
        rss: s.rssBytes,
        cpu: s.cpuPercent,
        processes: s.processes,
        tokens: s.tokens ? JSON.stringify(s.tokens) : null,
        cost: s.costUsd,
      };
      latest.run(row);
      const last = (lastHistory.get(s.task) as { at: number | null }).at;
      if (last === null || s.at - last >= HISTORY_EVERY_MS) history.run(row);
    }
    store.db.prepare('DELETE FROM usage_samples WHERE at < ?').run(Date.now() - HISTORY_KEEP_MS);
  })();
}

/** The latest sample of every task, by name (`braid ls`, the dashboards). */
export function latestSamples(store: Store): Map<string, UsageSample> {
  const rows = store.db.prepare('SELECT * FROM usage_latest').all() as SampleRow[];
  return new Map(rows.map((r) => [r.task, fromRow(r)]));
}

/** A task's sample history, oldest first (charts of tokens and cost over time). */
export function sampleHistory(store: Store, task: string, since = 0): UsageSample[] {
  const rows = store.db
    .prepare('SELECT * FROM usage_samples WHERE task = ? AND at >= ? ORDER BY at')
    .all(task, since) as SampleRow[];
  return rows.map(fromRow);
}

/** Forgets tasks that no longer exist. */
export function pruneSamples(store: Store, liveNames: readonly string[]): void {
  const keep = new Set(liveNames);
  const rows = store.db.prepare('SELECT task FROM usage_latest').all() as Array<{ task: string }>;
  const del = store.db.prepare('DELETE FROM usage_latest WHERE task = ?');
  const delHistory = store.db.prepare('DELETE FROM usage_samples WHERE task = ?');
  for (const r of rows) {
    if (keep.has(r.task)) continue;
    del.run(r.task);
    delHistory.run(r.task);
  }
}
