import { createHash } from 'node:crypto';
import { chooseBackend } from '../../core/backend.js';
import type { Budget } from '../../core/budget.js';
import type { EventDataByKind, EventKind } from '../../core/events.js';
import {
  isPlanFinished,
  nextPlanActions,
  type Plan,
  type PlanTask,
  type PlanTaskState,
  startsStacked,
} from '../../core/plan.js';
import type { Task } from '../../core/task.js';
import { gitRun } from '../../git/git.js';
import { provisionTask } from '../../isolate/workspace/provision.js';
import { recoverTask } from '../../isolate/workspace/recover.js';
import type { Project } from '../../project/project.js';
import { refreshSession } from '../../run/session/lifecycle.js';
import { appendEvent } from '../../store/events.js';
import { getTask, mergeTaskOptions, updateTask } from '../../store/tasks.js';
import { resumeRaisedBudgets } from '../budget-raise.js';
import { startOrHold } from '../limits.js';
import { reviveLostSessions } from '../revive.js';
import { BudgetWatch } from './budget-watch.js';
import { buildReport, type RunMemory, type RunReport } from './report.js';
import { stackBase } from './stack-base.js';

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
  /** `--backend`: every task's backend, over the plan's and braid.yaml's. */
  backend?: string;
  pollMs?: number;
  landTasks: (names: string[]) => Promise<LandOutcome>;
  /**
   * Called after every look at the tasks, for a live display. What the run does it records as `plan.*`
   * (and `budget.*`) events: a display reads them from the event feed (src/store/events.ts).
   */
  onProgress?: (view: ProgressView) => void;
  /** Called after the run recorded an event, so a display can show it at once (e.g. before a long wait). */
  onRecorded?: () => void;
  /** braid.yaml's budget merged with the plan's. */
  budget?: Budget;
  /** Aborted (Ctrl-C): start nothing new, let the landing in progress finish, leave sessions running. */
  signal?: AbortSignal;
}

interface ProgressRow {
  name: string;
  state: PlanTaskState | 'stopped';
  /** The session's own status (working, waiting, idle…) while it runs. */
  status: string | null;
  elapsedMs: number | null;
  tokens: number | null;
  costUsd: number | null;
}

export interface ProgressView {
  elapsedMs: number;
  tasks: ProgressRow[];
  /** Tasks finished and waiting to land, or landing now. */
  queue: string[];
}

/** One run id per plan file, so running the same plan again adopts and continues it. */
export function runIdFor(planKey: string): string {
  return `run-${createHash('sha1').update(planKey).digest('hex').slice(0, 10)}`;
}

/** Whether the task's branch has commits of its own: an interactive agent at rest with them is done. */
async function hasCommittedWork(root: string, task: Task): Promise<boolean> {
  const res = await gitRun(['rev-list', '--count', `${task.baseCommit}..refs/heads/${task.branch}`], {
    cwd: root,
    allowFailure: true,
  });
  return res.code === 0 && Number(res.stdout.trim()) > 0;
}

function stateOf(task: Task | null, interactive: boolean, committed = false): PlanTaskState {
  if (!task) return 'pending';
  switch (task.status) {
    case 'exited':
      // SessionEnd arrives before a headless agent exits: done only once its exit code is read.
      return task.runtime === 'headless' && task.statusSource === 'hook' && task.exitCode === null
        ? 'running'
        : 'done';
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
      return interactive && committed ? 'done' : 'running';
    default:
      return 'running';
  }
}

/** Waits, but wakes at once when the run is interrupted. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs every task of a plan: in parallel within the limit, in dependency order, landed as they finish. */
/** The run's own events: each carries its run id. */
type PlanEventKind = Extract<EventKind, `plan.${string}`>;

