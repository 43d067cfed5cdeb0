import { isProcessAlive } from '../../exec/pid.js';
import { groupAlive } from '../../exec/process-group.js';
import { readExitRecord } from './exit-record.js';
import type { SessionHandle, SessionState } from './types.js';

/**
 * A session watched by a detached process of braid's (the headless runner, a pod's keeper) that writes
 * the exit record as its last act: once the record exists the session is over, even while the
 * watcher's zombie waits for its parent; before, a live member of the watcher's group is the session alive.
 */
export function runnerSessionState(handle: SessionHandle, exitPath: string): SessionState {
  const record = readExitRecord(exitPath);
  // A watcher killed before it could record (a stop right after start) leaves a zombie or nothing.
  const ours = isProcessAlive(handle.pid, handle.pidStart) || !isProcessAlive(handle.pid);
  const alive = !record && !!handle.pid && ours && groupAlive(handle.pid);
  // The watcher may have recorded and exited between the two reads above: read the record again.
  const final = record ?? (alive ? null : readExitRecord(exitPath));
  return { alive, exitCode: final?.exitCode ?? null, pid: handle.pid };
}
