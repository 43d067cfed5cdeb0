import {
  enabledChannels,
  NOTIFY_MAX_ATTEMPTS,
  type NotifyChannel,
  notificationFor,
  retryDelayMs,
  wantsEvent,
} from '../../core/notify.js';
import type { Project } from '../../project/project.js';
import { type EventFeed, openNamedFeed } from '../../store/events.js';
import { type Delivery, dueDeliveries, queueDeliveries, recordAttempt } from '../../store/notify.js';
import { send } from '../notify/send.js';

/** The feed's name in the store: each event is looked at once, across supervisors. */
const FEED = 'notify';
/** Deliveries attempted per pass at most (all at once, each within its time-out). */
const PER_PASS = 20;
/** Wait after the first failed attempt; `BRAID_NOTIFY_RETRY_MS` shortens it for tests. */
const DEFAULT_RETRY_MS = 5_000;

export interface NotifyFailure {
  channel: NotifyChannel;
  eventId: number;
  task: string | null;
  event: string;
  attempts: number;
  error: string;
}

/**
 * Turns the event log into notifications: each pass records a delivery per new event and channel,
 * then tries the due ones, retrying with backoff, and gives up after NOTIFY_MAX_ATTEMPTS (reported).
 */
export class NotifyLoop {
  private feed: EventFeed | null = null;
  private readonly retryMs: number;
  /** Tasks a budget is stopping: their session's end is told as "budget reached", not "finished". */
  private readonly budgetStops = new Set<string>();

  constructor(
    private readonly project: Project,
    private readonly onFailed: (f: NotifyFailure) => void,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    const n = Number(env.BRAID_NOTIFY_RETRY_MS);
    this.retryMs = env.BRAID_NOTIFY_RETRY_MS && Number.isFinite(n) && n >= 0 ? n : DEFAULT_RETRY_MS;
    // Placed at once, so events from this supervisor's start on are told, not older ones.
    this.open();
  }

  private open(): EventFeed | null {
    this.feed ??= openNamedFeed(this.project.store, FEED);
    return this.feed;
  }

  async pass(): Promise<void> {
    this.collect();
    await this.deliver();
  }

  /** New events to deliveries. The feed moves on even with no channel, so adding one later tells no backlog. */
  private collect(): void {
    const feed = this.open();
    if (!feed) return;
    const settings = this.project.config.notify;
    const channels = enabledChannels(settings);
    const events = feed.next({ limit: 500 });
    const items = events.flatMap((e) => {
      const n = channels.length ? notificationFor(e, this.project.repo.name, this.budgetStops) : null;
      if (!n || !wantsEvent(settings, n.event)) return [];
      return channels.map((channel) => ({ channel, notification: n }));
    });
    // Recorded before the place is saved: a crash in between finds them recorded (once each).
    if (items.length) queueDeliveries(this.project.store, items);
    feed.save();
  }

  private async deliver(): Promise<void> {
    const settings = this.project.config.notify;
    if (!settings) return;
    const due = dueDeliveries(this.project.store, Date.now(), PER_PASS);
    const ctx = { settings, repoName: this.project.repo.name, env: this.env };
    await Promise.all(due.map((d) => this.attempt(d, ctx)));
  }

  private async attempt(d: Delivery, ctx: Parameters<typeof send>[2]): Promise<void> {
    const attempts = d.attempts + 1;
    try {
      await send(d.channel, d.notification, ctx);
      recordAttempt(this.project.store, d, { state: 'sent', attempts });
    } catch (err) {
      const error = (err as Error).message;
      if (attempts >= NOTIFY_MAX_ATTEMPTS) {
        recordAttempt(this.project.store, d, { state: 'failed', attempts, error });
        this.onFailed({
          channel: d.channel,
          eventId: d.eventId,
          task: d.task,
          event: d.event,
          attempts,
          error,
        });
      } else {
        const nextAt = Date.now() + retryDelayMs(attempts, this.retryMs);
        recordAttempt(this.project.store, d, { state: 'pending', attempts, nextAt, error });
      }
    }
  }
}