export async function runPlan(project: Project, plan: Plan, options: RunOptions): Promise<RunReport> {
  const { store } = project;
  const runId = runIdFor(options.planKey);
  const started = Date.now();
  const watch = new BudgetWatch(project, options.budget);
  const record = <K extends PlanEventKind>(
    task: string | null,
    kind: K,
    data: Omit<EventDataByKind[K], 'runId'>,
  ) => {
    appendEvent(store, task, kind, { ...data, runId } as EventDataByKind[K]);
    options.onRecorded?.();
  };
  const memory: RunMemory = {
    skipped: new Map(),
    rejected: new Map(),
    stopped: watch.stopped,
    startedAt: new Map(),
    finishedAt: new Map(),
    unstarted: new Map(),
  };
  const { skipped, rejected, startedAt, finishedAt, unstarted } = memory;
  // Sessions get the merged budget (headless Claude Code: --max-budget-usd).
  const sessionProject: Project = { ...project, config: { ...project.config, budget: options.budget } };
  let landing: Promise<void> | null = null;
  let landingNames: string[] = [];
  const lastShown = new Map<string, string>();

  for (const t of plan.tasks) {
    const existing = getTask(store, t.name);
    if (existing && existing.runId === runId)
      record(t.name, 'plan.task-adopted', { status: existing.status });
    await recoverTask(project, t.name);
  }
  // Paused for a budget the plan now raises: resumed in the same conversation (a budget.raised event).
  const ours = plan.tasks.map((t) => getTask(store, t.name)).filter((t): t is Task => t?.runId === runId);
  await resumeRaisedBudgets(sessionProject, ours, options.budget);
  // Tasks stopped for budget before this invocation stay stopped (and are not counted as failed).
  watch.restore(plan.tasks.map((t) => getTask(store, t.name)).filter((t): t is Task => t?.runId === runId));
  // Sessions that died with the machine are not failures of the agent: they run again.
  const mine = plan.tasks.filter(
    (t) => getTask(store, t.name)?.runId === runId && !watch.stopped.has(t.name),
  );
  await reviveLostSessions(sessionProject, { only: new Set(mine.map((t) => t.name)) });
  let interrupted = false;
  for (;;) {
    const states = new Map<string, PlanTaskState>();
    const rows: ProgressRow[] = [];
    const runTasks: Task[] = [];
    for (const t of plan.tasks) {
      if (skipped.has(t.name)) {
        states.set(t.name, 'skipped');
        rows.push({
          name: t.name,
          state: 'skipped',
          status: null,
          elapsedMs: null,
          tokens: null,
          costUsd: null,
        });
        continue;
      }
      let task = getTask(store, t.name);
      if (task && task.runId !== runId) task = null;
      if (task) task = await refreshSession(project, t.name);
      if (task) runTasks.push(task);
      const stopped = watch.stopped.has(t.name);
      const state = rejected.has(t.name)
        ? 'rejected'
        : stopped || unstarted.has(t.name)
          ? 'failed'
          : stateOf(
              task,
              !!options.interactive,
              !!options.interactive &&
                task?.status === 'idle' &&
                (await hasCommittedWork(project.repo.root, task)),
            );
      states.set(t.name, state);
      if (task && !startedAt.has(t.name)) startedAt.set(t.name, task.createdAt);
      if (['done', 'landed', 'failed', 'rejected'].includes(state) && !finishedAt.has(t.name)) {
        // Finished before this invocation (adopted): its last update is when it finished.
        finishedAt.set(t.name, task && task.updatedAt < started ? task.updatedAt : Date.now());
      }
      const begin = startedAt.get(t.name);
      const usage = task ? watch.usage(task) : { tokens: null, costUsd: null };
      rows.push({
        name: t.name,
        state: stopped ? 'stopped' : state,
        status: task?.status ?? null,
        elapsedMs: begin ? (finishedAt.get(t.name) ?? Date.now()) - begin : null,
        ...usage,
      });
      const commit = state === 'landed' ? task?.landedCommit : null;
      const failure = unstarted.get(t.name) ?? task?.statusDetail;
      const detail = failure && state === 'failed' && !stopped ? failure : null;
      const shown = {
        state: stopped ? ('stopped' as const) : state,
        ...(commit ? { commit } : {}),
        ...(detail ? { detail } : {}),
      };
      if (lastShown.get(t.name) !== JSON.stringify(shown)) {
        lastShown.set(t.name, JSON.stringify(shown));
        record(t.name, 'plan.task-state', shown);
      }
    }
    await watch.check(runTasks);
    if (options.signal?.aborted) {
      // The queue is crash-safe, but a landing that is under way is let finish: it is usually quick.
      if (landing) record(null, 'plan.interrupted', { landing: landingNames });
      await landing;
      interrupted = true;
      break;
    }
    const decision = nextPlanActions(plan, states, watch.runSpent ? 0 : options.maxParallel, options.land);
    for (const s of decision.skip) {
      skipped.set(s.name, s.reason);
      record(s.name, 'plan.task-skipped', { reason: s.reason });
    }
    if (watch.runSpent) {
      for (const t of plan.tasks) {
        if (states.get(t.name) !== 'pending' || skipped.has(t.name)) continue;
        skipped.set(t.name, `the run's budget is spent (${watch.runSpent})`);
        states.set(t.name, 'skipped');
        record(t.name, 'plan.task-skipped', { reason: "the run's budget is spent" });
      }
    }
    for (const name of decision.start) {
      if (options.signal?.aborted) break;
      const spec = plan.tasks.find((t) => t.name === name);
      if (!spec) continue;
      startedAt.set(name, Date.now());
      states.set(name, 'running');
      const why = await startTask(sessionProject, spec, runId, {
        interactive: !!options.interactive,
        backend: options.backend,
        land: options.land,
      });
      if (why) unstarted.set(name, why);
    }
    const ready = plan.tasks.filter((t) => states.get(t.name) === 'done').map((t) => t.name);
    options.onProgress?.({
      elapsedMs: Date.now() - started,
      tasks: rows,
      queue: [
        ...new Set([
          ...landingNames,
          ...ready,
          ...rows.filter((r) => r.state === 'landing').map((r) => r.name),
        ]),
      ],
    });
    if (options.land && ready.length && !landing && !options.signal?.aborted) {
      record(null, 'plan.landing', { tasks: ready });
      landingNames = ready;
      landing = options
        .landTasks(ready)
        .then((res) => {
          for (const r of res.rejected) {
            rejected.set(r.name, r.reason);
            record(r.name, 'plan.task-rejected', { reason: r.reason });
          }
          for (const h of res.handedBack ?? [])
            record(h.name, 'plan.task-handed-back', { files: h.conflictFiles });
        })
        .catch((err) => {
          for (const name of ready) rejected.set(name, (err as Error).message);
        })
        .finally(() => {
          landing = null;
          landingNames = [];
        });
    }
    const finished = isPlanFinished(
      new Map([...states].map(([k, v]) => [k, skipped.has(k) ? 'skipped' : v])),
    );
    if (finished && !landing && (!options.land || !ready.length)) break;
    await sleep(options.pollMs ?? 250, options.signal);
  }
  return buildReport(project, plan, runId, started, memory, interrupted);
}

