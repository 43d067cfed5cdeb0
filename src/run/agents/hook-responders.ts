import type { Task } from '../../core/task.js';
import type { Store } from '../../store/db.js';

/** A hook's stdin JSON as Claude Code sends it; fields beyond the common four depend on the event. */
export interface HookPayload {
  session_id?: string;
  transcript_path?: string;
  cwd?: string;
  hook_event_name?: string;
  [key: string]: unknown;
}

interface ResponderContext {
  store: Store;
  commonDir: string;
}

/**
 * Words to put in front of the agent: a non-null result reaches the model as additionalContext
 * (e.g. the conflict radar warning that another task edits the same file, or a `braid note`).
 * Responders run inside the hook process after the event is stored; they must be fast and must not throw.
 * Each stage brings its own; orchestrate/hook-responders.ts lists them for `braid hook`.
 */
export type HookResponder = (
  task: Task,
  event: string,
  payload: HookPayload,
  ctx: ResponderContext,
) => string | null;

/** Events whose hook output may carry hookSpecificOutput.additionalContext (claude-code-facts.md). */
export const CONTEXT_EVENTS: readonly string[] = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'Stop',
  'SubagentStart',
  'SubagentStop',
];

/** Claude Code caps hook strings at 10,000 characters. */
export const MAX_CONTEXT_CHARS = 10_000;
