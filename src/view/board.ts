/**
 * The one read model: everything `braid ui` and `braid web` show, built in one place from the store,
 * git and the sessions (`braid ls` shows its task rows). Each face renders it its own way.
 */
import type { BraidEvent } from '../core/events.js';
import type { QueueHealth } from '../core/queue-health.js';
import type { QueueEntry } from '../core/queue-plan.js';
import type { Project } from '../project/project.js';
import { recentEvents } from '../store/events.js';
import type { RadarReport } from '../watch/radar/scan.js';
import { queueHealthView, queueView } from './queue-view.js';
import { RadarWatch } from './radar-view.js';
import { type TaskView, taskViews } from './task-view.js';
import { UsageCharts } from './usage-charts.js';
import type { UsageSeries } from './usage-series.js';

export interface Board {
  at: number;
  /** The main checkout. */
  repo: string;
  /** One row per task: the `braid ls --json` contract. */
  tasks: TaskView[];
  /** The merge queue's newest entries and every active one, oldest first. */
  queue: QueueEntry[];
  /** The queue's health: depth, batch and window size, slots busy, waits, runs per landed, rates. */
  queueHealth: QueueHealth;
  radar: RadarReport | null;
  /** Why the last radar scan failed, or null. */
  radarError: string | null;
  /** The latest events of the union, oldest first. */
  events: BraidEvent[];
  /** Tokens and cost over time per task (empty unless asked for). */
  series: UsageSeries[];
}

export interface BoardOptions {
  /** The radar scans at most this often; the stored findings show in between. */
  radarEveryMs?: number;
  /** Build the usage charts (reads transcripts). */
  series?: boolean;
  /** How many of the latest events to include. */
  events?: number;
}

/** One per face: it keeps what spans snapshots (when the radar last scanned, transcript readers). */
export class ReadModel {
  private readonly radar: RadarWatch;
  private readonly charts: UsageCharts | null;
  private readonly eventCount: number;

  constructor(
    private readonly project: Project,
    options: BoardOptions = {},
  ) {
    this.radar = new RadarWatch(project, options.radarEveryMs ?? 10_000);
    this.charts = options.series ? new UsageCharts(project) : null;
    this.eventCount = options.events ?? 100;
  }

  async snapshot(): Promise<Board> {
    const { store } = this.project;
    const tasks = await taskViews(this.project);
    const radar = await this.radar.current();
    const at = Date.now();
    return {
      at,
      repo: this.project.repo.root,
      tasks,
      queue: queueView(store),
      queueHealth: queueHealthView(this.project),
      radar: radar.report,
      radarError: radar.error,
      events: this.eventCount > 0 ? recentEvents(store, this.eventCount) : [],
      series: this.charts?.series(tasks, at) ?? [],
    };
  }
}
