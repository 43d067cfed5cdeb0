/** Questions asked of the event log (appendEvent and listEvents are in tasks.ts). */
import { EDITING_TOOLS } from '../core/radar.js';
import type { Store } from './db.js';

/** The newest recorded editing hook event of `task` (0 when none). */
export function lastEditEventId(store: Store, task: string): number {
  const tools = EDITING_TOOLS.map(() => '?').join(', ');
  const row = store.db
    .prepare(
      `SELECT MAX(id) AS id FROM events WHERE task = ? AND kind = 'hook'
         AND json_extract(data, '$.event') IN ('PostToolUse', 'PostToolUseFailure')
         AND json_extract(data, '$.tool') IN (${tools})`,
    )
    .get(task, ...EDITING_TOOLS) as { id: number | null };
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

/** `main.moved` events after event `afterId` and no older than `since`, oldest first. */
export function mainMovesSince(
  store: Store,
  afterId: number,
  since: number,
): Array<{ id: number; data: Record<string, unknown> }> {
  const rows = store.db
    .prepare(`SELECT id, data FROM events WHERE kind = 'main.moved' AND id > ? AND at >= ? ORDER BY id`)
    .all(afterId, since) as Array<{ id: number; data: string }>;
  return rows.map((r) => ({ id: r.id, data: JSON.parse(r.data) as Record<string, unknown> }));
}

/**
 * The task's events of these kinds since `since`, oldest first: a narrow read for loops that run
 * every few seconds, where the task's many hook events would cost.
 */
export function taskEventsOfKinds(
  store: Store,
  task: string,
  kinds: readonly string[],
  since = 0,
): Array<{ id: number; kind: string; data: Record<string, unknown> }> {
  const rows = store.db
    .prepare(
      `SELECT id, kind, data FROM events WHERE task = ? AND at >= ? AND kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY id`,
    )
    .all(task, since, ...kinds) as Array<{ id: number; kind: string; data: string }>;
  return rows.map((r) => ({ id: r.id, kind: r.kind, data: JSON.parse(r.data) as Record<string, unknown> }));
}
