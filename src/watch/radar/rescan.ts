/**
 * The rescan after an edit runs out of the hook's way: a detached worker per task, one at a time.
 * The hook's recorded event is the "dirty" mark: a worker that finds an edit newer than the one it
 * started from scans once more before it lets go of the task.
 */
import path from 'node:path';
import { builtModule } from '../../exec/built.js';
import { spawnDetached } from '../../exec/detached.js';
import type { Store } from '../../store/db.js';
import { lockHeld } from '../../store/locks.js';

/** The `locks` row a running rescan of `task` holds. */
export function rescanLockName(task: string): string {
  return `radar-rescan.${task}`;
}

/** True while a live worker rescans `task` (it will see any edit recorded before it finishes). */
export function rescanRunning(store: Store, task: string): boolean {
  return lockHeld(store, rescanLockName(task));
}

const WORKER = builtModule('watch/radar/rescan-main.js');

/** Where detached rescans write what went wrong. */
function rescanLogPath(commonDir: string): string {
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
