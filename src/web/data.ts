/** What the dashboard shows: one snapshot of the store, the radar and the queue, plus a task's diff and log. */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { git, gitRun } from '../git/git.js';
import { refExists } from '../git/repo.js';
import type { Project } from '../project/project.js';
import { type TaskView, taskViews } from '../project/task-view.js';
import { type RadarReport, scanRadar } from '../radar/scan.js';
import type { Db } from '../store/db.js';
import { getTask, listEvents, type StoredEvent } from '../store/tasks.js';
import { setupLogPath } from '../workspace/paths.js';

export interface DashboardSnapshot {
  at: number;
  repo: string;
  tasks: TaskView[];
  radar: RadarReport | null;
  radarError: string | null;
  /** Rows of the merge queue, or null when this store has no queue table yet. */
  queue: Array<Record<string, unknown>> | null;
  events: StoredEvent[];
}

export interface TaskDetail {
  name: string;
  diff: string;
  diffTruncated: boolean;
  log: string;
  logPath: string | null;
}

const MAX_DIFF = 400_000;
const MAX_LOG = 64_000;
const MAX_UNTRACKED = 50;

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The queue table belongs to the merge queue; read it without assuming its columns. */
export function queueRows(db: Db): Array<Record<string, unknown>> | null {
  if (!tableExists(db, 'queue')) return null;
  try {
    return db.prepare('SELECT * FROM queue ORDER BY rowid LIMIT 200').all() as Array<Record<string, unknown>>;
  } catch {
    return null;
  }
}

/** Cheap fingerprint of the store: changes whenever a hook, a command or the queue writes. */
export function storeVersion(db: Db): string {
  const e = db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null };
  const t = db.prepare('SELECT MAX(updated_at) AS at, COUNT(*) AS n FROM tasks').get() as {
    at: number | null;
    n: number;
  };
  let q = '';
  if (tableExists(db, 'queue')) {
    const row = db.prepare('SELECT COUNT(*) AS n, MAX(rowid) AS r FROM queue').get() as {
      n: number;
      r: number;
    };
    q = `:${row.n}:${row.r}`;
  }
  return `${e.id ?? 0}:${t.at ?? 0}:${t.n}${q}`;
}

function recentEvents(db: Db, limit: number): StoredEvent[] {
  const max = (db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null }).id ?? 0;
  return listEvents(db, { afterId: Math.max(0, max - limit), limit });
}

export async function dashboardSnapshot(
  project: Project,
  options: { radar?: boolean; previousRadar?: RadarReport | null } = {},
): Promise<DashboardSnapshot> {
  const db = project.store.db;
  const tasks = await taskViews(project);
  let radar = options.previousRadar ?? null;
  let radarError: string | null = null;
  if (options.radar !== false) {
    try {
      radar = await scanRadar(project);
    } catch (err) {
      radarError = (err as Error).message;
    }
  }
  return {
    at: Date.now(),
    repo: project.repo.root,
    tasks,
    radar,
    radarError,
    queue: queueRows(db),
    events: recentEvents(db, 100),
  };
}

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

/** The task's whole change since it forked: tracked edits (committed or not) plus untracked files. */
async function taskDiff(
  project: Project,
  worktree: string,
  base: string,
  baseCommit: string,
): Promise<string> {
  if (!existsSync(worktree)) return '';
  const baseRef = (await refExists(project.repo.root, `refs/heads/${base}`))
    ? `refs/heads/${base}`
    : baseCommit;
  const fork =
    (await git(['merge-base', baseRef, 'HEAD'], { cwd: worktree, allowFailure: true })) || baseCommit;
  const parts = [await git(['diff', '--no-color', '--no-ext-diff', fork, '--'], { cwd: worktree })];
  const untracked = (await git(['ls-files', '--others', '--exclude-standard', '-z'], { cwd: worktree }))
    .split('\0')
    .filter(Boolean);
  for (const file of untracked.slice(0, MAX_UNTRACKED)) {
    // --no-index exits 1 when the files differ, which they always do here.
    const res = await gitRun(['diff', '--no-color', '--no-index', '--', '/dev/null', file], {
      cwd: worktree,
      allowFailure: true,
    });
    parts.push(res.stdout);
  }
  if (untracked.length > MAX_UNTRACKED)
    parts.push(`… and ${untracked.length - MAX_UNTRACKED} more untracked files\n`);
  return parts.filter(Boolean).join('\n');
}

export async function taskDetail(project: Project, name: string): Promise<TaskDetail | null> {
  const task = getTask(project.store.db, name);
  if (!task) return null;
  const diff = await taskDiff(project, task.worktree, task.base, task.baseCommit).catch(
    (err: Error) => `(diff unavailable: ${err.message})`,
  );
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
