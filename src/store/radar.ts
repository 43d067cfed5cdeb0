/** The radar's rows in the store: last snapshot per task and cached pair results. */
import type { CachedPair, FindingKind, PairFinding } from '../core/radar.js';
import type { Store } from './db.js';

export interface StoredSnapshot {
  task: string;
  fingerprint: string;
  commit: string;
  tree: string;
  head: string;
  takenAt: number;
}

export function getSnapshot(store: Store, task: string): StoredSnapshot | null {
  const row = store.db.prepare('SELECT * FROM radar_snapshots WHERE task = ?').get(task) as
    | { task: string; fingerprint: string; commit_id: string; tree: string; head: string; taken_at: number }
    | undefined;
  if (!row) return null;
  return { ...row, commit: row.commit_id, takenAt: row.taken_at };
}

export function saveSnapshot(store: Store, s: Omit<StoredSnapshot, 'takenAt'>): void {
  store.db
    .prepare(
      `INSERT INTO radar_snapshots (task, fingerprint, commit_id, tree, head, taken_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(task) DO UPDATE SET fingerprint = excluded.fingerprint, commit_id = excluded.commit_id,
       tree = excluded.tree, head = excluded.head, taken_at = excluded.taken_at`,
    )
    .run(s.task, s.fingerprint, s.commit, s.tree, s.head, Date.now());
}

interface PairRow {
  a: string;
  b: string;
  a_tree: string;
  b_tree: string;
  kind: FindingKind | 'none';
  files: string;
  lines: string | null;
  computed_at: number;
}

export interface StoredPair extends CachedPair {
  computedAt: number;
}

/** One row per computed pair (kind 'none' marks a pair computed with nothing to report). */
export function listCachedPairs(store: Store): StoredPair[] {
  const rows = store.db
    .prepare('SELECT a, b, a_tree, b_tree, MAX(computed_at) AS computed_at FROM radar_pairs GROUP BY a, b')
    .all() as PairRow[];
  return rows.map((r) => ({ a: r.a, b: r.b, aTree: r.a_tree, bTree: r.b_tree, computedAt: r.computed_at }));
}

/** Replaces a pair's cached result with the findings computed on these trees. */
export function savePair(
  store: Store,
  pair: { a: string; b: string; aTree: string; bTree: string },
  findings: PairFinding[],
): void {
  const now = Date.now();
  store.db.prepare('DELETE FROM radar_pairs WHERE a = ? AND b = ?').run(pair.a, pair.b);
  const insert = store.db.prepare(
    'INSERT INTO radar_pairs (a, b, a_tree, b_tree, kind, files, lines, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  if (!findings.length) insert.run(pair.a, pair.b, pair.aTree, pair.bTree, 'none', '[]', null, now);
  for (const f of findings) {
    const extra = f.kind === 'migration' ? (f.collisions ?? []) : (f.lines ?? {});
    insert.run(
      pair.a,
      pair.b,
      pair.aTree,
      pair.bTree,
      f.kind,
      JSON.stringify(f.files),
      JSON.stringify(extra),
      now,
    );
  }
}

function toFinding(r: PairRow): PairFinding {
  const finding: PairFinding = { a: r.a, b: r.b, kind: r.kind as FindingKind, files: JSON.parse(r.files) };
  const extra = r.lines ? JSON.parse(r.lines) : undefined;
  if (r.kind === 'migration') finding.collisions = extra ?? [];
  else if (extra) finding.lines = extra;
  return finding;
}

/** Strongest first within a pair: textual, migration, overlap. */
const BY_STRENGTH = "CASE kind WHEN 'textual' THEN 0 WHEN 'migration' THEN 1 ELSE 2 END";

/** Cached findings, optionally only those involving `side`. */
export function listFindings(store: Store, side?: string): PairFinding[] {
  const rows = (
    side === undefined
      ? store.db.prepare(`SELECT * FROM radar_pairs WHERE kind != 'none' ORDER BY a, b, ${BY_STRENGTH}`).all()
      : store.db
          .prepare(
            `SELECT * FROM radar_pairs WHERE kind != 'none' AND (a = ? OR b = ?) ORDER BY a, b, ${BY_STRENGTH}`,
          )
          .all(side, side)
  ) as PairRow[];
  return rows.map(toFinding);
}

/** Forgets pairs and snapshots of sides that are no longer live (landed, removed, another base branch); returns the tasks dropped. */
export function pruneRadar(store: Store, liveSides: string[]): string[] {
  const live = new Set(liveSides);
  const pairs = store.db.prepare('SELECT DISTINCT a, b FROM radar_pairs').all() as Array<{
    a: string;
    b: string;
  }>;
  const drop = store.db.prepare('DELETE FROM radar_pairs WHERE a = ? AND b = ?');
  for (const p of pairs) if (!live.has(p.a) || !live.has(p.b)) drop.run(p.a, p.b);
  const snaps = store.db.prepare('SELECT task FROM radar_snapshots').all() as Array<{ task: string }>;
  const dropSnap = store.db.prepare('DELETE FROM radar_snapshots WHERE task = ?');
  const dropped = snaps.filter((s) => !live.has(s.task)).map((s) => s.task);
  for (const task of dropped) dropSnap.run(task);
  return dropped;
}

/** The finding keys `task` has been told about (radar_notified). */
export function toldFindingKeys(store: Store, task: string): Set<string> {
  const rows = store.db.prepare('SELECT finding_key FROM radar_notified WHERE task = ?').all(task) as Array<{
    finding_key: string;
  }>;
  return new Set(rows.map((r) => r.finding_key));
}

/** Forgets told findings that went away, so a recurrence is told again. */
export function forgetToldFindings(store: Store, task: string, keys: Iterable<string>): void {
  const forget = store.db.prepare('DELETE FROM radar_notified WHERE task = ? AND finding_key = ?');
  for (const key of keys) forget.run(task, key);
}

export function markFindingsTold(store: Store, task: string, keys: Iterable<string>): void {
  const mark = store.db.prepare(
    'INSERT OR IGNORE INTO radar_notified (task, finding_key, notified_at) VALUES (?, ?, ?)',
  );
  const now = Date.now();
  for (const key of keys) mark.run(task, key, now);
}
