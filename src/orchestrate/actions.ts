/**
 * What a user does to a task, from any face: `braid stop|send|land|rm`, the TUI's keys and the web
 * dashboard's buttons call these, so each action checks, refuses and acts the same way everywhere.
 */
import { BraidError } from '../core/errors.js';
import type { Task } from '../core/task.js';
import { type RemoveResult, removeTask } from '../isolate/workspace/remove.js';
import { defaultLandHooks } from '../land/hooks.js';
import { type LandReport, landTasks } from '../land/report.js';
import type { Project } from '../project/project.js';
import { refreshSession, stopSession, stopSessionForRemoval } from '../run/session/lifecycle.js';
import { handleOf, type SessionHandle, sessionAlive, typeIntoSession } from '../run/session/reach.js';
import { getTask, updateTask } from '../store/tasks.js';

export function requireTask(project: Project, name: string): Task {
  const task = getTask(project.store, name);
  if (!task) throw new BraidError('E_NO_TASK', `no task named '${name}'`, 'See the tasks with braid ls.');
  return task;
}

/** The task's session handle; a task whose agent never started has none. */
export function requireSession(task: Task): SessionHandle {
  const handle = handleOf(task);
  if (!handle)
    throw new BraidError(
      'E_SESSION',
      `task '${task.name}' has no session yet`,
      `Start it with braid start ${task.name}.`,
    );
  return handle;
}

/** Stops the task's agent (its quit keys, then SIGTERM, then SIGKILL); the worktree stays. Returns the task after. */
export async function stopTask(project: Project, name: string): Promise<Task> {
  const task = requireTask(project, name);
  requireSession(task);
  await stopSession(project, task);
  const after = requireTask(project, name);
  // A signal ends most agents "without an exit code": say it was asked for.
  if (after.status === 'failed' && after.statusSource === 'process') {
    updateTask(project.store, name, { statusDetail: `stopped with braid stop (${after.statusDetail})` });
    return requireTask(project, name);
  }
  return after;
}

/** Types text into the task's live session, then Enter; refuses a session that has ended (the keys would vanish). */
export async function sendToTask(project: Project, name: string, text: string): Promise<void> {
  const handle = requireSession(requireTask(project, name));
  if (!(await sessionAlive(project, name, handle))) {
    await refreshSession(project, name);
    throw new BraidError(
      'E_SESSION',
      `the session of '${name}' has ended`,
      `Start it again with braid start ${name}.`,
    );
  }
  await typeIntoSession(handle, text);
}

/**
 * Enqueues the tasks (none: just process what is queued) and works through the merge queue with
 * braid's own hand-back, cleanup and gate preparation.
 */
export function landTaskNames(
  project: Project,
  names: string[],
  opts: { all?: boolean; onProgress?: (line: string) => void } = {},
): Promise<LandReport> {
  const say = opts.onProgress ?? (() => {});
  return landTasks(project, names, { all: opts.all, onProgress: say, hooks: defaultLandHooks(project, say) });
}

/** One line saying what became of `name` in a landing. */
export function landOutcomeLine(report: LandReport, name: string): string {
  const landed = report.landed.find((l) => l.name === name);
  if (landed) return `landed ${name} ${landed.commit?.slice(0, 12) ?? ''}`.trim();
  const rejected = report.rejected.find((r) => r.name === name);
  if (rejected) return `not landed ${name}: ${rejected.reason ?? 'rejected'}`;
  const handedBack = report.handedBack.find((h) => h.name === name);
  if (handedBack) return `handed back ${name}: its agent resolves ${handedBack.conflictFiles.join(', ')}`;
  return `${name} is queued`;
}

/**
 * Removes the task like `braid rm`: its session stopped first, everything backed up, and (without
 * `force`) E_UNLANDED_WORK rather than losing work.
 */
export function removeTaskAction(
  project: Project,
  name: string,
  opts: { force?: boolean } = {},
): Promise<RemoveResult> {
  return removeTask(project, name, {
    force: opts.force,
    stopSession: (task) => stopSessionForRemoval(project, task),
  });
}
