import { existsSync, rmSync } from 'node:fs';
import { BraidError } from '../../core/errors.js';
import { backupRef } from '../../core/names.js';
import type { Task } from '../../core/task.js';
import { git, gitOk } from '../../git/git.js';
import { refExists } from '../../git/repo.js';
import { snapshotWorktree } from '../../git/snapshot.js';
import type { Project } from '../../project/project.js';
import {
  beginOperation,
  finishOperation,
  isAbandoned,
  openOperations,
  pausePoint,
  recordStep,
} from '../../store/journal.js';
import { releasePorts } from '../../store/ports.js';
import { deleteTask, getTask } from '../../store/tasks.js';
import { dropDatabase } from './database.js';
import { describeUnlanded, hasUnlandedWork, unlandedWork } from './lost-work.js';
import { isMainCheckout, isReadonlyTask } from './main-checkout.js';
import { withWorktreeLock } from './worktree-lock.js';

export interface RemoveOptions {
  force?: boolean;
  /** Stops the task's session (tmux window, headless process) before its worktree goes. */
  stopSession?: (task: Task) => Promise<void>;
}

export interface RemoveResult {
  name: string;
  backupRef: string | null;
  restoreHint: string | null;
  /** Set when this run completed a removal a killed braid had begun. */
  resumed?: boolean;
}

/** Refuses while another live braid process is mid-operation on the task; abandoned ones are taken over. */
export function claimTask(project: Project, name: string): void {
  for (const op of openOperations(project.store, name)) {
    if (!isAbandoned(op)) {
      throw new BraidError(
        'E_LOCKED',
        `another braid process (pid ${op.pid}) is busy with task '${name}' (${op.kind})`,
        'Wait for it to finish, or stop it.',
      );
    }
    finishOperation(project.store, op, 'superseded');
  }
}

/** Saves the whole worktree state (or the branch tip when the worktree is gone) under refs/braid/backup/. */
async function backup(project: Project, task: Task): Promise<string | null> {
  const ref = backupRef(task.name, new Date());
  const root = project.repo.root;
  if (
    existsSync(task.worktree) &&
    // ^{commit}: a killed `git worktree add` leaves HEAD at a placeholder id that names no commit.
    (await gitOk(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: task.worktree }))
  ) {
    await snapshotWorktree(task.worktree, { ref, message: `braid backup of task ${task.name}` });
    return ref;
  }
  if (await refExists(root, `refs/heads/${task.branch}`)) {
    await git(['update-ref', ref, `refs/heads/${task.branch}`], { cwd: root });
    return ref;
  }
  return null;
}

/** Removes a task without ever losing work: backup first, refuse on unlanded work unless forced. */
export async function removeTask(
  project: Project,
  name: string,
  options: RemoveOptions = {},
): Promise<RemoveResult> {
  const { store, repo, config } = project;
  const task = getTask(store, name);
  if (!task) throw new BraidError('E_NO_TASK', `no task named '${name}'`, 'See the tasks with braid ls.');
  const resumed = openOperations(store, name).some((op) => op.kind === 'remove' && isAbandoned(op));
  claimTask(project, name);
  if (isReadonlyTask(project, task)) return removeReadonlyTask(project, task, options);
  const saved = await backup(project, task);
  const restoreHint = saved ? `git branch ${name}-restored ${saved}` : null;
  if (!options.force) {
    const work = await unlandedWork(repo.root, task);
    if (hasUnlandedWork(work)) {
      throw new BraidError(
        'E_UNLANDED_WORK',
        `task '${name}' has work that is not on ${task.base}:\n  ${describeUnlanded(work)}`,
        `Land it (braid land ${name}), or remove anyway with --force. A backup is at ${saved} (restore: ${restoreHint}).`,
      );
    }
  }
  const op = beginOperation(store, name, 'remove', { backupRef: saved });
  pausePoint('remove', 'begin');
  if (options.stopSession) await options.stopSession(task);
  recordStep(store, op, 'session');
  const worktreeThere = existsSync(task.worktree);
  // A sqlite copy lives in the worktree (gone with it); a postgres database outlives a folder deleted by hand.
  if (config.database && (worktreeThere || config.database.kind === 'postgres')) {
    const cwd = worktreeThere ? task.worktree : repo.root; // postgres only runs its client tools there
    await dropDatabase(config.database, { task: name, repoRoot: repo.root, worktree: cwd });
  }
  recordStep(store, op, 'database');
  // The main checkout is never a task's to delete, whatever the row says.
  if (!isMainCheckout(project, task.worktree)) await removeWorktree(repo.root, task.worktree);
  recordStep(store, op, 'worktree');
  if (await refExists(repo.root, `refs/heads/${task.branch}`)) {
    await git(['branch', '-D', '--', task.branch], { cwd: repo.root });
  }
  recordStep(store, op, 'branch');
  store.tx(() => {
    releasePorts(store, name);
    deleteTask(store, name);
  });
  finishOperation(store, op, 'done');
  return { name, backupRef: saved, restoreHint, resumed };
}

/** A read-only task owns only its session and its row: the main checkout and its branch stay. */
async function removeReadonlyTask(
  project: Project,
  task: Task,
  options: RemoveOptions,
): Promise<RemoveResult> {
  const { store } = project;
  const op = beginOperation(store, task.name, 'remove', { readonly: true });
  if (options.stopSession) await options.stopSession(task);
  recordStep(store, op, 'session');
  store.tx(() => {
    releasePorts(store, task.name);
    deleteTask(store, task.name);
  });
  finishOperation(store, op, 'done');
  return { name: task.name, backupRef: null, restoreHint: null };
}

/** Removes a worktree folder and git's record of it, whichever of the two still exists. */
export async function removeWorktree(root: string, worktree: string): Promise<void> {
  await withWorktreeLock(root, async () => {
    if (existsSync(worktree)) {
      const removed = await gitOk(['worktree', 'remove', '--force', '--force', '--', worktree], {
        cwd: root,
      });
      if (!removed) rmSync(worktree, { recursive: true, force: true });
    }
    await git(['worktree', 'prune'], { cwd: root });
  });
}
