import { eventLine } from '../../core/event-lines.js';
import type { Project } from '../../project/project.js';
import { EventFeed } from '../../store/events.js';
import type { EventLog } from './event-log.js';

/** Read per pass at most; the rest waits for the next pass. */
const BATCH = 500;

/**
 * The JSONL log subscribes to the event union: every event recorded since the supervisor started,
 * once and in order, but for each hook and status change (the reconciler logs status changes itself).
 */
export class EventRelay {
  private feed: EventFeed | null = null;

  constructor(
    private readonly project: Project,
    private readonly log: EventLog,
  ) {}

  pass(): void {
    try {
      this.feed ??= new EventFeed(this.project.store.db);
      const events = this.feed.next({ limit: BATCH });
      for (const e of events) {
        if (e.kind === 'hook.received' || e.kind === 'status.changed') continue;
        const line = eventLine(e);
        this.log.append({ kind: e.kind, id: e.id, task: e.task, data: e.data, line });
        // Earlier supervisors wrote budget lines as `budget` with a message: kept for their readers.
        if (e.kind.startsWith('budget.') && line) this.log.append({ kind: 'budget', message: line });
      }
    } catch {
      // A busy store is read again on the next pass: the feed has not moved.
    }
  }
}
