/**
 * The rescan after an edit runs out of the hook's way: a detached worker per task, one at a time.
 * The hook's recorded event is the "dirty" mark: a worker that finds an edit newer than the one it
 * started from scans once more before it lets go of the task.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnDetached } from '../../exec/detached.js';
import type { Db, Store } from '../../store/db.js';
import { lockHeld } from '../../store/locks.js';

/** Tools whose use may change files in the worktree. */
export const EDITING_TOOLS: readonly string[] = [
  'Write',
  'Edit',
  'MultiEdit',
  'NotebookEdit',
  'Bash',
  'apply_patch',
];

/** The `locks` row a running rescan of `task` holds. */
export function rescanLockName(task: string): string {
  return `radar-rescan.${task}`;
}

/** The newest recorded editing hook event of `task` (0 when none). */
export function lastEditEventId(db: Db, task: string): number {
  const tools = EDITING_TOOLS.map(() => '?').join(', ');
  const row = db
    .prepare(
      `SELECT MAX(id) AS id FROM events WHERE task = ? AND kind IN ('hook.received', 'hook')
         AND json_extract(data, '$.event') IN ('PostToolUse', 'PostToolUseFailure')
         AND json_extract(data, '$.tool') IN (${tools})`,
    )
    .get(task, ...EDITING_TOOLS) as { id: number | null };
  return row.id ?? 0;
}

/** The newest edit event a finished rescan of `task` is known to include (0 when none). */
export function lastCoveredEdit(db: Db, task: string): number {
  const row = db
    .prepare(
      `SELECT json_extract(data, '$.coveredEdit') AS edit FROM events
        WHERE task = ? AND kind = 'radar.rescanned' ORDER BY id DESC LIMIT 1`,
    )
    .get(task) as { edit: number | null } | undefined;
  return row?.edit ?? 0;
}

/** True while a live worker rescans `task` (it will see any edit recorded before it finishes). */
export function rescanRunning(store: Store, task: string): boolean {
  return lockHeld(store, rescanLockName(task));
}

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rescan-main.js');

/** Where detached rescans write what went wrong. */
export function rescanLogPath(commonDir: string): string {
  return path.join(commonDir, 'braid', 'radar-rescan.log');
}

/** Starts the detached worker; it takes the task's single-flight lock itself. */
export async function spawnRescanWorker(commonDir: string, cwd: string, task: string): Promise<void> {
  await spawnDetached(process.execPath, [WORKER, cwd, task], {
    cwd,
    env: process.env,
    logFile: rescanLogPath(commonDir),
  });
}
