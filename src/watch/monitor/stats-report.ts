import { type Budget, type BudgetCheck, checkBudget } from '../../core/budget.js';
import type { PricingTable } from '../../core/pricing.js';
import { DEFAULT_PRICING } from '../../core/pricing-table.js';
import type { Task, TaskStatus, TokenCounts } from '../../core/task.js';
import { addTotals, totalTokens, type UsageTotals } from '../../core/usage.js';
import { isProcessAlive } from '../../exec/pid.js';
import { readProcessTable } from '../../exec/proc.js';
import { CpuSampler, clockTicksPerSecond, type ResourceUsage } from './proctree.js';
import { type TaskUsage, TaskUsageTracker, type UsageSource } from './usage-of-task.js';

export interface TaskStats {
  name: string;
  agent: string;
  status: TaskStatus;
  runId: string | null;
  source: UsageSource;
  /** null when the agent reports no usage braid can read. */
  tokens: TokenCounts | null;
  totalTokens: number | null;
  /** null when unknown (no usage, or a model without a price); see knownCostUsd. */
  costUsd: number | null;
  knownCostUsd: number | null;
  unpricedModels: string[];
  /** Resident memory of the session's whole process tree; null when it is not running. */
  rssBytes: number | null;
  cpuPercent: number | null;
  processes: number;
  budget: BudgetCheck;
}

export interface GroupStats {
  tokens: TokenCounts;
  totalTokens: number;
  costUsd: number | null;
  knownCostUsd: number;
  unpricedModels: string[];
}

export interface StatsReport {
  tasks: TaskStats[];
  runs: Array<GroupStats & { runId: string; tasks: string[] }>;
  days: Array<GroupStats & { date: string }>;
  total: GroupStats & {
    rssBytes: number;
    cpuPercent: number | null;
    processes: number;
    /** Tasks whose agent reports no usage braid can read: not in the sums above. */
    tasksWithoutUsage: string[];
  };
}

export interface StatsOptions {
  env?: NodeJS.ProcessEnv;
  pricing?: PricingTable;
  budget?: Budget;
  /** Wait between two CPU samples of live sessions (0: no CPU figure). */
  cpuWindowMs?: number;
  tracker?: TaskUsageTracker;
}

function group(t: UsageTotals): GroupStats {
  return {
    tokens: t.tokens,
    totalTokens: totalTokens(t.tokens),
    costUsd: t.costUsd,
    knownCostUsd: t.knownCostUsd,
    unpricedModels: t.unpricedModels,
  };
}

/** Resources of each live task's process tree, CPU measured over `windowMs`. */
async function sampleResources(tasks: Task[], windowMs: number): Promise<Map<string, ResourceUsage>> {
  const live = tasks.filter((t) => t.pid && isProcessAlive(t.pid));
  const out = new Map<string, ResourceUsage>();
  if (live.length === 0) return out;
  const sampler = new CpuSampler(await clockTicksPerSecond());
  const first = readProcessTable();
  for (const t of live) {
    const s = sampler.sample(t.pid!, first);
    if (s) out.set(t.name, s);
  }
  if (windowMs <= 0) return out;
  await new Promise((r) => setTimeout(r, windowMs));
  const second = readProcessTable();
  for (const t of live) {
    const s = sampler.sample(t.pid!, second);
    if (s) out.set(t.name, s);
    else out.delete(t.name); // ended during the window
  }
  return out;
}

/** Usage, cost and resources per task, per run, per day and in total. */
export async function collectStats(tasks: Task[], options: StatsOptions = {}): Promise<StatsReport> {
  const pricing = options.pricing ?? DEFAULT_PRICING;
  const tracker = options.tracker ?? new TaskUsageTracker({ env: options.env, pricing });
  const usage = new Map<string, TaskUsage>(tasks.map((t) => [t.name, tracker.usage(t)]));
  const resources = await sampleResources(tasks, options.cpuWindowMs ?? 250);

  const runs = new Map<string, { tasks: string[]; totals: UsageTotals[] }>();
  const days = new Map<string, UsageTotals[]>();
  for (const t of tasks) {
    const u = usage.get(t.name)!;
    if (t.runId && u.totals) {
      const run = runs.get(t.runId) ?? { tasks: [], totals: [] };
      run.tasks.push(t.name);
      run.totals.push(u.totals);
      runs.set(t.runId, run);
    }
    for (const [day, totals] of u.byDay) days.set(day, [...(days.get(day) ?? []), totals]);
  }
  const runSpent = new Map([...runs].map(([id, r]) => [id, addTotals(...r.totals).knownCostUsd]));

  const taskStats: TaskStats[] = tasks.map((t) => {
    const u = usage.get(t.name)!;
    const r = resources.get(t.name);
    const tokens = u.totals ? totalTokens(u.totals.tokens) : null;
    return {
      name: t.name,
      agent: t.agent,
      status: t.status,
      runId: t.runId,
      source: u.source,
      tokens: u.totals?.tokens ?? null,
      totalTokens: tokens,
      costUsd: u.totals?.costUsd ?? null,
      knownCostUsd: u.totals?.knownCostUsd ?? null,
      unpricedModels: u.totals?.unpricedModels ?? [],
      rssBytes: r?.rssBytes ?? null,
      cpuPercent: r?.cpuPercent ?? null,
      processes: r?.pids.length ?? 0,
      budget: checkBudget(
        {
          spentUsd: u.totals?.knownCostUsd ?? null,
          tokens,
          runSpentUsd: t.runId ? runSpent.get(t.runId) : null,
        },
        options.budget,
      ),
    };
  });

  const known = tasks.map((t) => usage.get(t.name)!.totals).filter((x): x is UsageTotals => x !== null);
  const cpu = [...resources.values()].map((r) => r.cpuPercent).filter((c): c is number => c !== null);
  return {
    tasks: taskStats,
    runs: [...runs].map(([runId, r]) => ({ runId, tasks: r.tasks, ...group(addTotals(...r.totals)) })),
    days: [...days.keys()].sort().map((date) => ({ date, ...group(addTotals(...days.get(date)!)) })),
    total: {
      ...group(addTotals(...known)),
      rssBytes: [...resources.values()].reduce((n, r) => n + r.rssBytes, 0),
      cpuPercent: cpu.length ? Math.round(cpu.reduce((a, b) => a + b, 0) * 10) / 10 : null,
      processes: [...resources.values()].reduce((n, r) => n + r.pids.length, 0),
      tasksWithoutUsage: tasks.filter((t) => usage.get(t.name)!.totals === null).map((t) => t.name),
    },
  };
}
