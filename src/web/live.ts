/** Live feed: polls the store cheaply and pushes a fresh snapshot to subscribers when anything changed. */

import { latestSamples } from '../orchestrate/supervisor/samples.js';
import { projectPricing } from '../project/pricing.js';
import type { Project } from '../project/project.js';
import { listTasks } from '../store/tasks.js';
import type { RadarReport } from '../watch/radar/scan.js';
import { type DashboardSnapshot, dashboardSnapshot, storeVersion } from './data.js';
import { storedPoints, TranscriptSeries, type UsageSeries } from './usage-series.js';

/** Task totals polled by the server, for tasks without transcripts (headless logs, other agents). */
interface UsageSample {
  at: number;
  task: string;
  tokens: number;
  costUsd: number;
}

export type DashboardPayload = DashboardSnapshot & { series: UsageSeries[] };

export interface LiveFeedOptions {
  /** How often the store fingerprint is checked. */
  pollMs?: number;
  /** Full refresh even without store changes (RAM, CPU and cost move on their own). */
  refreshMs?: number;
  /** The radar runs git merge-tree per pair: at most this often. */
  radarMs?: number;
}

const MAX_SAMPLES = 5000;

export class LiveFeed {
  private readonly listeners = new Set<(p: DashboardPayload) => void>();
  private readonly samples: UsageSample[] = [];
  private readonly latest = new Map<string, UsageSample>();
  private readonly transcripts: TranscriptSeries;
  private timer: NodeJS.Timeout | null = null;
  private computing: Promise<DashboardPayload> | null = null;
  private last: { version: string; at: number; json: string } | null = null;
  private radar: { report: RadarReport | null; at: number } = { report: null, at: 0 };
  private readonly opts: Required<LiveFeedOptions>;

  constructor(
    private readonly project: Project,
    options: LiveFeedOptions = {},
  ) {
    this.opts = { pollMs: 1000, refreshMs: 5000, radarMs: 10_000, ...options };
    this.transcripts = new TranscriptSeries(projectPricing(project));
  }

  /** A fresh payload (shared with a computation already in flight). */
  current(): Promise<DashboardPayload> {
    if (!this.computing) {
      this.computing = this.compute().finally(() => {
        this.computing = null;
      });
    }
    return this.computing;
  }

  subscribe(listener: (p: DashboardPayload) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) this.timer = setInterval(() => void this.tick(), this.opts.pollMs);
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size) this.stop();
    };
  }

  /** Forces a push on the next tick (after an action changed things). */
  poke(): void {
    this.last = null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.computing || !this.listeners.size) return;
    let version: string;
    try {
      version = storeVersion(this.project.store.db);
    } catch {
      return; // store busy or closing: try again next tick
    }
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

  private async compute(): Promise<DashboardPayload> {
    const runRadar = Date.now() - this.radar.at >= this.opts.radarMs;
    const snap = await dashboardSnapshot(this.project, { radar: runRadar, previousRadar: this.radar.report });
    if (runRadar) this.radar = { report: snap.radar, at: Date.now() };
    this.record(snap);
    return { ...snap, series: this.series(snap) };
  }

  /**
   * Transcript timelines where the agent writes them; else the supervisor's stored samples; else the
   * totals this server saw change.
   */
  private series(snap: DashboardSnapshot): UsageSeries[] {
    const { store } = this.project;
    const { db } = store;
    const tasks = listTasks(store);
    const fromTranscripts = this.transcripts.seriesOf(tasks);
    const covered = new Set(fromTranscripts.map((s) => s.task));
    const shown = new Set(snap.tasks.map((t) => t.name));
    let latest: ReturnType<typeof latestSamples>;
    try {
      latest = latestSamples(db);
    } catch {
      latest = new Map(); // a store from before the supervisor's tables
    }
    const out: UsageSeries[] = [];
    for (const task of tasks) {
      if (covered.has(task.name) || !shown.has(task.name)) continue;
      const stored = storedPoints(db, task.name, task.createdAt, latest.get(task.name));
      // The supervisor's latest sample is fresh every usage pass: this server's own view only fills in without it.
      const points = stored.length
        ? stored
        : this.samples
            .filter((s) => s.task === task.name)
            .map((s) => ({ at: s.at, tokens: s.tokens, costUsd: s.costUsd }));
      if (!points.some((p) => p.tokens > 0)) continue;
      out.push({ task: task.name, source: stored.length ? 'history' : 'sampled', points });
    }
    return [...fromTranscripts, ...out];
  }

  private record(snap: DashboardSnapshot): void {
    for (const t of snap.tasks) {
      const tokens = t.tokens
        ? t.tokens.input + t.tokens.output + t.tokens.cacheCreation + t.tokens.cacheRead
        : 0;
      const costUsd = t.costUsd ?? 0;
      const prev = this.latest.get(t.name);
      if (prev && prev.tokens === tokens && prev.costUsd === costUsd) continue;
      const sample = { at: snap.at, task: t.name, tokens, costUsd };
      this.samples.push(sample);
      this.latest.set(t.name, sample);
    }
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
  }
}
