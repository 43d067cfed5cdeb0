import type { Project } from '../../project/project.js';
import { isAbandoned, openOperations } from '../../store/journal.js';
import { getTask } from '../../store/tasks.js';
import { claimTask, removeTask } from './remove.js';

/**
 * Finishes what a killed braid left half-done on a task: a provision that never completed is rolled
 * back (its worktree backed up first), a removal that had passed its checks is completed.
 */
export async function recoverTask(project: Project, name: string): Promise<string | null> {
  const ops = openOperations(project.store, name);
  if (!ops.length) return null;
  const abandoned = ops.filter(isAbandoned);
  claimTask(project, name);
  if (!abandoned.length || !getTask(project.store, name)) return null;
  const kind = abandoned[abandoned.length - 1].kind;
  await removeTask(project, name, { force: true });
  return kind === 'provision'
    ? `rolled back the unfinished creation of '${name}'`
    : `finished removing '${name}'`;
}
