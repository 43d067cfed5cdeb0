import type { HookPayload, HookResponder } from '../agents/hook-responders.js';
import { openProject } from '../project/project.js';
import { pendingRadarMessages } from './notify.js';
import { scanRadar } from './scan.js';

/** Tools whose use may change files in the worktree. */
const EDITING_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash', 'apply_patch']);

export function editsFiles(event: string, payload: HookPayload): boolean {
  return event === 'PostToolUse' && EDITING_TOOLS.has(String(payload.tool_name ?? ''));
}

/** Findings not yet told to this task reach the agent as additionalContext on its next hook that takes it. */
export const radarResponder: HookResponder = (task, _event, _payload, ctx) => {
  try {
    return pendingRadarMessages(ctx.store, task.name);
  } catch {
    return null;
  }
};

/** After a file-editing tool use, re-snapshot that task and recompute only its pairs. */
export async function rescanAfterEdit(cwd: string, task: string): Promise<void> {
  const project = await openProject(cwd);
  try {
    await scanRadar(project, { tasks: [task] });
  } finally {
    project.close();
  }
}
