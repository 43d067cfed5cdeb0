/**
 * The event log: typed writes against the union in src/core/events.ts, typed reads, and the one
 * subscription point (`EventFeed`: the events recorded since the last look, in order).
 */
import {
  type BraidEvent,
  type EventDataByKind,
  type EventKind,
  eventKindOf,
  LEGACY_EVENT_KINDS,
} from '../core/events.js';
import { EDITING_TOOLS } from '../core/radar-messages.js';
import type { PermissionDenial } from '../core/refusals.js';
import type { Store } from './db.js';

/** Appends to the event log (hook events, status changes, landings): the store keeps every one. */
export function appendEvent<K extends EventKind>(
  store: Store,
  task: string | null,
  kind: K,
  data: EventDataByKind[K],
  at: number = Date.now(),
): number {
  const res = store.db
    .prepare('INSERT INTO events (at, task, kind, data) VALUES (?, ?, ?, ?)')
    .run(at, task, kind, JSON.stringify(data));
  return Number(res.lastInsertRowid);
}

interface EventRow {
  id: number;
  at: number;
  task: string | null;
  kind: string;
  data: string;
}

/** A stored row as the union sees it; null for a kind this braid does not know (a newer one wrote it). */
function fromRow(r: EventRow): BraidEvent | null {
  const kind = eventKindOf(r.kind);
  if (!kind) return null;
  return { id: r.id, at: r.at, task: r.task, kind, data: JSON.parse(r.data) } as BraidEvent;
}

/** The stored names of `kinds`: each one and the old names that mean it. */
function storedNames(kinds: readonly EventKind[]): string[] {
  const old = Object.entries(LEGACY_EVENT_KINDS).filter(([, now]) => kinds.includes(now));
  return [...kinds, ...old.map(([name]) => name)];
}

export interface EventQuery {
  task?: string;
  /** Only events after this id. */
  afterId?: number;
  /** Only events up to this id. */
  untilId?: number;
  /** Only events at or after this time (a task made again under the same name starts afresh). */
  since?: number;
  /** Only these kinds. */
  kinds?: readonly EventKind[];
  limit?: number;
}

