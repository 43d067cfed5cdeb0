import path from 'node:path';

/** braid's own files for a repository live in the git common dir, shared by every worktree. */
export function braidDir(commonDir: string): string {
  return path.join(commonDir, 'braid');
}

export function taskLogDir(commonDir: string, task: string): string {
  return path.join(braidDir(commonDir), 'logs', task);
}

export function setupLogPath(commonDir: string, task: string): string {
  return path.join(taskLogDir(commonDir, task), 'setup.log');
}
