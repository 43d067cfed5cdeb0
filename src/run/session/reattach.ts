/**
 * A session that runs on elsewhere (a pod) while the process of braid's that watched it died with this
 * machine: a new watcher, the agent untouched. `braid up` and the supervisor try it before a resume.
 */
import { endpointListen } from '../../core/kube-endpoint.js';
import type { Project } from '../../project/project.js';
import { getTask, mergeTaskOptions, updateTask } from '../../store/tasks.js';
import { backendOf } from '../runtime/backend.js';
import type { SessionHandle } from '../runtime/types.js';
import { handleOf, sessionPaths } from './reach.js';

/** The new watcher's handle (recorded with the task), or null when the session is gone too (or runs here). */
export async function reattachSession(project: Project, name: string): Promise<SessionHandle | null> {
  const task = getTask(project.store, name);
  const handle = task && handleOf(task);
  const backend = handle && backendOf(handle);
  if (!task || !handle || !backend?.reattach) return null;
  const back = await backend.reattach(handle, {
    task: name,
    worktree: task.worktree,
    branch: task.branch,
    repoRoot: project.repo.root,
    listenHost: endpointListen(project.config.kubernetes).host,
    ...sessionPaths(project, name),
  });
  if (!back) return null;
  updateTask(project.store, name, { pid: back.pid, exitCode: null });
  mergeTaskOptions(project.store, name, { session: back });
  return back;
}
