import type { Store } from './db.js';

export interface Note {
  id: number;
  text: string;
  createdAt: number;
  /** Tasks that have received it, and how (hook context or typed text). */
  deliveredTo: { task: string; via: string; at: number }[];
}

export function addNote(store: Store, text: string): Note {
  const createdAt = Date.now();
  const res = store.db.prepare('INSERT INTO notes (text, created_at) VALUES (?, ?)').run(text, createdAt);
  return { id: Number(res.lastInsertRowid), text, createdAt, deliveredTo: [] };
}

export function listNotes(store: Store): Note[] {
  const notes = store.db.prepare('SELECT id, text, created_at FROM notes ORDER BY id').all() as Array<{
    id: number;
    text: string;
    created_at: number;
  }>;
  const deliveries = store.db
    .prepare('SELECT note_id, task, via, delivered_at FROM note_deliveries ORDER BY delivered_at')
    .all() as Array<{ note_id: number; task: string; via: string; delivered_at: number }>;
  return notes.map((n) => ({
    id: n.id,
    text: n.text,
    createdAt: n.created_at,
    deliveredTo: deliveries
      .filter((d) => d.note_id === n.id)
      .map((d) => ({ task: d.task, via: d.via, at: d.delivered_at })),
  }));
}

/** Notes the task has not received yet, oldest first. */
export function undeliveredNotes(store: Store, task: string): Note[] {
  const rows = store.db
    .prepare(
      `SELECT id, text, created_at FROM notes
       WHERE id NOT IN (SELECT note_id FROM note_deliveries WHERE task = ?) ORDER BY id`,
    )
    .all(task) as Array<{ id: number; text: string; created_at: number }>;
  return rows.map((r) => ({ id: r.id, text: r.text, createdAt: r.created_at, deliveredTo: [] }));
}

export function markDelivered(store: Store, task: string, noteIds: number[], via: 'context' | 'typed'): void {
  const insert = store.db.prepare(
    'INSERT OR IGNORE INTO note_deliveries (note_id, task, via, delivered_at) VALUES (?, ?, ?, ?)',
  );
  const now = Date.now();
  for (const id of noteIds) insert.run(id, task, via, now);
}
