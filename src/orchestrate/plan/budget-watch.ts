import { AGENT_BUDGET_SUBTYPE, type Budget, budgetAction, checkBudget } from '../../core/budget.js';
import { LIVE_STATUSES, type Task } from '../../core/task.js';
import { totalTokens } from '../../core/usage.js';
import { gitOk } from '../../git/git.js';
import { projectPricing } from '../../project/pricing.js';
import type { Project } from '../../project/project.js';
import { getAgent } from '../../run/agents/registry.js';
import { stopSession } from '../../run/session/lifecycle.js';
import { appendEvent, listEvents } from '../../store/events.js';
import { getTask, updateTask } from '../../store/tasks.js';
import { TaskUsageTracker } from '../../watch/monitor/usage-of-task.js';

/**
 * Watches a run's spending: warns once per task at 80 %, stops sessions at 100 % and keeps their work.
 * What it does it records as `budget.*` events; whoever shows it reads them from the event feed.
 */
export class BudgetWatch {
  private readonly tracker: TaskUsageTracker;
  private readonly warned = new Set<string>();
  readonly stopped = new Map<string, string>();
  /** Set once the run's own limit is spent: nothing new may start. */
  runSpent: string | null = null;

  constructor(
    private readonly project: Project,
    private readonly budget: Budget | undefined,
  ) {
    this.tracker = new TaskUsageTracker({ pricing: projectPricing(project) });
  }

  /** Usage of one task as the progress display shows it. */
  usage(task: Task): { tokens: number | null; costUsd: number | null } {
    const totals = this.tracker.usage(task).totals;
    return { tokens: totals ? totalTokens(totals.tokens) : null, costUsd: totals?.costUsd ?? null };
  }

  /**
   * What any watcher (this run, an earlier one, the supervisor) already did, from the tasks' events:
   * a warning is given once and a stop made once, whoever made it.
   */
  restore(tasks: Task[]): void {
    for (const task of tasks) {
      // Read every pass by every watcher: only the few budget rows, not the task's many hook events.
      const events = listEvents(this.project.store, {
        task: task.name,
        since: task.createdAt,
        kinds: BUDGET_KINDS,
      });
      for (const e of events) {
        if (e.kind === 'budget.warned') {
          this.warned.add(task.name);
          continue;
        }
        // A raise after a stop starts the count of warnings and stops afresh.
        if (e.kind === 'budget.raised') {
          this.warned.delete(task.name);
          this.stopped.delete(task.name);
          continue;
        }
        if (!this.stopped.has(task.name) || e.kind === 'budget.stopped')
          this.stopped.set(task.name, `stopped for budget: ${e.data.reason}`);
        if (e.data.wholeRun) this.runSpent ??= e.data.reason;
      }
    }
  }

  async check(tasks: Task[]): Promise<void> {
    if (!this.budget) return;
    this.restore(tasks);
    for (const task of tasks) if (!this.stopped.has(task.name)) await this.noticeAgentStop(task);
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
      const action = budgetAction(check, this.warned.has(task.name), live, this.agentEnforcesTaskUsd(task));
      if (action.kind === 'warn') {
        this.warned.add(task.name);
        appendEvent(this.project.store, task.name, 'budget.warned', { reason: action.reason });
      } else if (action.kind === 'stop') {
        if (action.wholeRun) this.runSpent = action.reason;
        await this.stop(task, action.reason, !!action.wholeRun);
      }
    }
  }

  /** Whether the task's agent was launched with the dollar limit itself (headless Claude Code). */
  private agentEnforcesTaskUsd(task: Task): boolean {
    if (task.runtime !== 'headless' || this.budget?.task_usd === undefined) return false;
    try {
      const probe = { prompt: '', worktree: task.worktree, settingsPath: null, maxBudgetUsd: 1 };
      return getAgent(task.agent, this.project.config).headless(probe).includes('--max-budget-usd');
    } catch {
      return false;
    }
  }

  /** Headless Claude Code that hit --max-budget-usd ended itself: it counts as stopped for budget. */
  private async noticeAgentStop(task: Task): Promise<void> {
    // Paused by the session's refresh from the run's final result; failed by an older braid.
    if (!['failed', 'paused'].includes(task.status) || !task.statusDetail?.includes(AGENT_BUDGET_SUBTYPE))
      return;
    const limit = this.budget?.task_usd;
    const reason = `the agent stopped at its --max-budget-usd limit${limit === undefined ? '' : ` of $${limit.toFixed(2)}`} (error_max_budget_usd)`;
    this.stopped.set(task.name, `stopped for budget: ${reason}`);
    const committed = await keepWork(task);
    pauseForBudget(this.project, task.name, reason);
    appendEvent(this.project.store, task.name, 'budget.stopped', {
      reason,
      committed,
      byAgent: true,
      worktree: task.worktree,
    });
  }

  private async stop(task: Task, reason: string, wholeRun: boolean): Promise<void> {
    this.stopped.set(task.name, `stopped for budget: ${reason}`);
    // Marked before the (slow) stop, so another watcher does not stop it a second time meanwhile.
    appendEvent(this.project.store, task.name, 'budget.stopping', { reason, wholeRun });
    await stopSession(this.project, task);
    const committed = await keepWork(task);
    pauseForBudget(this.project, task.name, reason);
    const after = getTask(this.project.store, task.name);
    appendEvent(this.project.store, task.name, 'budget.stopped', {
      reason,
      committed,
      wholeRun,
      ...(after ? { worktree: after.worktree } : {}),
    });
  }
}

const BUDGET_KINDS = ['budget.warned', 'budget.stopping', 'budget.stopped', 'budget.raised'] as const;

/** Paused, not failed: the work is kept on its branch and a raised budget resumes the conversation. */
function pauseForBudget(project: Project, name: string, reason: string): void {
  const task = getTask(project.store, name);
  const detail = `budget: ${reason}`;
  // Already paused (the agent stopped itself): only the words gain the limit, no second change is told.
  if (task?.status === 'paused' && task.statusDetail !== detail)
    updateTask(project.store, name, { statusDetail: detail });
  if (!task || task.status === 'paused') return;
  updateTask(project.store, name, { status: 'paused', statusSource: 'process', statusDetail: detail });
  appendEvent(project.store, name, 'status.changed', {
    from: task.status,
    to: 'paused',
    source: 'process',
    detail,
  });
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
