import { LIVE_STATUSES, type Task, type TaskStatus } from '../../core/task.js';
import { isProcessAlive } from '../../exec/pid.js';
import type { Project } from '../../project/project.js';
import { drainHookSpool } from '../../run/agents/hook-spool.js';
import { getAgent } from '../../run/agents/registry.js';
import { handleOf, paneHint } from '../../run/session/reach.js';
import { refreshTaskStatusReading } from '../../run/session/refresh.js';
import { listTasks } from '../../store/tasks.js';
import type { EventLog } from './event-log.js';

/** Every this many passes, even sessions whose process looks alive are asked their runtime (a cheap pid check misses little). */
const FULL_SWEEP_EVERY = 15;

/**
 * Status reconciliation: the process source of status for every live task, plus a JSONL line for
 * every status change anyone made (hooks, commands, this loop) since the previous pass.
 */
const CODELESS_READS = 5;

export class Reconciler {
  private readonly seen = new Map<string, TaskStatus>();
  private passes = 0;
  /** Tasks ended by hook whose process is gone without an exit code: read once, not every pass. */
  private readonly codeless = new Set<string>();
  /** Passes that found a hook-ended session over but its code not yet written (tmux records it a moment later). */
  private readonly codelessReads = new Map<string, number>();

  constructor(
    private readonly project: Project,
    private readonly log: EventLog,
  ) {}

  async pass(): Promise<Task[]> {
    const full = this.passes++ % FULL_SWEEP_EVERY === 0;
    // Hook events spooled while the store was busy come before what the process and screen say.
    drainHookSpool(this.project.store, this.project.repo.commonDir);
    const before = listTasks(this.project.store);
    // The baseline is taken before the first pass refreshes anything, so changes that pass makes are logged too.
    if (this.passes === 1) for (const t of before) this.seen.set(t.name, t.status);
    const due = before.filter((t) => this.needsRuntimeCheck(t, full));
    // Live panes answered from their logs; one `tmux list-panes` when a pane may be gone, and every full sweep.
    const hint = await paneHint(this.project, due, full);
    for (const task of due) {
      // A hook-ended task is read at the moment its process is found gone, not from the pass's snapshot.
      const fresh = endedByHookWithoutCode(task) ? {} : hint;
      const { task: after, runtimeSaidEnded } = await refreshTaskStatusReading(
        this.project,
        task.name,
        Date.now(),
        fresh,
      );
      // A dead pid is not enough: tmux may not have reaped the pane yet, and its code comes next pass.
      if (after && runtimeSaidEnded && endedByHookWithoutCode(after)) {
        const reads = (this.codelessReads.get(task.name) ?? 0) + 1;
        this.codelessReads.set(task.name, reads);
        // Give up only after several passes: one slow tmux or recorder must not lose the code for good.
        if (reads >= CODELESS_READS) this.codeless.add(task.name);
      }
      if (after && (after.status !== task.status || after.exitCode !== task.exitCode)) {
        this.log.append({
          kind: 'reconciled',
          task: task.name,
          status: after.status,
          exitCode: after.exitCode,
        });
      }
    }
    const tasks = listTasks(this.project.store);
    this.recordChanges(tasks);
    return tasks;
  }

  /**
   * A tmux session whose pane process still runs needs no tmux call, unless its status comes from its
   * screen (read every pass) or a hook ended it and the exit code is still to be read; headless checks are file reads.
   */
  private needsRuntimeCheck(task: Task, full: boolean): boolean {
    const handle = handleOf(task);
    if (!handle) return false;
    if (endedByHookWithoutCode(task)) {
      // Nothing to learn while the process lives; once gone, read until the code is known (or is none).
      if (isProcessAlive(handle.pid, handle.pidStart)) return false;
      return !this.codeless.has(task.name);
    }
    if (!LIVE_STATUSES.includes(task.status)) return false;
    if (full || handle.runtime === 'headless' || this.watchesScreen(task)) return true;
    return !isProcessAlive(handle.pid, handle.pidStart);
  }

  private watchesScreen(task: Task): boolean {
    try {
      return getAgent(task.agent, this.project.config).statusMode === 'screen';
    } catch {
      return false;
    }
  }

  private recordChanges(tasks: Task[]): void {
    const names = new Set<string>();
    for (const t of tasks) {
      names.add(t.name);
      const before = this.seen.get(t.name) ?? null;
      if (before !== t.status) {
        this.log.append({ kind: 'status', task: t.name, from: before, to: t.status, source: t.statusSource });
      }
      this.seen.set(t.name, t.status);
    }
    for (const name of [...this.seen.keys()]) if (!names.has(name)) this.seen.delete(name);
  }
}

/** SessionEnd arrives before the process is gone: refreshed until the runtime knows the exit code. */
function endedByHookWithoutCode(task: Task): boolean {
  return (
    (task.status === 'exited' || task.status === 'failed') &&
    task.statusSource === 'hook' &&
    task.exitCode === null
  );
}
