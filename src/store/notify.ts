/** Notification deliveries: one row per event and channel, pending until sent or given up on. */
import type { Notification, NotifyChannel } from '../core/notify.js';
import type { Store } from './db.js';

export type DeliveryState = 'pending' | 'sent' | 'failed';

export interface Delivery {
  eventId: number;
  channel: NotifyChannel;
  task: string | null;
  event: string;
  notification: Notification;
  state: DeliveryState;
  attempts: number;
  nextAt: number;
  /** The last attempt's error, URLs redacted. */
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  event_id: number;
  channel: NotifyChannel;
  task: string | null;
  event: string;
  payload: string;
  state: DeliveryState;
  attempts: number;
  next_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

const fromRow = (r: Row): Delivery => ({
  eventId: r.event_id,
  channel: r.channel,
  task: r.task,
  event: r.event,
  notification: JSON.parse(r.payload) as Notification,
  state: r.state,
  attempts: r.attempts,
  nextAt: r.next_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Records deliveries to make; one already recorded for that event and channel is left as it is. */
export function queueDeliveries(
  store: Store,
  items: ReadonlyArray<{ channel: NotifyChannel; notification: Notification }>,
  now = Date.now(),
): void {
  const insert = store.db.prepare(
    `INSERT OR IGNORE INTO notify_deliveries
       (event_id, channel, task, event, payload, state, attempts, next_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
  );
  store.db.transaction(() => {
    for (const { channel, notification: n } of items)
      insert.run(n.eventId, channel, n.task, n.event, JSON.stringify(n), now, now, now);
  })();
}

/** Pending deliveries whose time has come, oldest first. */
export function dueDeliveries(store: Store, now: number, limit: number): Delivery[] {
  const rows = store.db
    .prepare(
      `SELECT * FROM notify_deliveries WHERE state = 'pending' AND next_at <= ?
        ORDER BY event_id, channel LIMIT ?`,
    )
    .all(now, limit) as Row[];
  return rows.map(fromRow);
}

/** The outcome of one attempt: sent, another try at `nextAt`, or failed for good. */
export function recordAttempt(
  store: Store,
  d: Pick<Delivery, 'eventId' | 'channel'>,
  outcome: { state: DeliveryState; attempts: number; nextAt?: number; error?: string | null },
  now = Date.now(),
): void {
  store.db
    .prepare(
      `UPDATE notify_deliveries SET state = ?, attempts = ?, next_at = COALESCE(?, next_at),
         last_error = ?, updated_at = ? WHERE event_id = ? AND channel = ?`,
    )
    .run(
      outcome.state,
      outcome.attempts,
      outcome.nextAt ?? null,
      outcome.error ?? null,
      now,
      d.eventId,
      d.channel,
    );
}

/** The latest deliveries, newest first. */
export function listDeliveries(
  store: Store,
  options: { limit?: number; state?: DeliveryState } = {},
): Delivery[] {
  const where = options.state ? 'WHERE state = ?' : '';
  const params: unknown[] = options.state ? [options.state] : [];
  const rows = store.db
    .prepare(`SELECT * FROM notify_deliveries ${where} ORDER BY event_id DESC, channel LIMIT ?`)
    .all(...params, options.limit ?? 50) as Row[];
  return rows.map(fromRow);
}

/** How many deliveries failed for good since `since`. */
export function countFailedSince(store: Store, since: number): number {
  const row = store.db
    .prepare(`SELECT COUNT(*) AS n FROM notify_deliveries WHERE state = 'failed' AND updated_at >= ?`)
    .get(since) as { n: number };
  return row.n;
}
