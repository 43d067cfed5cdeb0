import type { Db } from '../../store/db.js';

export interface Note {
  id: number;
  text: string;
  createdAt: number;
  /** Tasks that have received it, and how (hook context or typed text). */
  deliveredTo: { task: string; via: string; at: number }[];
}

export function addNote(db: Db, text: string): Note {
  const createdAt = Date.now();
  const res = db.prepare('INSERT INTO notes (text, created_at) VALUES (?, ?)').run(text, createdAt);
  return { id: Number(res.lastInsertRowid), text, createdAt, deliveredTo: [] };
}

export function listNotes(db: Db): Note[] {
  const notes = db.prepare('SELECT id, text, created_at FROM notes ORDER BY id').all() as Array<{
    id: number;
    text: string;
    created_at: number;
  }>;
  const deliveries = db
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
export function undeliveredNotes(db: Db, task: string): Note[] {
  const rows = db
    .prepare(
      `SELECT id, text, created_at FROM notes
       WHERE id NOT IN (SELECT note_id FROM note_deliveries WHERE task = ?) ORDER BY id`,
    )
    .all(task) as Array<{ id: number; text: string; created_at: number }>;
  return rows.map((r) => ({ id: r.id, text: r.text, createdAt: r.created_at, deliveredTo: [] }));
}

export function markDelivered(db: Db, task: string, noteIds: number[], via: 'context' | 'typed'): void {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO note_deliveries (note_id, task, via, delivered_at) VALUES (?, ?, ?, ?)',
  );
  const now = Date.now();
  for (const id of noteIds) insert.run(id, task, via, now);
}

/** How notes read to an agent: one message, each note on its own line. */
export function noteMessage(notes: Pick<Note, 'text'>[]): string {
  const lines = notes.map((n) => `- ${n.text}`);
  return `Note from the user to every parallel session of this repository (braid note):\n${lines.join('\n')}`;
}
