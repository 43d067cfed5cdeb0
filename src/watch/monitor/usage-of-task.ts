import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PricingTable } from '../../core/pricing.js';
import { DEFAULT_PRICING } from '../../core/pricing-table.js';
import { type HeadlessUsage, parseCodexJsonLog, parseStreamJsonLog } from '../../core/stream-json.js';
import type { Task } from '../../core/task.js';
import { totalsByDay, totalsOf, type UsageTotals } from '../../core/usage.js';
import { jsonlFilesUnder, projectDirFor, UsageReader } from './transcripts.js';

export type UsageSource = 'transcript' | 'stream-json' | 'codex' | 'none';

export interface TaskUsage {
  source: UsageSource;
  /** null when the agent reports no usage braid can read: unknown, never zero. */
  totals: UsageTotals | null;
  /** Totals per local calendar day ('YYYY-MM-DD'). */
  byDay: Map<string, UsageTotals>;
}

/** 'YYYY-MM-DD' of a timestamp in the local time zone (TZ), as ccusage groups days. */
function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// Transcripts older than the task belong to an earlier task that had the same worktree path.
const CLOCK_SLACK_MS = 60_000;

/**
 * The Claude Code transcripts of a task: every transcript its sessions reported (plus those
 * sessions' subagent files) when known, else every transcript of its worktree folder written since
 * the task began.
 */
export function transcriptFilesForTask(task: Task, env: NodeJS.ProcessEnv = process.env): string[] {
  const recorded = recordedTranscripts(task);
  if (recorded.length > 0) {
    return recorded.flatMap((file) => {
      const sessionDir = path.join(path.dirname(file), path.basename(file, '.jsonl'));
      return [...(existsSync(file) ? [file] : []), ...jsonlFilesUnder(sessionDir)];
    });
  }
  const recordedCwd = task.options?.sessionCwd;
  const cwd = typeof recordedCwd === 'string' ? recordedCwd : task.worktree;
  return jsonlFilesUnder(projectDirFor(cwd, env), task.createdAt - CLOCK_SLACK_MS);
}

/** The task's transcripts, oldest first, the latest one included even when the list predates it. */
export function recordedTranscripts(task: Task): string[] {
  const all = [...task.transcriptPaths, ...(task.transcriptPath ? [task.transcriptPath] : [])];
  return [...new Set(all)];
}

interface LogCache {
  size: number;
  mtimeMs: number;
  source: UsageSource;
  usage: HeadlessUsage;
}

/**
 * Usage of tasks, kept between calls so that sampling every few seconds reads only what the
 * agents appended since (one UsageReader per task; headless logs re-parsed only when changed).
 */
export class TaskUsageTracker {
  private readonly readers = new Map<string, UsageReader>();
  private readonly logs = new Map<string, LogCache>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly pricing: PricingTable;

  constructor(options: { env?: NodeJS.ProcessEnv; pricing?: PricingTable } = {}) {
    this.env = options.env ?? process.env;
    this.pricing = options.pricing ?? DEFAULT_PRICING;
  }

  usage(task: Task): TaskUsage {
    const reader = this.readerFor(task);
    const entries = reader.entries();
    if (entries.length > 0 || reader.fileCount > 0) {
      return {
        source: 'transcript',
        totals: totalsOf(entries, this.pricing),
        byDay: totalsByDay(entries, this.pricing, localDay),
      };
    }
    const log = this.logUsage(task);
    if (log?.usage.reported) {
      const day = localDay(task.updatedAt);
      return { source: log.source, totals: log.usage.totals, byDay: new Map([[day, log.usage.totals]]) };
    }
    return { source: 'none', totals: null, byDay: new Map() };
  }

  forget(taskName: string): void {
    for (const key of [...this.readers.keys()]) if (key.startsWith(`${taskName}\0`)) this.readers.delete(key);
    this.logs.delete(taskName);
  }

  private readerFor(task: Task): UsageReader {
    const key = `${task.name}\0${task.worktree}\0${recordedTranscripts(task).join('\0')}\0${task.createdAt}`;
    let reader = this.readers.get(key);
    if (!reader) {
      // A new session's transcript changes the key: drop the reader of the shorter list.
      this.forget(task.name);
      reader = new UsageReader(() => transcriptFilesForTask(task, this.env), this.pricing);
      this.readers.set(key, reader);
    }
    return reader;
  }

  private logUsage(task: Task): LogCache | null {
    if (!task.logPath) return null;
    let st: import('node:fs').Stats;
    try {
      st = statSync(task.logPath);
    } catch {
      return null;
    }
    let cached = this.logs.get(task.name);
    if (!cached || cached.size !== st.size || cached.mtimeMs !== st.mtimeMs) {
      const text = readFileSync(task.logPath, 'utf8');
      const claude = task.agent === 'codex' ? null : parseStreamJsonLog(text, this.pricing);
      const source: UsageSource = claude?.reported ? 'stream-json' : 'codex';
      const usage = claude?.reported ? claude : parseCodexJsonLog(text);
      cached = { size: st.size, mtimeMs: st.mtimeMs, source, usage };
      this.logs.set(task.name, cached);
    }
    return cached;
  }
}
