/** One task up close: its diff against where it forked and the end of its session's log. */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { taskDiff } from '../git/task-diff.js';
import { setupLogPath } from '../isolate/workspace/paths.js';
import type { Project } from '../project/project.js';
import { getTask } from '../store/tasks.js';

export interface TaskDetail {
  name: string;
  diff: string;
  diffTruncated: boolean;
  log: string;
  logPath: string | null;
}

const MAX_DIFF = 400_000;
const MAX_LOG = 64_000;

/** The last `max` bytes of a file, or '' when it does not exist. */
function tail(file: string, max: number): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const start = Math.max(0, size - max);
  const buf = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

export async function taskDetail(project: Project, name: string): Promise<TaskDetail | null> {
  const task = getTask(project.store, name);
  if (!task) return null;
  const diff = existsSync(task.worktree)
    ? await taskDiff(project.repo.root, task).catch((err: Error) => `(diff unavailable: ${err.message})`)
    : '';
  const setupLog = setupLogPath(project.repo.commonDir, name);
  const logPath = task.logPath ?? (existsSync(setupLog) ? setupLog : null);
  return {
    name,
    diff: diff.length > MAX_DIFF ? diff.slice(0, MAX_DIFF) : diff,
    diffTruncated: diff.length > MAX_DIFF,
    log: logPath ? tail(path.resolve(logPath), MAX_LOG) : '',
    logPath,
  };
}
