import { BraidError } from './errors.js';

export const MAX_TASK_NAME = 40;
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

export function backupRef(task: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `refs/braid/backup/${task}/${stamp}`;
}
