/**
 * Live feed: polls the store cheaply, pushes a fresh snapshot of the read model to subscribers when
 * anything changed, and the new events of the union as they are recorded.
 */
import type { BraidEvent } from '../core/events.js';
import type { Project } from '../project/project.js';
import { EventFeed } from '../store/events.js';
import { storeVersion } from '../store/fingerprint.js';
import { ReadModel } from '../view/board.js';
import type { DashboardPayload } from './protocol.js';

export interface LiveFeedOptions {
  /** How often the store fingerprint is checked. */
  pollMs?: number;
  /** Full refresh even without store changes (RAM, CPU and cost move on their own). */
  refreshMs?: number;
  /** The radar runs git merge-tree per pair: at most this often. */
  radarMs?: number;
}

export class LiveFeed {
  private readonly listeners = new Set<(p: DashboardPayload) => void>();
  /** Each listener reads the union through a feed of its own, placed when it subscribed. */
  private readonly eventListeners = new Map<(events: BraidEvent[]) => void, EventFeed>();
  private readonly model: ReadModel;
  private timer: NodeJS.Timeout | null = null;
  private computing: Promise<DashboardPayload> | null = null;
  private last: { version: string; at: number; json: string } | null = null;
  private readonly opts: Required<LiveFeedOptions>;

  constructor(
    private readonly project: Project,
    options: LiveFeedOptions = {},
  ) {
    this.opts = { pollMs: 1000, refreshMs: 5000, radarMs: 10_000, ...options };
    this.model = new ReadModel(project, { radarEveryMs: this.opts.radarMs, series: true });
  }

  /** A fresh payload (shared with a computation already in flight). */
  current(): Promise<DashboardPayload> {
    if (!this.computing) {
      this.computing = this.model.snapshot().finally(() => {
        this.computing = null;
      });
    }
    return this.computing;
  }

  subscribe(listener: (p: DashboardPayload) => void): () => void {
    this.listeners.add(listener);
    return this.watching(() => this.listeners.delete(listener));
  }

  /** Every event recorded from now on, in order, in batches as the ticks find them. */
  subscribeEvents(listener: (events: BraidEvent[]) => void): () => void {
    this.eventListeners.set(listener, new EventFeed(this.project.store));
    return this.watching(() => this.eventListeners.delete(listener));
  }

  /** Forces a push on the next tick (after an action changed things). */
  poke(): void {
    this.last = null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private watching(remove: () => void): () => void {
    if (!this.timer) this.timer = setInterval(() => void this.tick(), this.opts.pollMs);
    return () => {
      remove();
      if (!this.listeners.size && !this.eventListeners.size) this.stop();
    };
  }

  private async tick(): Promise<void> {
    let version: string;
    try {
      this.pushEvents();
      version = storeVersion(this.project.store);
    } catch {
      return; // store busy or closing: try again next tick
    }
    if (this.computing || !this.listeners.size) return;
    const due =
      !this.last || this.last.version !== version || Date.now() - this.last.at >= this.opts.refreshMs;
    if (!due) return;
    try {
      const payload = await this.current();
      const json = JSON.stringify({ ...payload, at: 0 });
      const changed = !this.last || this.last.json !== json;
      this.last = { version, at: Date.now(), json };
      if (changed) for (const l of this.listeners) l(payload);
    } catch {
      // A failed snapshot (git busy, worktree vanishing) is retried on the next tick.
    }
  }

  private pushEvents(): void {
    for (const [listener, feed] of this.eventListeners)
      for (let batch = feed.next(); batch.length; batch = feed.next()) listener(batch);
  }
}
