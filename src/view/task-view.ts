import { type BackendKind, backendOfOptions } from '../core/backend.js';
import type { PermissionDenial } from '../core/refusals.js';
import { LIVE_STATUSES, type Task, type TokenCounts } from '../core/task.js';
import type { Project } from '../project/project.js';
import { diskUses } from '../store/disk.js';
import { latestRefusals } from '../store/events.js';
import { taskPorts } from '../store/ports.js';
import { latestSamples, type UsageSample } from '../store/samples.js';
import { listTasks } from '../store/tasks.js';
import { LS_CHANGES, taskChanges } from '../watch/monitor/task-changes.js';

/** One row of `braid ls --json`: the contract in DESIGN.md. */
export interface TaskView {
  name: string;
  branch: string;
  worktree: string;
  status: Task['status'];
  statusSource: Task['statusSource'];
  statusSince: number;
  statusDetail: string | null;
  /** limited: when the agent's usage limit resets (ISO), else null. */
  limitResetsAt: string | null;
  exitCode: number | null;
  agent: string;
  agentSessionId: string | null;
  runtime: Task['runtime'];
  /** Where the session runs: `local` (tmux or headless here) or `container`. */
  backend: BackendKind;
  base: string;
  ports: Record<string, number>;
  pid: number | null;
  changedFiles: number | null;
  ahead: number | null;
  behind: number | null;
  rssBytes: number | null;
  cpuPercent: number | null;
  tokens: TokenCounts | null;
  costUsd: number | null;
  landedCommit: string | null;
  prompt: string | null;
  needs: string[];
  /** Tool uses the latest session was refused (headless runs: nobody could grant them). */
  refusals: PermissionDenial[];
  /** Bytes its worktree takes on disk (node_modules included) as last measured, and when; null: not yet. */
  diskBytes: number | null;
  diskMeasuredAt: number | null;
}

const FRESH_SAMPLE_MS = 30_000;

/** A stored sample's tokens and cost still hold: recent, or taken after the task stopped. */
function usageHolds(task: Task, sample: UsageSample | undefined, now: number): boolean {
  if (!sample) return false;
  if (now - sample.at < FRESH_SAMPLE_MS) return true;
  return !LIVE_STATUSES.includes(task.status) && sample.at > task.statusSince;
}

/** Tokens and cost from transcripts: loaded only when no stored sample holds (the price table's schema is heavy). */
async function countUsage(project: Project, tasks: Task[]) {
  const [{ collectStats }, { projectPricing }] = await Promise.all([
    import('../watch/monitor/stats-report.js'),
    import('../project/pricing.js'),
  ]);
  return collectStats(tasks, {
    budget: project.config.budget,
    pricing: projectPricing(project),
    cpuWindowMs: 100,
  });
}

export interface TaskViewOptions {
  /** Read transcripts for tokens and cost where no stored sample holds (default true). */
  usage?: boolean;
  /** Poll the sessions' liveness and screens first (default true). */
  refresh?: boolean;
  /** Recount everything: changes from git, usage from transcripts (`braid ls --fresh`). */
  fresh?: boolean;
  /** Measure each task's disk use now (`braid ls --fresh`). */
  freshDisk?: boolean;
}

/** A task whose session braid may still have to look at (refreshAllSessions picks among these). */
function mayHaveSession(task: Task): boolean {
  return !!task.options.session && (LIVE_STATUSES.includes(task.status) || task.statusSource === 'hook');
}

export async function taskViews(project: Project, options: TaskViewOptions = {}): Promise<TaskView[]> {
  // Modules each step needs are loaded only when some task needs the step: ls is run often, by scripts too.
  const before = listTasks(project.store);
  // Liveness and screens are polled, not pushed: read them before showing anything.
  if (options.refresh !== false && before.some(mayHaveSession)) {
    const { refreshAllSessions } = await import('../run/session/refresh.js');
    await refreshAllSessions(project);
  }
  if (before.some((t) => t.status === 'provisioning')) {
    const { markInterruptedProvisions } = await import('../isolate/workspace/finish-provision.js');
    markInterruptedProvisions(project);
  }
  const tasks = listTasks(project.store);
  // The supervisor samples every 10 s over a longer window than ls can afford to wait.
  const samples = latestSamples(project.store);
  const now = Date.now();
  const unsampled = options.fresh ? tasks : tasks.filter((t) => !usageHolds(t, samples.get(t.name), now));
  const stats =
    options.usage === false || unsampled.length === 0 ? null : await countUsage(project, unsampled);
  const changes = await taskChanges(project.store, project.repo.root, tasks, {
    ...LS_CHANGES,
    fresh: options.fresh,
  }).catch(() => new Map());
  // The supervisor measures disk use every few minutes; --fresh measures now.
  if (options.freshDisk)
    await (await import('../isolate/workspace/disk.js')).measureTaskDisks(project.store, tasks);
  const confine = tasks.some((t) => t.options.cgroup) ? await import('../run/session/confine.js') : null;
  const disk = diskUses(project.store);
  return Promise.all(
    tasks.map(async (task): Promise<TaskView> => {
      const sampled = samples.get(task.name);
      const fresh = sampled && now - sampled.at < FRESH_SAMPLE_MS ? sampled : null;
      const counted = stats?.tasks.find((t) => t.name === task.name);
      // Tokens and cost: counted now, else the stored sample that still holds.
      const s = counted ?? (sampled && usageHolds(task, sampled, now) ? sampled : undefined);
      const c = changes.get(task.name);
      // A task's cgroup counts daemons too.
      const cg = confine ? await confine.taskCgroupUsage(task).catch(() => null) : null;
      return {
        name: task.name,
        branch: task.branch,
        worktree: task.worktree,
        status: task.status,
        statusSource: task.statusSource,
        statusSince: task.statusSince,
        statusDetail: task.statusDetail,
        limitResetsAt: limitResetsAt(task),
        exitCode: task.exitCode,
        agent: task.agent,
        agentSessionId: task.agentSessionId,
        runtime: task.runtime,
        backend: backendOfOptions(task.options),
        base: task.base,
        ports: taskPorts(project.store, task.name),
        pid: task.pid,
        changedFiles: c?.changed ?? null,
        ahead: c?.ahead ?? null,
        behind: c?.behind ?? null,
        rssBytes: cg?.memoryBytes ?? fresh?.rssBytes ?? counted?.rssBytes ?? null,
        cpuPercent: cg?.cpuPercent ?? fresh?.cpuPercent ?? counted?.cpuPercent ?? null,
        tokens: s?.tokens ?? null,
        costUsd: s?.costUsd ?? null,
        landedCommit: task.landedCommit,
        prompt: task.prompt,
        needs: task.needs,
        refusals: latestRefusals(project.store, task.name),
        diskBytes: disk.get(task.name)?.bytes ?? null,
        diskMeasuredAt: disk.get(task.name)?.measuredAt ?? null,
      };
    }),
  );
}

function limitResetsAt(task: Task): string | null {
  const at = (task.options.limit as { resetAt?: number } | undefined)?.resetAt;
  return task.status === 'limited' && typeof at === 'number' ? new Date(at).toISOString() : null;
}
