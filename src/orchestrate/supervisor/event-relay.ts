import { eventLine } from '../../core/event-lines.js';
import type { Project } from '../../project/project.js';
import { type EventFeed, openNamedFeed } from '../../store/events.js';
import type { EventLog } from './event-log.js';

/** The feed's name in the store. */
const FEED = 'supervisor-log';
/** Read per pass at most; the rest waits for the next pass. */
const BATCH = 500;

/**
 * The JSONL log subscribes to the event union: every event, once and in order (a supervisor goes on
 * where the previous one stopped), but for each hook and status change (the reconciler logs those).
 */
export class EventRelay {
  private feed: EventFeed | null = null;

  constructor(
    private readonly project: Project,
    private readonly log: EventLog,
  ) {
    // Placed at once: the first supervisor of a repository relays from its start, not its first pass.
    this.open();
  }

  private open(): EventFeed | null {
    this.feed ??= openNamedFeed(this.project.store, FEED);
    return this.feed;
  }

  pass(): void {
    const feed = this.open();
    if (!feed) return;
    try {
      const events = feed.next({ limit: BATCH });
      for (const e of events) {
        if (e.kind === 'hook.received' || e.kind === 'status.changed') continue;
        const line = eventLine(e);
        this.log.append({ kind: e.kind, id: e.id, task: e.task, data: e.data, line });
        // Earlier supervisors wrote budget lines as `budget` with a message: kept for their readers.
        if (e.kind.startsWith('budget.') && line) this.log.append({ kind: 'budget', message: line });
      }
      feed.save();
    } catch {
      // A busy store: what was not read is read on the next pass, and the place saved then.
    }
  }
}
