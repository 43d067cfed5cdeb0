import path from 'node:path';
import type { Task } from '../../core/task.js';
import type { Project } from '../../project/project.js';

/**
 * A research/review task (braid new --readonly): it lives in the main checkout, owns no worktree,
 * branch, ports or setup, so removing it must never touch the checkout or any branch.
 */
export function isReadonlyTask(project: Project, task: Task): boolean {
  return task.options.readonly === true && isMainCheckout(project, task.worktree);
}

/** Whether `dir` is the repository's main checkout, which braid never deletes. */
export function isMainCheckout(project: Project, dir: string): boolean {
  return path.resolve(dir) === path.resolve(project.repo.root);
}
