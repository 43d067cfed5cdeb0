import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { agentBudgetEndOfLog } from '../../core/budget.js';
import type { HookEventData } from '../../core/events.js';
import { targetOf } from '../../core/refusals.js';
import {
  type HookEvent,
  isHookEvent,
  nextStatus,
  type StatusChange,
  type StatusSignal,
} from '../../core/status.js';
import { LIVE_STATUSES, type Task } from '../../core/task.js';
import { parseLimit, UNKNOWN_RESET_MS } from '../../core/usage-limit.js';
import type { Store } from '../../store/db.js';
import { appendEvent } from '../../store/events.js';
import { findTaskByPath, getTask, updateTask } from '../../store/tasks.js';
import type { HookPayload } from './hook-responders.js';

/** One hook event as the store applies it, straight from `braid hook` or from the spool. */
export interface HookRecordInput {
  event: string;
  /** BRAID_TASK of the hook's environment ('' or null: find the task by `dir`). */
  task: string | null;
  /** The folder the hook ran in (the payload's cwd when it exists). */
  dir: string;
  payload: HookPayload;
  /** When the hook received it; a spooled event keeps its own time. Default: now. */
  at?: number;
}

export interface HookRecordResult {
  task: Task;
  change: StatusChange | null;
}

/** Records the event and its status change; call inside a store transaction. Null: no such task. */
export function recordHookEvent(store: Store, input: HookRecordInput): HookRecordResult | null {
  const byEnv = input.task ? getTask(store, input.task) : null;
  const task = byEnv ?? findTaskByPath(store, input.dir);
  if (!task) return null;
  const at = input.at ?? Date.now();
  const { event, payload } = input;
  appendEvent(store, task.name, 'hook.received', eventData(event, payload), at);
  // A spooled event that arrives after a newer hook already set the status is history, not status.
  const stale = input.at !== undefined && task.statusSource === 'hook' && task.statusSince > at;
  // Nobody can answer a headless run's permission prompt: it is a refusal, not a wait for the user.
  const refusal = task.runtime === 'headless' && asksPermission(event, payload);
  if (refusal) {
    const denial = { tool: str(payload.tool_name) ?? 'a tool', target: targetOf(payload.tool_input) };
    appendEvent(store, task.name, 'agent.permission-denied', { denials: [denial], source: 'hook' }, at);
  }
  // A turn that failed on a usage or rate limit: when it resets (an unknown reset is retried a bit later).
  const limit = event === 'StopFailure' ? parseLimit(failureText(payload), at) : null;
  const limitResetAt = limit ? (limit.resetAt ?? at + UNKNOWN_RESET_MS) : null;
  // A headless run ending itself at its dollar limit prints its result first: paused, not told as exited.
  const budgetEnd = event === 'SessionEnd' && !stale ? headlessBudgetEnd(task) : null;
  const change: StatusChange | null = budgetEnd
    ? { status: budgetEnd.status, source: 'process', detail: budgetEnd.detail }
    : isHookEvent(event) && !stale && !refusal
      ? nextStatus(
          { status: task.status, source: task.statusSource, detail: task.statusDetail },
          hookSignal(event, payload, limitResetAt),
        )
      : null;
  const patch: Partial<Task> = {};
  if (change) {
    Object.assign(patch, { status: change.status, statusSource: change.source, statusDetail: change.detail });
    if (change.status !== task.status) patch.statusSince = at;
  }
  const sessionId = str(payload.session_id);
  const transcript = str(payload.transcript_path);
  if (sessionId && sessionId !== task.agentSessionId) patch.agentSessionId = sessionId;
  if (transcript && transcript !== task.transcriptPath) patch.transcriptPath = transcript;
  // A fresh session writes a new transcript: keep the earlier ones, their tokens were spent too.
  if (transcript && !task.transcriptPaths.includes(transcript))
    patch.transcriptPaths = [...task.transcriptPaths, transcript];
  // The reset time travels with the task: the supervisor resumes it then, and holds new starts of its agent.
  const hit = change?.status === 'limited' && task.status !== 'limited' ? limitResetAt : null;
  if (hit) patch.options = { ...task.options, limit: { resetAt: hit, hitAt: at } };
  if (Object.keys(patch).length) updateTask(store, task.name, patch);
  if (hit)
    appendEvent(store, task.name, 'limit.hit', { resetAt: hit, agent: task.agent, source: 'hook' }, at);
  if (change && (change.status !== task.status || change.detail !== task.statusDetail)) {
    appendEvent(
      store,
      task.name,
      'status.changed',
      { from: task.status, to: change.status, source: change.source, detail: change.detail },
      at,
    );
  }
  return { task, change };
}