/** Provisions one task of the plan and starts its session; returns why it could not start, or null. */
async function startTask(
  project: Project,
  spec: PlanTask,
  runId: string,
  opts: { interactive: boolean; land: boolean; backend?: string },
): Promise<string | null> {
  const { store } = project;
  const name = spec.name;
  try {
    const stack = startsStacked(spec, opts.land) ? await stackBase(project, name, spec.needs) : null;
    await provisionTask(project, {
      name,
      prompt: spec.prompt,
      agent: spec.agent,
      base: stack?.base ?? spec.base,
      headless: !opts.interactive,
      options: {
        backend: chooseBackend(opts.backend, spec.backend, project.config.backend),
        ...(spec.workdir ? { workdir: spec.workdir } : {}),
        ...(spec.sparse ? { sparse: spec.sparse } : {}),
      },
      runId,
      needs: spec.needs,
    });
    // The supervisor keeps to the run's budget too, after this runner is gone (Ctrl-C).
    if (project.config.budget) mergeTaskOptions(store, name, { budget: project.config.budget });
    // A stacked task starts from its needs' branches but lands where they land (not on their branches).
    if (stack) {
      if (stack.landsOn) updateTask(store, name, { base: stack.landsOn });
      mergeTaskOptions(store, name, { stackedOn: stack.base, stackedOnBranches: stack.branches });
    }
    // A limited agent's task waits for the reset (the supervisor starts it then).
    await startOrHold(project, name);
    appendEvent(store, name, 'plan.task-started', { runId });
    return null;
  } catch (err) {
    const why = (err as Error).message;
    appendEvent(store, name, 'plan.task-start-failed', { runId, reason: why });
    // A task provisioning recorded as failed shows so by itself; one that never got a record needs memory.
    return getTask(store, name) ? null : why;
  }
}
