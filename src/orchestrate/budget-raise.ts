/** `braid budget <task> <usd>`: a task's dollar limit raised; one paused for its budget resumes its conversation. */
import { type Budget, raisedTaskUsd } from '../core/budget.js';
import { BraidError } from '../core/errors.js';
import type { Task } from '../core/task.js';
import type { Project } from '../project/project.js';
import { startSession } from '../run/session/lifecycle.js';
import { appendEvent } from '../store/events.js';
import { getTask, mergeTaskOptions } from '../store/tasks.js';

export interface RaiseResult {
  name: string;
  budget: Budget;
  /** True when the task was paused for its budget and its session started again. */
  resumed: boolean;
}

export async function raiseBudget(project: Project, name: string, taskUsd: number): Promise<RaiseResult> {
  if (!Number.isFinite(taskUsd) || taskUsd <= 0)
    throw new BraidError(
      'E_USAGE',
      `not a dollar amount: ${taskUsd}`,
      'Give the new limit, e.g. braid budget t1 8',
    );
  const task = getTask(project.store, name);
  if (!task) throw new BraidError('E_NO_TASK', `no task named '${name}'`, 'See the tasks with braid ls.');
  const budget: Budget = {
    ...project.config.budget,
    ...(task.options.budget as Budget | undefined),
    task_usd: taskUsd,
  };
  mergeTaskOptions(project.store, name, { budget });
  const resumed = task.status === 'paused';
  // Recorded before the start: every budget watcher counts this task's spending afresh from here.
  appendEvent(project.store, name, 'budget.raised', { taskUsd, resumed });
  if (resumed) {
    // Headless Claude Code gets the new limit as its --max-budget-usd.
    const withBudget: Project = { ...project, config: { ...project.config, budget } };
    await startSession(withBudget, name, {
      resume: !!task.agentSessionId,
      resumeFollowUp: `braid: your budget was raised to $${taskUsd.toFixed(2)}. Continue the task where you left off.`,
    });
  }
  return { name, budget, resumed };
}

/** `braid run` again with a higher budget in the plan: each task paused for its budget under a lower one resumes. */
export async function resumeRaisedBudgets(
  project: Project,
  tasks: readonly Task[],
  planned: Budget | undefined,
): Promise<RaiseResult[]> {
  const out: RaiseResult[] = [];
  for (const task of tasks) {
    if (task.status !== 'paused') continue;
    const next = raisedTaskUsd(task.options.budget as Budget | undefined, planned);
    if (next !== null) out.push(await raiseBudget(project, task.name, next));
  }
  return out;
}
