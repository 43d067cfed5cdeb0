import type { Plan } from '../../core/plan.js';
import { describeDenials } from '../../core/refusals.js';
import { LIVE_STATUSES, type TokenCounts } from '../../core/task.js';
import { projectPricing } from '../../project/pricing.js';
import type { Project } from '../../project/project.js';
import { latestRefusals } from '../../store/events.js';
import { listTasks } from '../../store/tasks.js';
import { collectStats } from '../../watch/monitor/stats-report.js';

export interface TaskReport {
  name: string;
  /** running / pending only in an interrupted run's report. */
  outcome: 'landed' | 'rejected' | 'failed' | 'skipped' | 'stopped' | 'done' | 'running' | 'pending';
  reason: string | null;
  durationMs: number | null;
  tokens: TokenCounts | null;
  costUsd: number | null;
  landedCommit: string | null;
  /** Tool uses the task's latest session was refused, in words, or null. */
  refused: string | null;
}

export interface RunReport {
  runId: string;
  /** Stopped by a signal before the plan finished: running the same plan again continues it. */
  interrupted: boolean;
  wallMs: number;
  tasks: TaskReport[];
  totals: { tokens: number; costUsd: number | null; taskMs: number; speedup: number | null };
}

export interface RunMemory {
  skipped: Map<string, string>;
  rejected: Map<string, string>;
  stopped: Map<string, string>;
  startedAt: Map<string, number>;
  finishedAt: Map<string, number>;
  /** Tasks that could not even be provisioned (e.g. needs that conflict when stacked), with why. */
  unstarted: Map<string, string>;
}

/** The final report: each task's outcome and why, durations, usage, and the parallel speed-up. */
export async function buildReport(
  project: Project,
  plan: Plan,
  runId: string,
  started: number,
  m: RunMemory,
  interrupted = false,
): Promise<RunReport> {
  const tasks = listTasks(project.store).filter((t) => t.runId === runId);
  const stats = await collectStats(tasks, { cpuWindowMs: 0, pricing: projectPricing(project) });
  const reports: TaskReport[] = plan.tasks.map((spec) => {
    const task = tasks.find((t) => t.name === spec.name) ?? null;
    const s = stats.tasks.find((x) => x.name === spec.name);
    const begin = m.startedAt.get(spec.name);
    const end = m.finishedAt.get(spec.name);
    let outcome: TaskReport['outcome'] = 'done';
    let reason: string | null = null;
    if (m.skipped.has(spec.name)) [outcome, reason] = ['skipped', m.skipped.get(spec.name) ?? null];
    else if (task?.status === 'landed') outcome = 'landed';
    else if (m.stopped.has(spec.name)) [outcome, reason] = ['stopped', m.stopped.get(spec.name) ?? null];
    else if (m.rejected.has(spec.name) || task?.status === 'conflict')
      [outcome, reason] = ['rejected', m.rejected.get(spec.name) ?? task?.statusDetail ?? null];
    else if (m.unstarted.has(spec.name)) [outcome, reason] = ['failed', m.unstarted.get(spec.name) ?? null];
    else if (interrupted && !task) [outcome, reason] = ['pending', 'not started yet'];
    else if (interrupted && LIVE_STATUSES.includes(task?.status ?? 'failed'))
      [outcome, reason] = ['running', 'still running: its session was left alive'];
    else if (!task || task.status === 'failed')
      [outcome, reason] = ['failed', task?.statusDetail ?? 'never started'];
    return {
      name: spec.name,
      outcome,
      reason,
      durationMs: begin && end ? end - begin : null,
      tokens: s?.tokens ?? null,
      costUsd: s?.costUsd ?? null,
      landedCommit: task?.landedCommit ?? null,
      refused: task ? refusedOf(project, task.name) : null,
    };
  });
  return { runId, interrupted, ...runTotals(reports, m, started, Date.now()) };
}

function refusedOf(project: Project, name: string): string | null {
  const denials = latestRefusals(project.store, name);
  return denials.length ? `refused ${denials.length}: ${describeDenials(denials)}` : null;
}

/**
 * The report's figures: wall time, the time tasks ran during this invocation (an adopted run's
 * earlier part is not ours), token and cost totals, and the speed-up (task time / wall time).
 */
export function runTotals(
  reports: TaskReport[],
  m: Pick<RunMemory, 'startedAt' | 'finishedAt'>,
  started: number,
  now: number,
): Pick<RunReport, 'wallMs' | 'tasks' | 'totals'> {
  const wallMs = now - started;
  const taskMs = reports.reduce((a, r) => {
    const begin = m.startedAt.get(r.name);
    const end = m.finishedAt.get(r.name);
    return begin && end ? a + Math.max(0, end - Math.max(begin, started)) : a;
  }, 0);
  const costs = reports.map((r) => r.costUsd);
  const tokens = reports.reduce(
    (a, r) =>
      a + (r.tokens ? r.tokens.input + r.tokens.output + r.tokens.cacheCreation + r.tokens.cacheRead : 0),
    0,
  );
  return {
    wallMs,
    tasks: reports,
    totals: {
      tokens,
      costUsd: costs.every((c) => c === null) ? null : costs.reduce<number>((a, c) => a + (c ?? 0), 0),
      taskMs,
      speedup: wallMs > 0 && taskMs > 0 ? taskMs / wallMs : null,
    },
  };
}
