import type { HookPayload, HookResponder } from '../agents/hook-responders.js';
import { openStore } from '../store/db.js';
import { pendingRadarMessages } from './notify.js';
import { EDITING_TOOLS, startRescan } from './rescan.js';

export function editsFiles(event: string, payload: HookPayload): boolean {
  return event === 'PostToolUse' && EDITING_TOOLS.includes(String(payload.tool_name ?? ''));
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
 * recomputes its pairs, or the running one goes once more. The hook does not wait for it.
 */
export async function rescanAfterEdit(commonDir: string, cwd: string, task: string): Promise<void> {
  const store = openStore(commonDir, { busyTimeoutMs: RESCAN_BUSY_TIMEOUT_MS });
  try {
    await startRescan(store, commonDir, cwd, task);
  } finally {
    store.close();
  }
}
