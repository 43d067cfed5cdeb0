import { EDITING_TOOLS } from '../../core/radar-messages.js';
import type { HookPayload, HookResponder } from '../../run/agents/hook-responders.js';
import { openStore } from '../../store/db.js';
import { pendingRadarMessages } from './notify.js';

export function editsFiles(event: string, payload: HookPayload): boolean {
  // A failed command may have edited files all the same (a conflicted git merge writes markers).
  const after = event === 'PostToolUse' || event === 'PostToolUseFailure';
  return after && EDITING_TOOLS.includes(String(payload.tool_name ?? ''));
}

/** Findings not yet told to this task reach the agent as additionalContext on its next hook that takes it. */
export const radarResponder: HookResponder = (task, _event, _payload, ctx) => {
  try {
    return pendingRadarMessages(ctx.store, task.name);
  } catch {
    return null;
  }
};

/** A hook gives up on a busy store quickly: the rescan is a nicety, the agent must not wait. */
const RESCAN_BUSY_TIMEOUT_MS = 1_000;

/**
 * After a file-editing tool use (already recorded): a detached worker re-snapshots that task and
 * recomputes its pairs, or the running one goes once more. The hook does not wait for it; when the
 * store cannot tell whether one runs, a worker starts anyway (it waits for the store, and one that
 * finds another at work exits).
 */
export async function rescanAfterEdit(commonDir: string, cwd: string, task: string): Promise<void> {
  // Loaded only after an edit: a hook for any other event should not pay for the process runner.
  const { rescanRunning, spawnRescanWorker } = await import('./rescan.js');
  let running = false;
  try {
    const store = openStore(commonDir, { busyTimeoutMs: RESCAN_BUSY_TIMEOUT_MS });
    try {
      running = rescanRunning(store, task);
    } finally {
      store.close();
    }
  } catch {
    running = false;
  }
  if (!running) await spawnRescanWorker(commonDir, cwd, task);
}
