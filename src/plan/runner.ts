import { createHash } from 'node:crypto';
import { isPlanFinished, nextPlanActions, type Plan, type PlanTaskState } from '../core/plan.js';
import type { Task, TokenCounts } from '../core/task.js';
import { collectStats } from '../monitor/stats-report.js';
import type { Project } from '../project/project.js';
import { refreshSession, startSession } from '../session/lifecycle.js';
import { appendEvent, getTask, listTasks } from '../store/tasks.js';
import { provisionTask } from '../workspace/provision.js';
import { recoverTask } from '../workspace/recover.js';

export interface LandOutcome {
  landed: { name: string; commit: string }[];
  /** Conflicts given back to the task's agent: the task runs again and comes back to the queue. */
  handedBack?: { name: string; conflictFiles: string[] }[];
  rejected: { name: string; reason: string; conflictFiles?: string[] }[];
}

export interface RunOptions {
  planKey: string;
  maxParallel: number;
  land: boolean;
  interactive?: boolean;
  pollMs?: number;
  landTasks: (names: string[]) => Promise<LandOutcome>;
  onEvent?: (line: string) => void;
}

export interface TaskReport {
  name: string;
  outcome: 'landed' | 'rejected' | 'failed' | 'skipped' | 'done';
  reason: string | null;
  durationMs: number | null;
  tokens: TokenCounts | null;
  costUsd: number | null;
  landedCommit: string | null;
}

export interface RunReport {
  runId: string;
  wallMs: number;
  tasks: TaskReport[];
  totals: { tokens: number; costUsd: number | null; taskMs: number; speedup: number | null };
}

/** One run id per plan file, so running the same plan again adopts and continues it. */
export function runIdFor(planKey: string): string {
  return `run-${createHash('sha1').update(planKey).digest('hex').slice(0, 10)}`;
}

