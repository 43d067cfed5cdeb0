import { existsSync } from 'node:fs';
import type { Task } from '../../core/task.js';
import { git } from '../../git/git.js';
import type { Project } from '../../project/project.js';
import {
  beginOperation,
  isAbandoned,
  lastOperation,
  openOperations,
  recordStep,
} from '../../store/journal.js';
import { getTask, listTasks, updateTask } from '../../store/tasks.js';
import { type NewTaskRequest, provisionTask, runProvision } from './provision.js';
import { recoverTask } from './recover.js';
import { claimTask, removeTask } from './remove.js';

/** Options that describe how the workspace was built, not what was asked: a rebuild sets them anew. */
const BUILT_OPTIONS = ['deps', 'depsReason', 'includes', 'database', 'databaseEnv', 'session'];

function requestOf(task: Task, onProgress?: (m: string) => void): NewTaskRequest {
  const options = Object.fromEntries(
    Object.entries(task.options).filter(([k]) => !BUILT_OPTIONS.includes(k)),
  );
  return {
    name: task.name,
    base: task.base,
    agent: task.agent,
    prompt: task.prompt ?? undefined,
    headless: task.runtime === 'headless',
    needs: task.needs,
    runId: task.runId ?? undefined,
    options,
    onProgress,
  };
}

/** A provision that never finished: its last journal entry is still open, or was taken over. */
function provisionUnfinished(project: Project, name: string): boolean {
  const last = lastOperation(project.store, name, 'provision');
  return !!last && (last.outcome === null || last.outcome === 'superseded');
}

async function worktreeOnBranch(task: Task): Promise<boolean> {
  if (!existsSync(task.worktree)) return false;
  const head = await git(['symbolic-ref', '--quiet', 'HEAD'], { cwd: task.worktree, allowFailure: true });
  return head === `refs/heads/${task.branch}`;
}

/**
 * Completes a provision a killed braid left half-done: the steps after the last recorded one run,
 * or, when not even the worktree was made, the task is rolled back (backed up) and built again.
 */
async function finishProvision(
  project: Project,
  name: string,
  onProgress?: (m: string) => void,
): Promise<string | null> {
  const { store } = project;
  const task = getTask(store, name);
  if (!task || !provisionUnfinished(project, name)) return null;
  const last = lastOperation(store, name, 'provision');
  claimTask(project, name);
  const req = requestOf(task, onProgress);
  if (!last?.doneSteps.includes('worktree') || !(await worktreeOnBranch(task))) {
    await removeTask(project, name, { force: true });
    await provisionTask(project, req);
    return `rebuilt the half-provisioned task '${name}'`;
  }
  const op = beginOperation(store, name, 'provision', { ...last.data, resumed: true });
  for (const step of last.doneSteps) recordStep(store, op, step);
  updateTask(store, name, { status: 'provisioning', statusSource: 'process', statusDetail: null });
  await runProvision(project, op, req, {
    worktree: task.worktree,
    branch: task.branch,
    commit: task.baseCommit,
  });
  return `finished provisioning '${name}' (after ${last.doneSteps.join(', ')})`;
}

/** Before a session starts: an interrupted removal is completed, an interrupted provision finished. */
export async function repairBeforeStart(
  project: Project,
  name: string,
  onProgress?: (m: string) => void,
): Promise<string | null> {
  const ops = openOperations(project.store, name).filter(isAbandoned);
  if (ops.some((op) => op.kind === 'remove')) return recoverTask(project, name);
  return finishProvision(project, name, onProgress);
}

/**
 * What `braid ls` shows for a task still marked `provisioning` whose braid process is gone: failed,
 * saying how to go on. Cheap (one query and a pid check per such task); the repair itself is start's.
 */
export function markInterruptedProvisions(project: Project): void {
  const { store } = project;
  for (const task of listTasks(store)) {
    if (task.status !== 'provisioning') continue;
    if (openOperations(store, task.name).some((op) => !isAbandoned(op))) continue;
    updateTask(store, task.name, {
      status: 'failed',
      statusSource: 'process',
      statusDetail: `provisioning interrupted; braid start ${task.name} finishes it, braid rm ${task.name} removes it`,
    });
  }
}
