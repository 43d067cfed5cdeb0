import { LIVE_STATUSES, type Task } from '../../core/task.js';
import { isProcessAlive } from '../../exec/pid.js';
import { projectPricing } from '../../project/pricing.js';
import type { Project } from '../../project/project.js';
import { pruneSamples, saveSamples, type UsageSample } from '../../store/samples.js';
import { listTasks } from '../../store/tasks.js';
import { CpuSampler, clockTicksPerSecond } from '../../watch/monitor/proctree.js';
import { TaskUsageTracker } from '../../watch/monitor/usage-of-task.js';

/**
 * Usage sampling: RSS and CPU of each live session's process tree and its tokens and cost, stored
 * per task. A finished task gets one last sample (its final tokens) and is then left alone.
 */
export class UsageLoop {
  private cpu: CpuSampler | null = null;
  private readonly tracker: TaskUsageTracker;
  private readonly finished = new Set<string>();

  constructor(
    private readonly project: Project,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.tracker = new TaskUsageTracker({ env, pricing: projectPricing(project, env) });
  }

  async pass(): Promise<UsageSample[]> {
    this.cpu ??= new CpuSampler(await clockTicksPerSecond());
    const tasks = listTasks(this.project.store);
    const due = tasks.filter((t) => this.isDue(t));
    const running = due.filter((t) => t.pid && isProcessAlive(t.pid));
    const now = Date.now();
    const samples = due.map((t): UsageSample => {
      const r = running.includes(t) ? this.cpu!.sample(t.pid!) : null;
      if (!r && t.pid) this.cpu!.forget(t.pid);
      const u = this.tracker.usage(t).totals;
      return {
        task: t.name,
        at: now,
        rssBytes: r?.rssBytes ?? null,
        cpuPercent: r?.cpuPercent ?? null,
        processes: r?.pids.length ?? 0,
        tokens: u?.tokens ?? null,
        costUsd: u?.costUsd ?? null,
      };
    });
    // The samples' table is the read model's (samples.ts takes the handle until it moves into the store).
    const db = this.project.store;
    if (samples.length > 0) saveSamples(db, samples);
    pruneSamples(
      db,
      tasks.map((t) => t.name),
    );
    for (const t of due) if (!LIVE_STATUSES.includes(t.status)) this.finished.add(t.name);
    for (const name of this.finished) if (!tasks.some((t) => t.name === name)) this.forget(name);
    return samples;
  }

  /** Live tasks every pass; others once after they stop, and again if they come back. */
  private isDue(task: Task): boolean {
    if (LIVE_STATUSES.includes(task.status)) {
      this.finished.delete(task.name);
      return true;
    }
    return !this.finished.has(task.name) && task.status !== 'provisioning';
  }

  private forget(name: string): void {
    this.finished.delete(name);
    this.tracker.forget(name);
  }
}
