import type { HookPayload, HookResponder } from '../agents/hook-responders.js';
import { pendingRadarMessages } from './notify.js';

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

let rescanModules: Promise<[typeof import('../project/project.js'), typeof import('./scan.js')]> | null =
  null;

/** Loaded only for an edit: the config parser and the scanner stay out of every other hook. */
export function preloadRescan(): typeof rescanModules {
  rescanModules ??= Promise.all([import('../project/project.js'), import('./scan.js')]);
  return rescanModules;
}

/** After a file-editing tool use, re-snapshot that task and recompute only its pairs. */
export async function rescanAfterEdit(cwd: string, task: string): Promise<void> {
  const [{ openProject }, { scanRadar }] = (await preloadRescan())!;
  const project = await openProject(cwd);
  try {
    await scanRadar(project, { tasks: [task] });
  } finally {
    project.close();
  }
}
