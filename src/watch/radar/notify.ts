/** Once-per-finding radar messages for an agent (the hook receiver passes them on as additionalContext). */
import { messagesFor } from '../../core/radar.js';
import type { Store } from '../../store/db.js';
import { listFindings } from './cache.js';

/**
 * The radar warnings `task` has not been told yet, as one text (null when there is nothing new);
 * they are marked delivered. Findings that went away are forgotten, so a recurrence is told again.
 */
export function pendingRadarMessages(store: Store, task: string): string | null {
  return store.tx(() => {
    const db = store.db;
    const messages = messagesFor(task, listFindings(db, task));
    const told = new Set(
      (
        db.prepare('SELECT finding_key FROM radar_notified WHERE task = ?').all(task) as Array<{
          finding_key: string;
        }>
      ).map((r) => r.finding_key),
    );
    const current = new Set(messages.map((m) => m.key));
    const forget = db.prepare('DELETE FROM radar_notified WHERE task = ? AND finding_key = ?');
    for (const key of told) if (!current.has(key)) forget.run(task, key);
    const fresh = messages.filter((m) => !told.has(m.key));
    if (!fresh.length) return null;
    const mark = db.prepare(
      'INSERT OR IGNORE INTO radar_notified (task, finding_key, notified_at) VALUES (?, ?, ?)',
    );
    const now = Date.now();
    for (const m of fresh) mark.run(task, m.key, now);
    const lines = fresh.map((m) => `- ${m.text}`);
    return `braid conflict radar (other agents work in parallel on this repository):\n${lines.join('\n')}`;
  });
}
