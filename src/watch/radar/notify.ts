/** Once-per-finding radar messages for an agent (the hook receiver passes them on as additionalContext). */
import { messagesFor } from '../../core/radar-messages.js';
import type { Store } from '../../store/db.js';
import { forgetToldFindings, listFindings, markFindingsTold, toldFindingKeys } from '../../store/radar.js';

/**
 * The radar warnings `task` has not been told yet, as one text (null when there is nothing new);
 * they are marked delivered. Findings that went away are forgotten, so a recurrence is told again.
 */
export function pendingRadarMessages(store: Store, task: string): string | null {
  return store.tx(() => {
    const messages = messagesFor(task, listFindings(store, task));
    const told = toldFindingKeys(store, task);
    const current = new Set(messages.map((m) => m.key));
    forgetToldFindings(
      store,
      task,
      [...told].filter((key) => !current.has(key)),
    );
    const fresh = messages.filter((m) => !told.has(m.key));
    if (!fresh.length) return null;
    markFindingsTold(
      store,
      task,
      fresh.map((m) => m.key),
    );
    const lines = fresh.map((m) => `- ${m.text}`);
    return `braid conflict radar (other agents work in parallel on this repository):\n${lines.join('\n')}`;
  });
}
