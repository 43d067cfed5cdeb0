/** The dashboard's usage charts: one series per task, from the best source there is for it. */
import { projectPricing } from '../project/pricing.js';
import type { Project } from '../project/project.js';
import { latestSamples, type UsageSample } from '../store/samples.js';
import { listTasks } from '../store/tasks.js';
import type { TaskView } from './task-view.js';
import { storedPoints, TranscriptSeries, type UsageSeries } from './usage-series.js';

/** Task totals this reader saw, for tasks without transcripts or stored samples. */
interface SeenTotal {
  at: number;
  task: string;
  tokens: number;
  costUsd: number;
}

const MAX_SEEN = 5000;

/**
 * Transcript timelines where the agent writes them; else the supervisor's stored samples; else the
 * totals this reader saw change between its snapshots.
 */
export class UsageCharts {
  private readonly transcripts: TranscriptSeries;
  private readonly seen: SeenTotal[] = [];
  private readonly latest = new Map<string, SeenTotal>();

  constructor(private readonly project: Project) {
    this.transcripts = new TranscriptSeries(projectPricing(project));
  }

  /** Records the rows' totals, then the series of every shown task. */
  series(rows: readonly TaskView[], at: number): UsageSeries[] {
    this.record(rows, at);
    const { store } = this.project;
    const tasks = listTasks(store);
    const fromTranscripts = this.transcripts.seriesOf(tasks);
    const covered = new Set(fromTranscripts.map((s) => s.task));
    const shown = new Set(rows.map((t) => t.name));
    const latest: Map<string, UsageSample> = latestSamples(store);
    const out: UsageSeries[] = [];
    for (const task of tasks) {
      if (covered.has(task.name) || !shown.has(task.name)) continue;
      const stored = storedPoints(store, task.name, task.createdAt, latest.get(task.name));
      // The supervisor's latest sample is fresh every usage pass: this reader's own view only fills in without it.
      const points = stored.length
        ? stored
        : this.seen
            .filter((s) => s.task === task.name)
            .map((s) => ({ at: s.at, tokens: s.tokens, costUsd: s.costUsd }));
      if (!points.some((p) => p.tokens > 0)) continue;
      out.push({ task: task.name, source: stored.length ? 'history' : 'sampled', points });
    }
    return [...fromTranscripts, ...out];
  }

  private record(rows: readonly TaskView[], at: number): void {
    for (const t of rows) {
      const tokens = t.tokens
        ? t.tokens.input + t.tokens.output + t.tokens.cacheCreation + t.tokens.cacheRead
        : 0;
      const costUsd = t.costUsd ?? 0;
      const prev = this.latest.get(t.name);
      if (prev && prev.tokens === tokens && prev.costUsd === costUsd) continue;
      const total = { at, task: t.name, tokens, costUsd };
      this.seen.push(total);
      this.latest.set(t.name, total);
    }
    if (this.seen.length > MAX_SEEN) this.seen.splice(0, this.seen.length - MAX_SEEN);
  }
}
