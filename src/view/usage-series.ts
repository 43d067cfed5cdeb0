/** Tokens and cost over time per task, for the dashboard's chart: cumulative, from the transcripts' timestamps. */
import type { PricingTable } from '../core/pricing.js';
import { DEFAULT_PRICING } from '../core/pricing-table.js';
import type { Task } from '../core/task.js';
import { entryCost, totalTokens, type UsageEntry } from '../core/usage.js';
import type { Store } from '../store/db.js';
import { sampleHistory, type UsageSample } from '../store/samples.js';
import { UsageReader } from '../watch/monitor/transcripts.js';
import { recordedTranscripts, transcriptFilesForTask } from '../watch/monitor/usage-of-task.js';

/** One point of a task's cumulative usage. */
export interface UsagePoint {
  at: number;
  tokens: number;
  costUsd: number;
}

export interface UsageSeries {
  task: string;
  /**
   * 'transcript' when read from the agent's transcripts; 'history' from the supervisor's stored samples;
   * 'sampled' when only the reader (the web server) saw the task totals change.
   */
  source: 'transcript' | 'history' | 'sampled';
  points: UsagePoint[];
}

/** Keeps the chart light: at most this many points per task (the last one always kept). */
const MAX_POINTS = 240;

/** Cumulative sums of entries in time order, thinned to `max` points. */
function cumulativePoints(
  entries: readonly UsageEntry[],
  pricing: PricingTable,
  max = MAX_POINTS,
): UsagePoint[] {
  const sorted = [...entries].sort((a, b) => a.timestamp - b.timestamp);
  const points: UsagePoint[] = [];
  let tokens = 0;
  let costUsd = 0;
  for (const e of sorted) {
    tokens += totalTokens(e.tokens);
    costUsd += entryCost(e, pricing) ?? 0;
    points.push({ at: e.timestamp, tokens, costUsd });
  }
  return thin(points, max);
}

/** At most `max` points, evenly spread, the last one always kept. */
function thin(points: UsagePoint[], max: number): UsagePoint[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const thin: UsagePoint[] = [];
  for (let i = 0; i < max - 1; i++) thin.push(points[Math.floor(i * step)]);
  thin.push(points[points.length - 1]);
  return thin;
}

/**
 * A task's cumulative usage as the supervisor stored it (a history row a minute, then its latest sample).
 * Samples with unknown tokens are no point: unknown is never charted as zero.
 */
export function storedPoints(store: Store, task: string, since: number, latest?: UsageSample): UsagePoint[] {
  const rows = sampleHistory(store, task, since);
  if (latest && latest.at >= since && (!rows.length || latest.at > rows[rows.length - 1].at))
    rows.push(latest);
  const points: UsagePoint[] = [];
  let costUsd = 0;
  for (const r of rows) {
    if (!r.tokens) continue;
    costUsd = r.costUsd ?? costUsd;
    points.push({ at: r.at, tokens: totalTokens(r.tokens), costUsd });
  }
  return thin(points, MAX_POINTS);
}

/** One incremental transcript reader per task, so each refresh reads only what the agents appended. */
export class TranscriptSeries {
  private readonly readers = new Map<string, UsageReader>();

  constructor(
    private readonly pricing: PricingTable = DEFAULT_PRICING,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  seriesOf(tasks: readonly Task[]): UsageSeries[] {
    const out: UsageSeries[] = [];
    const names = new Set(tasks.map((t) => t.name));
    for (const key of [...this.readers.keys()]) if (!names.has(key.split('\0')[0])) this.readers.delete(key);
    for (const task of tasks) {
      let points: UsagePoint[] = [];
      try {
        points = cumulativePoints(this.readerFor(task).entries(), this.pricing);
      } catch {
        points = []; // unreadable transcript: the sampled totals still chart the task
      }
      if (points.length) out.push({ task: task.name, source: 'transcript', points });
    }
    return out;
  }

  private readerFor(task: Task): UsageReader {
    const key = `${task.name}\0${task.createdAt}\0${recordedTranscripts(task).join('\0')}`;
    let reader = this.readers.get(key);
    if (!reader) {
      reader = new UsageReader(() => transcriptFilesForTask(task, this.env), this.pricing);
      this.readers.set(key, reader);
    }
    return reader;
  }
}
