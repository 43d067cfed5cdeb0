import { type Budget, budgetAction, checkBudget } from '../core/budget.js';
import { LIVE_STATUSES, type Task } from '../core/task.js';
import { totalTokens } from '../core/usage.js';
import { gitOk } from '../git/git.js';
import { TaskUsageTracker } from '../monitor/usage-of-task.js';
import type { Project } from '../project/project.js';
import { stopSession } from '../session/lifecycle.js';
import { appendEvent, getTask } from '../store/tasks.js';

export interface BudgetStop {
  name: string;
  reason: string;
}

/** Watches a run's spending: warns once per task at 80 %, stops sessions at 100 % and keeps their work. */
export class BudgetWatch {
  private readonly tracker = new TaskUsageTracker();
  private readonly warned = new Set<string>();
  readonly stopped = new Map<string, string>();
  /** Set once the run's own limit is spent: nothing new may start. */
  runSpent: string | null = null;

  constructor(
    private readonly project: Project,
    private readonly budget: Budget | undefined,
    private readonly say: (line: string) => void,
  ) {}

  /** Usage of one task as the progress display shows it. */
  usage(task: Task): { tokens: number | null; costUsd: number | null } {
    const totals = this.tracker.usage(task).totals;
    return { tokens: totals ? totalTokens(totals.tokens) : null, costUsd: totals?.costUsd ?? null };
  }

  async check(tasks: Task[]): Promise<void> {
    if (!this.budget) return;
    const spent = new Map(tasks.map((t) => [t.name, this.tracker.usage(t).totals]));
    const runSpentUsd = [...spent.values()].reduce((a, u) => a + (u?.knownCostUsd ?? 0), 0);
    for (const task of tasks) {
      if (this.stopped.has(task.name)) continue;
      const totals = spent.get(task.name);
      const check = checkBudget(
        {
          spentUsd: totals?.knownCostUsd ?? null,
          tokens: totals ? totalTokens(totals.tokens) : null,
          runSpentUsd,
        },
        this.budget,
      );
      const live = LIVE_STATUSES.includes(task.status);
      const action = budgetAction(check, this.warned.has(task.name), live);
      if (action.kind === 'warn') {
        this.warned.add(task.name);
        appendEvent(this.project.store.db, task.name, 'budget-warning', { reason: action.reason });
        this.say(`${task.name}: budget warning: ${action.reason}`);
      } else if (action.kind === 'stop') {
        if (action.wholeRun) this.runSpent = action.reason;
        await this.stop(task, action.reason);
      }
    }
  }

  private async stop(task: Task, reason: string): Promise<void> {
    this.stopped.set(task.name, `stopped for budget: ${reason}`);
    this.say(`${task.name}: stopping for budget: ${reason}`);
    await stopSession(this.project, task);
    const committed = await keepWork(task);
    appendEvent(this.project.store.db, task.name, 'budget-stopped', { reason, committed });
    const after = getTask(this.project.store.db, task.name);
    if (after) this.say(`${task.name}: stopped (work kept in ${after.worktree})`);
  }
}

/** Commits what the agent left uncommitted, so the branch holds all of its work. */
async function keepWork(task: Task): Promise<boolean> {
  const cwd = task.worktree;
  if (!(await gitOk(['add', '-A'], { cwd }))) return false;
  if (await gitOk(['diff', '--cached', '--quiet'], { cwd })) return false;
  return gitOk(['commit', '-q', '--no-verify', '-m', 'braid: work in progress (stopped for budget)'], {
    cwd,
  });
}