function stateOf(task: Task | null, interactive: boolean): PlanTaskState {
  if (!task) return 'pending';
  switch (task.status) {
    case 'exited':
      return 'done';
    case 'failed':
      return 'failed';
    case 'queued':
    case 'landing':
      return 'landing';
    case 'landed':
      return 'landed';
    case 'conflict':
      return 'rejected';
    case 'idle':
      // An interactive agent that finished its turn with committed work is done; headless ones exit.
      return interactive && task.options.hasCommits ? 'done' : 'running';
    default:
      return 'running';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs every task of a plan: in parallel within the limit, in dependency order, landed as they finish. */
export async function runPlan(project: Project, plan: Plan, options: RunOptions): Promise<RunReport> {
  const { store } = project;
  const runId = runIdFor(options.planKey);
  const say = options.onEvent ?? (() => {});
  const started = Date.now();
  const skipped = new Map<string, string>();
  const rejected = new Map<string, string>();
  const finishedAt = new Map<string, number>();
  const startedAt = new Map<string, number>();
  let landing: Promise<void> | null = null;
  const lastShown = new Map<string, string>();

  for (const t of plan.tasks) {
    const existing = getTask(store.db, t.name);
    if (existing && existing.runId === runId)
      say(`${t.name}: adopted from the earlier run (${existing.status})`);
    await recoverTask(project, t.name);
  }
  for (;;) {
    const states = new Map<string, PlanTaskState>();
    for (const t of plan.tasks) {
      if (skipped.has(t.name)) {
        states.set(t.name, 'skipped');
        continue;
      }
      let task = getTask(store.db, t.name);
      if (task && task.runId !== runId) task = null;
      if (task) task = await refreshSession(project, t.name);
      const state = rejected.has(t.name) ? 'rejected' : stateOf(task, !!options.interactive);
      states.set(t.name, state);
      if (task && !startedAt.has(t.name)) startedAt.set(t.name, task.createdAt);
      if (['done', 'landed', 'failed', 'rejected'].includes(state) && !finishedAt.has(t.name)) {
        finishedAt.set(t.name, Date.now());
      }
      const shown = `${state}${task?.statusDetail && state === 'failed' ? `: ${task.statusDetail}` : ''}`;
      if (lastShown.get(t.name) !== shown) {
        lastShown.set(t.name, shown);
        say(`${t.name}: ${shown}`);
      }
    }
    const decision = nextPlanActions(plan, states, options.maxParallel);
    for (const s of decision.skip) {
      skipped.set(s.name, s.reason);
      say(`${s.name}: skipped (${s.reason})`);
    }
    for (const name of decision.start) {
      const spec = plan.tasks.find((t) => t.name === name);
      if (!spec) continue;
      startedAt.set(name, Date.now());
      states.set(name, 'running');
      try {
        const base =
          spec.stack && spec.needs.length ? `braid/${spec.needs[spec.needs.length - 1]}` : spec.base;
        await provisionTask(project, {
          name,
          prompt: spec.prompt,
          agent: spec.agent,
          base,
          headless: !options.interactive,
          runId,
          needs: spec.needs,
        });
        await startSession(project, name);
        appendEvent(store.db, name, 'plan-started', { runId });
        say(`${name}: started`);
      } catch (err) {
        say(`${name}: could not start: ${(err as Error).message}`);
      }
    }
    const ready = plan.tasks.filter((t) => states.get(t.name) === 'done').map((t) => t.name);
    if (options.land && ready.length && !landing) {
      say(`landing ${ready.join(', ')}`);
      landing = options
        .landTasks(ready)
        .then((res) => {
          for (const r of res.rejected) rejected.set(r.name, r.reason);
          for (const l of res.landed) say(`${l.name}: landed ${l.commit.slice(0, 10)}`);
          for (const r of res.rejected) say(`${r.name}: rejected (${r.reason})`);
          for (const h of res.handedBack ?? [])
            say(`${h.name}: conflict in ${h.conflictFiles.join(', ')}, handed back to its agent to resolve`);
        })
        .catch((err) => {
          for (const name of ready) rejected.set(name, (err as Error).message);
        })
        .finally(() => {
          landing = null;
        });
    }
    const finished = isPlanFinished(
      new Map([...states].map(([k, v]) => [k, skipped.has(k) ? 'skipped' : v])),
    );
    if (finished && !landing && (!options.land || !ready.length)) break;
    await sleep(options.pollMs ?? 250);
  }
  return buildReport(project, plan, runId, started, { skipped, rejected, startedAt, finishedAt });
}

async function buildReport(
  project: Project,
  plan: Plan,
  runId: string,
  started: number,
  m: {
    skipped: Map<string, string>;
    rejected: Map<string, string>;
    startedAt: Map<string, number>;
    finishedAt: Map<string, number>;
  },
): Promise<RunReport> {
  const tasks = listTasks(project.store.db).filter((t) => t.runId === runId);
  const stats = await collectStats(tasks, { cpuWindowMs: 0 });
  const reports: TaskReport[] = plan.tasks.map((spec) => {
    const task = tasks.find((t) => t.name === spec.name) ?? null;
    const s = stats.tasks.find((x) => x.name === spec.name);
    const begin = m.startedAt.get(spec.name);
    const end = m.finishedAt.get(spec.name);
    let outcome: TaskReport['outcome'] = 'done';
    let reason: string | null = null;
    if (m.skipped.has(spec.name)) [outcome, reason] = ['skipped', m.skipped.get(spec.name) ?? null];
    else if (task?.status === 'landed') outcome = 'landed';
    else if (m.rejected.has(spec.name) || task?.status === 'conflict')
      [outcome, reason] = ['rejected', m.rejected.get(spec.name) ?? task?.statusDetail ?? null];
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
    };
  });
  const wallMs = Date.now() - started;
  const taskMs = reports.reduce((a, r) => a + (r.durationMs ?? 0), 0);
  const costs = reports.map((r) => r.costUsd);
  return {
    runId,
    wallMs,
    tasks: reports,
    totals: {
      tokens: reports.reduce(
        (a, r) =>
          a + (r.tokens ? r.tokens.input + r.tokens.output + r.tokens.cacheCreation + r.tokens.cacheRead : 0),
        0,
      ),
      costUsd: costs.every((c) => c === null) ? null : costs.reduce<number>((a, c) => a + (c ?? 0), 0),
      taskMs,
      speedup: wallMs > 0 && taskMs > 0 ? taskMs / wallMs : null,
    },
  };
}