function queryRows(store: Store, query: EventQuery): EventRow[] {
  const where = ['id > ?'];
  const params: unknown[] = [query.afterId ?? 0];
  if (query.untilId !== undefined) {
    where.push('id <= ?');
    params.push(query.untilId);
  }
  if (query.task !== undefined) {
    where.push('task = ?');
    params.push(query.task);
  }
  if (query.since !== undefined) {
    where.push('at >= ?');
    params.push(query.since);
  }
  if (query.kinds) {
    const names = storedNames(query.kinds);
    where.push(`kind IN (${names.map(() => '?').join(', ')})`);
    params.push(...names);
  }
  return store.db
    .prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`)
    .all(...params, query.limit ?? 10_000) as EventRow[];
}

const known = <K extends EventKind>(rows: EventRow[]) =>
  rows.map(fromRow).filter((e): e is BraidEvent<K> => e !== null);

/** Events in id order, typed. */
export function listEvents<K extends EventKind = EventKind>(
  store: Store,
  query: EventQuery & { kinds?: readonly K[] } = {},
): BraidEvent<K>[] {
  return known<K>(queryRows(store, query));
}

/** The newest event's id (0 when none). */
export function lastEventId(store: Store): number {
  return (store.db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null }).id ?? 0;
}

/** The latest `limit` events, oldest first. */
export function recentEvents(store: Store, limit: number): BraidEvent[] {
  return listEvents(store, { afterId: Math.max(0, lastEventId(store) - limit), limit });
}

/**
 * The one subscription point: each `next()` returns the events recorded since the previous call
 * (from the start, or from now), in id order. The faces, the run's progress and the supervisor's log
 * read the union through it.
 */
export class EventFeed {
  private cursor: number;
  private saved: number | null = null;

  /**
   * `from`: where a new feed starts (default now). `name`: a feed that outlives its process; it goes on
   * where `save()` last left it, else starts at `from`.
   */
  constructor(
    private readonly store: Store,
    private readonly options: { from?: 'now' | 'start' | number; name?: string } = {},
  ) {
    const from = options.from ?? 'now';
    const row = options.name
      ? (store.db.prepare('SELECT event_id FROM event_cursors WHERE name = ?').get(options.name) as
          | { event_id: number }
          | undefined)
      : undefined;
    this.saved = row?.event_id ?? null;
    this.cursor = row ? row.event_id : from === 'now' ? lastEventId(store) : from === 'start' ? 0 : from;
  }

  /** Records a named feed's place: the next feed of that name starts after what this one handed out. */
  save(): void {
    if (!this.options.name || this.saved === this.cursor) return;
    this.store.db
      .prepare(
        `INSERT INTO event_cursors (name, event_id, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET event_id = excluded.event_id, updated_at = excluded.updated_at`,
      )
      .run(this.options.name, this.cursor, Date.now());
    this.saved = this.cursor;
  }

  /** Where the feed stands: the events after this id come next. */
  get lastId(): number {
    return this.cursor;
  }

  next(query: Omit<EventQuery, 'afterId' | 'untilId'> = {}): BraidEvent[] {
    const limit = query.limit ?? 1000;
    // Read the top first: a filtered read then moves past what it skipped, never past a row written meanwhile.
    const top = lastEventId(this.store);
    const rows = queryRows(this.store, { ...query, afterId: this.cursor, untilId: top, limit });
    this.cursor = rows.length < limit ? Math.max(this.cursor, top) : rows[rows.length - 1].id;
    return known(rows);
  }
}

/**
 * The tool uses the task's latest session was refused: `agent.permission-denied` events since its last
 * `session.started` (a new session starts with a clean slate).
 */
export function latestRefusals(store: Store, task: string): PermissionDenial[] {
  const started = storedNames(['session.started']);
  const rows = store.db
    .prepare(
      `SELECT data FROM events WHERE task = ? AND kind = 'agent.permission-denied' AND id > COALESCE(
         (SELECT MAX(id) FROM events WHERE task = ? AND kind IN (${started.map(() => '?').join(', ')})), 0)
       ORDER BY id`,
    )
    .all(task, task, ...started) as Array<{ data: string }>;
  return rows.flatMap(
    (r) => (JSON.parse(r.data) as EventDataByKind['agent.permission-denied']).denials ?? [],
  );
}

/** The newest recorded editing hook event of `task` (0 when none). */
export function lastEditEventId(store: Store, task: string): number {
  const tools = EDITING_TOOLS.map(() => '?').join(', ');
  const hook = storedNames(['hook.received']);
  const row = store.db
    .prepare(
      `SELECT MAX(id) AS id FROM events WHERE task = ? AND kind IN (${hook.map(() => '?').join(', ')})
         AND json_extract(data, '$.event') IN ('PostToolUse', 'PostToolUseFailure')
         AND json_extract(data, '$.tool') IN (${tools})`,
    )
    .get(task, ...hook, ...EDITING_TOOLS) as { id: number | null };
  return row.id ?? 0;
}

/** The newest edit event a finished rescan of `task` is known to include (0 when none). */
export function lastCoveredEdit(store: Store, task: string): number {
  const row = store.db
    .prepare(
      `SELECT json_extract(data, '$.coveredEdit') AS edit FROM events
        WHERE task = ? AND kind = 'radar.rescanned' ORDER BY id DESC LIMIT 1`,
    )
    .get(task) as { edit: number | null } | undefined;
  return row?.edit ?? 0;
}

/** A named feed, or null while the store is too busy to place it (the caller tries again next pass). */
export function openNamedFeed(store: Store, name: string): EventFeed | null {
  try {
    return new EventFeed(store, { name });
  } catch {
    return null;
  }
}
