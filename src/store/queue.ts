import { ACTIVE_QUEUE_STATES, type QueueEntry, type QueueState } from '../core/queue-plan.js';
import type { Store } from './db.js';

interface QueueRow {
  id: number;
  task: string;
  enqueued_at: number;
  state: string;
  attempt: number;
  candidate: string | null;
  main_before: string | null;
  tip: string | null;
  gate_log: string | null;
  reason: string | null;
  conflict_files: string;
  prev_status: string | null;
  updated_at: number;
  batch: number | null;
  gated: string | null;
}

function fromRow(r: QueueRow): QueueEntry {
  return {
    id: r.id,
    task: r.task,
    enqueuedAt: r.enqueued_at,
    state: r.state as QueueState,
    attempt: r.attempt,
    candidate: r.candidate,
    mainBefore: r.main_before,
    tip: r.tip,
    gateLog: r.gate_log,
    reason: r.reason,
    conflictFiles: JSON.parse(r.conflict_files) as string[],
    prevStatus: r.prev_status,
    updatedAt: r.updated_at,
    batch: r.batch,
    gated: r.gated as QueueEntry['gated'],
  };
}

const COLUMNS: Record<keyof Omit<QueueEntry, 'id' | 'task' | 'enqueuedAt'>, string> = {
  state: 'state',
  attempt: 'attempt',
  candidate: 'candidate',
  mainBefore: 'main_before',
  tip: 'tip',
  gateLog: 'gate_log',
  reason: 'reason',
  conflictFiles: 'conflict_files',
  prevStatus: 'prev_status',
  updatedAt: 'updated_at',
  batch: 'batch',
  gated: 'gated',
};

const activeList = ACTIVE_QUEUE_STATES.map((s) => `'${s}'`).join(', ');

/**
 * Adds a task to the end of the queue; a task already waiting in it keeps its place
 * (a conflict or rejection earlier is retried with a fresh entry).
 */
export function enqueue(store: Store, task: string, prevStatus: string | null): QueueEntry {
  const existing = activeEntryFor(store, task);
  if (existing) return existing;
  const now = Date.now();
  const res = store.db
    .prepare('INSERT INTO queue (task, enqueued_at, state, prev_status, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run(task, now, 'queued', prevStatus, now);
  return getEntry(store, Number(res.lastInsertRowid))!;
}

export function getEntry(store: Store, id: number): QueueEntry | null {
  const row = store.db.prepare('SELECT * FROM queue WHERE id = ?').get(id) as QueueRow | undefined;
  return row ? fromRow(row) : null;
}

export function activeEntryFor(store: Store, task: string): QueueEntry | null {
  const row = store.db
    .prepare(`SELECT * FROM queue WHERE task = ? AND state IN (${activeList}) ORDER BY id LIMIT 1`)
    .get(task) as QueueRow | undefined;
  return row ? fromRow(row) : null;
}

/** Entries with work ahead of them, oldest first. */
export function activeEntries(store: Store): QueueEntry[] {
  return (
    store.db.prepare(`SELECT * FROM queue WHERE state IN (${activeList}) ORDER BY id`).all() as QueueRow[]
  ).map(fromRow);
}

/** Every entry, oldest first; `limit` keeps the newest ones. */
export function listQueue(store: Store, limit = 1000): QueueEntry[] {
  const rows = store.db
    .prepare('SELECT * FROM (SELECT * FROM queue ORDER BY id DESC LIMIT ?) ORDER BY id')
    .all(limit) as QueueRow[];
  return rows.map(fromRow);
}

export function updateEntry(
  store: Store,
  id: number,
  patch: Partial<Omit<QueueEntry, 'id' | 'task' | 'enqueuedAt'>>,
): QueueEntry {
  const fields = { ...patch, updatedAt: Date.now() };
  const keys = Object.keys(fields) as (keyof typeof COLUMNS)[];
  const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ');
  const values = keys.map((k) =>
    k === 'conflictFiles' ? JSON.stringify(fields[k] ?? []) : (fields[k] ?? null),
  );
  store.db.prepare(`UPDATE queue SET ${sets} WHERE id = ?`).run(...values, id);
  return getEntry(store, id)!;
}
