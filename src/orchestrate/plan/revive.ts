import { existsSync } from 'node:fs';
import type { Task } from '../../core/task.js';
import { isProcessAlive } from '../../exec/pid.js';
import type { Project } from '../../project/project.js';
import { startSession } from '../../run/session/lifecycle.js';
import { handleOf, sessionPaths } from '../../run/session/reach.js';
import { appendEvent } from '../../store/tasks.js';

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
export async function reviveSession(
  project: Project,
  task: Task,
  runId: string,
  say: (line: string) => void,
): Promise<void> {
  const resume = !!task.agentSessionId;
  try {
    await startSession(project, task.name, { resume });
    appendEvent(project.store, task.name, 'plan-revived', { runId, resume });
    say(
      `${task.name}: its session died without an exit record (a reboot?): ${resume ? 'resumed' : 'restarted'}`,
    );
  } catch (err) {
    say(`${task.name}: could not restart its lost session: ${(err as Error).message}`);
  }
}
