import { existsSync } from 'node:fs';
import type { Task } from '../../core/task.js';
import { isProcessAlive } from '../../exec/pid.js';
import type { Project } from '../../project/project.js';
import { startSession } from '../../run/session/lifecycle.js';
import { handleOf, sessionPaths } from '../../run/session/reach.js';
import { appendEvent } from '../../store/events.js';

/**
 * A session that died with the machine (a reboot, its process group SIGKILLed): recorded failed by
 * process liveness, with no exit code and no exit record, because nothing was left to write one.
 */
export function diedWithoutRecord(project: Project, task: Task): boolean {
  const handle = handleOf(task);
  if (!handle || task.status !== 'failed' || task.statusSource !== 'process') return false;
  if (task.exitCode !== null || isProcessAlive(handle.pid, handle.pidStart)) return false;
  return !existsSync(sessionPaths(project, task.name).exitPath);
}

/** Starts such a session again: resumed where the agent can (a recorded session id), afresh otherwise. */
export async function reviveSession(project: Project, task: Task, runId: string): Promise<void> {
  const resume = !!task.agentSessionId;
  try {
    await startSession(project, task.name, { resume });
    appendEvent(project.store, task.name, 'plan.task-revived', { runId, resume });
  } catch (err) {
    appendEvent(project.store, task.name, 'plan.task-revive-failed', {
      runId,
      reason: (err as Error).message,
    });
  }
}
