import type { StatusSource, Task, TaskOptions, TaskStatus } from '../core/task.js';
import type { Store } from './db.js';
import { type LockHolder, lockHeld, recordLock, releaseLock } from './locks.js';

interface TaskRow {
  name: string;
  branch: string;
  worktree: string;
  base: string;
  base_commit: string;
  agent: string;
  prompt: string | null;
  runtime: string;
  status: string;
  status_source: string;
  status_since: number;
  status_detail: string | null;
  exit_code: number | null;
  pid: number | null;
  agent_session_id: string | null;
  transcript_path: string | null;
  transcript_paths: string;
  log_path: string | null;
  needs: string;
  run_id: string | null;
  landed_commit: string | null;
  options: string;
  created_at: number;
  updated_at: number;
}

function fromRow(r: TaskRow): Task {
  return {
    name: r.name,
    branch: r.branch,
    worktree: r.worktree,
    base: r.base,
    baseCommit: r.base_commit,
    agent: r.agent,
    prompt: r.prompt,
    runtime: r.runtime as Task['runtime'],
    status: r.status as TaskStatus,
    statusSource: r.status_source as StatusSource,
    statusSince: r.status_since,
    statusDetail: r.status_detail,
    exitCode: r.exit_code,
    pid: r.pid,
    agentSessionId: r.agent_session_id,
    transcriptPath: r.transcript_path,
    transcriptPaths: JSON.parse(r.transcript_paths) as string[],
    logPath: r.log_path,
    needs: JSON.parse(r.needs) as string[],
    runId: r.run_id,
    landedCommit: r.landed_commit,
    options: JSON.parse(r.options) as TaskOptions,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Column for each updatable field: the one place where camelCase meets the schema. */
const COLUMNS: Record<keyof Omit<Task, 'name'>, string> = {
  branch: 'branch',
  worktree: 'worktree',
  base: 'base',
  baseCommit: 'base_commit',
  agent: 'agent',
  prompt: 'prompt',
  runtime: 'runtime',
  status: 'status',
  statusSource: 'status_source',
  statusSince: 'status_since',
  statusDetail: 'status_detail',
  exitCode: 'exit_code',
  pid: 'pid',
  agentSessionId: 'agent_session_id',
  transcriptPath: 'transcript_path',
  transcriptPaths: 'transcript_paths',
  logPath: 'log_path',
  needs: 'needs',
  runId: 'run_id',
  landedCommit: 'landed_commit',
  options: 'options',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

function toDb(key: keyof Task, value: unknown): unknown {
  if (key === 'needs' || key === 'transcriptPaths') return JSON.stringify(value ?? []);
  if (key === 'options') return JSON.stringify(value ?? {});
  return value ?? null;
}

export type NewTask = Pick<Task, 'name' | 'branch' | 'worktree' | 'base' | 'baseCommit' | 'agent'> &
  Partial<Omit<Task, 'name' | 'branch' | 'worktree' | 'base' | 'baseCommit' | 'agent'>>;

export function insertTask(store: Store, task: NewTask): Task {
  const now = Date.now();
  const full: Task = {
    prompt: null,
    runtime: 'tmux',
    status: 'provisioning',
    statusSource: 'process',
    statusSince: now,
    statusDetail: null,
    exitCode: null,
    pid: null,
    agentSessionId: null,
    transcriptPath: null,
    transcriptPaths: [],
    logPath: null,
    needs: [],
    runId: null,
    landedCommit: null,
    options: {},
    createdAt: now,
    updatedAt: now,
    ...task,
  };
  const keys = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
  const cols = ['name', ...keys.map((k) => COLUMNS[k])];
  const values = [full.name, ...keys.map((k) => toDb(k, full[k]))];
  store.db
    .prepare(`INSERT INTO tasks (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
    .run(...values);
  return full;
}

export function getTask(store: Store, name: string): Task | null {
  const row = store.db.prepare('SELECT * FROM tasks WHERE name = ?').get(name) as TaskRow | undefined;
  return row ? fromRow(row) : null;
}

export function listTasks(store: Store): Task[] {
  return (store.db.prepare('SELECT * FROM tasks ORDER BY created_at, name').all() as TaskRow[]).map(fromRow);
}

/** The task whose worktree contains `dir` (hooks report their cwd, which may be a subfolder). */
export function findTaskByPath(store: Store, dir: string): Task | null {
  const tasks = listTasks(store).filter((t) => dir === t.worktree || dir.startsWith(`${t.worktree}/`));
  tasks.sort((a, b) => b.worktree.length - a.worktree.length);
  return tasks[0] ?? null;
}

/** Updates the given fields; a status change also stamps statusSince. */
export function updateTask(store: Store, name: string, patch: Partial<Omit<Task, 'name'>>): void {
  const now = Date.now();
  const fields: Partial<Omit<Task, 'name'>> = { ...patch, updatedAt: now };
  if (patch.status !== undefined && patch.statusSince === undefined) {
    const current = store.db.prepare('SELECT status FROM tasks WHERE name = ?').get(name) as
      | { status: string }
      | undefined;
    if (current && current.status !== patch.status) fields.statusSince = now;
  }
  const keys = Object.keys(fields) as (keyof typeof COLUMNS)[];
  const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ');
  store.db
    .prepare(`UPDATE tasks SET ${sets} WHERE name = ?`)
    .run(...keys.map((k) => toDb(k, fields[k])), name);
}

export function mergeTaskOptions(store: Store, name: string, extra: TaskOptions): void {
  const task = getTask(store, name);
  if (task) updateTask(store, name, { options: { ...task.options, ...extra } });
}

export function deleteTask(store: Store, name: string): void {
  store.db.prepare('DELETE FROM tasks WHERE name = ?').run(name);
  // A task made again under this name starts without the old one's disk figure.
  store.db.prepare('DELETE FROM task_disk WHERE task = ?').run(name);
}

/**
 * Takes a session that died with the machine for starting again: only one caller wins (the status must
 * still be the `failed` seen at `statusSince`), so braid up, the supervisor and a plan run never start it twice.
 * The winner holds the task's revive lock until `releaseReviveClaim`: meanwhile the task's handle is still
 * the dead session's, and a refresh must not read that as the new session failing (`reviveInProgress`).
 */
export function claimForRevive(store: Store, name: string, statusSince: number, holder: LockHolder): boolean {
  return store.tx(() => {
    const now = Date.now();
    const res = store.db
      .prepare(
        `UPDATE tasks SET status = 'starting', status_source = 'process', status_detail = ?,
           status_since = ?, updated_at = ? WHERE name = ? AND status = 'failed' AND status_since = ?`,
      )
      .run('coming back after a restart', now, now, name, statusSince);
    if (res.changes !== 1) return false;
    recordLock(store, reviveLockName(name), holder);
    return true;
  });
}

const reviveLockName = (task: string) => `revive.${task}`;

export function releaseReviveClaim(store: Store, name: string, holder: LockHolder): void {
  releaseLock(store, reviveLockName(name), holder);
}

/** True while a live process that claimed the task for revival is starting it (a dead claimant's claim lapses). */
export function reviveInProgress(store: Store, name: string): boolean {
  return lockHeld(store, reviveLockName(name));
}