/** The last 64 KiB of a headless session's stream-json log hold its final result. */
const LOG_TAIL_BYTES = 65_536;

function headlessBudgetEnd(task: Task): ReturnType<typeof agentBudgetEndOfLog> {
  if (task.runtime !== 'headless' || !task.logPath || !LIVE_STATUSES.includes(task.status)) return null;
  let fd: number | null = null;
  try {
    fd = openSync(task.logPath, 'r');
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, LOG_TAIL_BYTES));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return agentBudgetEndOfLog(buf.toString('utf8'));
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function asksPermission(event: string, p: HookPayload): boolean {
  return (
    event === 'PermissionRequest' || (event === 'Notification' && p.notification_type === 'permission_prompt')
  );
}

/** Just the payload fields recording reads, so a spooled event stays small and comes out the same. */
export function payloadToRecord(p: HookPayload): HookPayload {
  const input = (p.tool_input ?? {}) as Record<string, unknown>;
  const slim: Record<string, unknown> = {
    session_id: str(p.session_id),
    transcript_path: str(p.transcript_path),
    cwd: str(p.cwd),
    tool_name: str(p.tool_name),
    tool_input: {
      file_path: str(input.file_path),
      notebook_path: str(input.notebook_path),
      command: str(input.command)?.slice(0, COMMAND_CHARS),
    },
    message: str(p.message),
    notification_type: str(p.notification_type),
    reason: str(p.reason),
    error: str(p.error),
    error_details: str(p.error_details)?.slice(0, LAST_MESSAGE_CHARS),
    source: str(p.source),
    // One character over the clip length: clipping the slice gives what clipping the whole gives.
    prompt: str(p.prompt)?.slice(0, PROMPT_CHARS + 1),
    last_assistant_message: str(p.last_assistant_message)?.slice(0, LAST_MESSAGE_CHARS + 1),
  };
  for (const k of Object.keys(slim)) if (slim[k] == null) delete slim[k];
  return slim as HookPayload;
}

const PROMPT_CHARS = 500;
const COMMAND_CHARS = 200;
const LAST_MESSAGE_CHARS = 1000;

function hookSignal(event: HookEvent, p: HookPayload, limitResetAt: number | null): StatusSignal {
  return {
    ...(limitResetAt !== null ? { limitResetAt } : {}),
    kind: 'hook',
    event,
    message: str(p.message),
    notificationType: str(p.notification_type),
    reason: str(p.reason) ?? str(p.error),
    source: str(p.source),
    toolName: str(p.tool_name),
  };
}

/** The event row keeps what status, radar and the log need, not whole tool inputs. */
function eventData(event: string, p: HookPayload): HookEventData {
  const input = (p.tool_input ?? {}) as Record<string, unknown>;
  const fields = {
    sessionId: str(p.session_id),
    tool: str(p.tool_name),
    file: str(input.file_path) ?? str(input.notebook_path),
    message: str(p.message),
    notificationType: str(p.notification_type),
    reason: str(p.reason) ?? str(p.error),
    source: str(p.source),
    prompt: clip(str(p.prompt), PROMPT_CHARS),
    lastMessage: clip(str(p.last_assistant_message), LAST_MESSAGE_CHARS),
  };
  const data: HookEventData = { event };
  for (const [k, v] of Object.entries(fields)) if (v != null) data[k as keyof typeof fields] = v;
  return data;
}

/**
 * What a StopFailure says: Claude Code 2.1 gives a kind in `error` (`rate_limit`) and the words the user
 * saw, with the reset time, only in `last_assistant_message` ("You've hit your session limit · resets …").
 */
function failureText(p: HookPayload): string | null {
  const parts = [str(p.error) ?? str(p.reason), str(p.error_details), str(p.last_assistant_message)];
  return parts.filter(Boolean).join(' · ') || null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function clip(s: string | null, n: number): string | null {
  return s && s.length > n ? `${s.slice(0, n)}…` : s;
}
