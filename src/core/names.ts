import path from 'node:path';
import { BraidError } from './errors.js';

const MAX_TASK_NAME = 40;
const NAME_RULE =
  'a task name is 1–40 characters of lowercase letters, digits, "-" and "_", starting with a letter or digit, not ending in "-", with no "--"';

/**
 * One rule that is safe everywhere a name lands: git refs (braid/<name>), tmux targets
 * (no '.', ':'), file names, and shells (no quoting ever needed).
 */
export function taskNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_TASK_NAME) return `it is ${name.length} characters long`;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name))
    return 'it has characters outside a-z, 0-9, "-" and "_" or starts with one of "-", "_"';
  if (name.endsWith('-')) return 'it ends in "-"';
  if (name.includes('--')) return 'it contains "--"';
  return null;
}

export function assertTaskName(name: string): void {
  const problem = taskNameProblem(name);
  if (problem) {
    throw new BraidError(
      'E_BAD_NAME',
      `'${name}' is not a valid task name: ${problem}`,
      `Use ${NAME_RULE}, e.g. "fix-login".`,
    );
  }
}

export function taskBranch(name: string): string {
  return `braid/${name}`;
}

/** Where a task's worktree goes: the `worktrees` template, relative to the main checkout. */
export function worktreeLocation(template: string, repoName: string, task: string): string {
  return template.replaceAll('{repo}', repoName).replaceAll('{task}', task);
}

/**
 * The folder of the gate's scratch worktree `slot`, beside the task worktrees: a name no task can
 * take (task names never start with "_"), so a test runner sees a plain checkout (nothing under
 * .git or node_modules). A template without {repo} may be shared by several repositories, so
 * the folder then names the repository too.
 */
export function gateScratchLocation(template: string, repoName: string, slot: number): string {
  const folder = template.includes('{repo}') ? `_gate-${slot}` : `_${repoName}-gate-${slot}`;
  // Without {task} every task would share one folder: the gate's goes beside it, not into it.
  if (!template.includes('{task}'))
    return path.join(path.dirname(worktreeLocation(template, repoName, '')), folder);
  return worktreeLocation(template, repoName, folder);
}

/** The slot of a folder name gateScratchLocation gives (any repository's), or null. */
export function gateScratchSlot(folder: string): number | null {
  const m = /^_(?:.+-)?gate-(\d+)$/.exec(folder);
  return m ? Number(m[1]) : null;
}

export function backupRef(task: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `refs/braid/backup/${task}/${stamp}`;
}
