import { AGENT_BUDGET_SUBTYPE, type Budget } from '../../core/budget.js';
import { LIVE_STATUSES, type Task } from '../../core/task.js';
import type { Project } from '../../project/project.js';
import { listTasks } from '../../store/tasks.js';
import { BudgetWatch } from '../plan/budget-watch.js';

/**
 * Budgets for every live session, not only while `braid run` is in the foreground: `braid new`
 * sessions and those a Ctrl-C'd run left running get the same 80 % warning and 100 % stop
 * (recorded as `budget.*` events, which the event relay writes to the log).
 */
export class BudgetLoop {
  /** One watch per run (its tasks share run_usd); a task outside any run is a run of its own. */
  private readonly watches = new Map<string, BudgetWatch>();

  constructor(private readonly project: Project) {}

  async pass(): Promise<void> {
    const groups = new Map<string, Task[]>();
    for (const task of listTasks(this.project.store)) {
      const key = task.runId ?? `task:${task.name}`;
      groups.set(key, [...(groups.get(key) ?? []), task]);
    }
    for (const [key, tasks] of groups) {
      // A run that paused itself at its dollar limit is looked at once more: its work is to be kept.
      if (!tasks.some((t) => LIVE_STATUSES.includes(t.status) || pausedByAgent(t))) continue;
      const budget = this.budgetOf(tasks);
      if (!budget) continue;
      const id = `${key} ${JSON.stringify(budget)}`;
      let watch = this.watches.get(id);
      if (!watch) {
        watch = new BudgetWatch(this.project, budget);
        this.watches.set(id, watch);
      }
      await watch.check(tasks);
    }
    for (const id of this.watches.keys())
      if (!groups.has(id.slice(0, id.indexOf(' ')))) this.watches.delete(id);
  }

  /** The budget a run's tasks were started with (braid.yaml merged with the plan's), else braid.yaml's. */
  private budgetOf(tasks: Task[]): Budget | undefined {
    const recorded = tasks.map((t) => t.options.budget as Budget | undefined).find((b) => b);
    return recorded ?? this.project.config.budget;
  }
}

function pausedByAgent(task: Task): boolean {
  return task.status === 'paused' && !!task.statusDetail?.includes(AGENT_BUDGET_SUBTYPE);
}
