import { existsSync } from 'node:fs';
import { type BackendKind, backendOfOptions } from '../core/backend.js';
import type { PermissionDenial } from '../core/refusals.js';
import type { Task, TokenCounts } from '../core/task.js';
import { git } from '../git/git.js';
import { refExists } from '../git/repo.js';
import { worktreeChanges } from '../git/snapshot.js';
import { markInterruptedProvisions } from '../isolate/workspace/finish-provision.js';
import { projectPricing } from '../project/pricing.js';
import type { Project } from '../project/project.js';
import { taskCgroupUsage } from '../run/session/confine.js';
import { refreshAllSessions } from '../run/session/refresh.js';
import { latestRefusals } from '../store/events.js';
import { taskPorts } from '../store/ports.js';
import { latestSamples } from '../store/samples.js';
import { listTasks } from '../store/tasks.js';
import { collectStats } from '../watch/monitor/stats-report.js';

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
}

/** Files the task changed against where it forked from base: committed, uncommitted and untracked. */
async function changes(
  root: string,
  task: Task,
): Promise<{ changed: number; ahead: number; behind: number } | null> {
  if (!existsSync(task.worktree)) return null;
  const baseRef = (await refExists(root, `refs/heads/${task.base}`))
    ? `refs/heads/${task.base}`
    : task.baseCommit;
  const counts = await git(['rev-list', '--left-right', '--count', `${baseRef}...HEAD`], {
    cwd: task.worktree,
  });
  const [behind, ahead] = counts.split(/\s+/).map(Number);
  const forkPoint = await git(['merge-base', baseRef, 'HEAD'], { cwd: task.worktree, allowFailure: true });
  const files = new Set<string>(await worktreeChanges(task.worktree));
  if (forkPoint) {
    const diff = await git(['diff', '--name-only', '-z', forkPoint, 'HEAD'], { cwd: task.worktree });
    for (const f of diff.split('\0')) if (f) files.add(f);
  }
  return { changed: files.size, ahead, behind };
}

const FRESH_SAMPLE_MS = 30_000;

export async function taskViews(
  project: Project,
  options: { usage?: boolean; refresh?: boolean } = {},
): Promise<TaskView[]> {
  // Liveness and screens are polled, not pushed: read them before showing anything.
  if (options.refresh !== false) await refreshAllSessions(project);
  markInterruptedProvisions(project);
  const tasks = listTasks(project.store);
  const stats =
    options.usage === false
      ? null
      : await collectStats(tasks, {
          budget: project.config.budget,
          pricing: projectPricing(project),
          cpuWindowMs: 100,
        });
  // The supervisor samples every 10 s over a longer window than ls can afford to wait.
  const samples = latestSamples(project.store);
  return Promise.all(
    tasks.map(async (task): Promise<TaskView> => {
      const sampled = samples.get(task.name);
      const fresh = sampled && Date.now() - sampled.at < FRESH_SAMPLE_MS ? sampled : null;
      const s = stats?.tasks.find((t) => t.name === task.name);
      const c = await changes(project.repo.root, task).catch(() => null);
      const cg = await taskCgroupUsage(task).catch(() => null); // a task's cgroup counts daemons too
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
        rssBytes: cg?.memoryBytes ?? fresh?.rssBytes ?? s?.rssBytes ?? null,
        cpuPercent: cg?.cpuPercent ?? fresh?.cpuPercent ?? s?.cpuPercent ?? null,
        tokens: s?.tokens ?? null,
        costUsd: s?.costUsd ?? null,
        landedCommit: task.landedCommit,
        prompt: task.prompt,
        needs: task.needs,
        refusals: latestRefusals(project.store, task.name),
      };
    }),
  );
}

function limitResetsAt(task: Task): string | null {
  const at = (task.options.limit as { resetAt?: number } | undefined)?.resetAt;
  return task.status === 'limited' && typeof at === 'number' ? new Date(at).toISOString() : null;
}
