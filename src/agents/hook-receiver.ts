import { appendFileSync, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  type HookEvent,
  isHookEvent,
  nextStatus,
  type StatusChange,
  type StatusSignal,
} from '../core/status.js';
import type { Task } from '../core/task.js';
import { run } from '../exec/run.js';
import { openStore, type Store, storePath } from '../store/db.js';
import { appendEvent, findTaskByPath, getTask, updateTask } from '../store/tasks.js';
import {
  CONTEXT_EVENTS,
  HOOK_RESPONDERS,
  type HookPayload,
  type HookResponder,
  MAX_CONTEXT_CHARS,
} from './hook-responders.js';

/** A hook must never stall the agent: wait this long for a busy store, then give up (and log). */
const HOOK_BUSY_TIMEOUT_MS = 3_000;

export interface HookInput {
  event: string;
  /** The raw stdin text (JSON payload; anything else is treated as an empty payload). */
  stdin: string;
  env: NodeJS.ProcessEnv;
  /** Where the hook process runs; the payload's cwd wins when it exists. */
  cwd: string;
}

export interface HookOutcome {
  task: string | null;
  change: StatusChange | null;
  /** What to print on stdout for the agent (hook JSON output), or null. */
  output: string | null;
  error: string | null;
  /** The repository's git common dir, when the event was recorded. */
  commonDir?: string;
}

/** Records one hook event and its status change. Never throws: failures go to <commonDir>/braid/hook-errors.log. */
export async function receiveHook(
  input: HookInput,
  responders: readonly HookResponder[] = HOOK_RESPONDERS,
): Promise<HookOutcome> {
  const payload = parsePayload(input.stdin);
  const dir = existingDir(payload.cwd) ?? input.cwd;
  let commonDir: string | null = null;
  let store: Store | null = null;
  try {
    commonDir = await findCommonDir(dir);
    if (!commonDir) return skip(null, `not inside a git repository: ${dir}`);
    // Not a braid repository: leave no trace in it.
    if (!existsSync(storePath(commonDir))) return skip(null, `no braid state in ${commonDir}`);
    store = openStore(commonDir, { busyTimeoutMs: HOOK_BUSY_TIMEOUT_MS });
    const s = store;
    const recorded = s.tx(() => record(s, input, payload, dir));
    if (!recorded) return skip(commonDir, `no task for BRAID_TASK=${input.env.BRAID_TASK ?? ''} or ${dir}`);
    const output = respond(recorded.task, input.event, payload, responders, s, commonDir);
    return { task: recorded.task.name, change: recorded.change, output, error: null, commonDir };
  } catch (err) {
    return skip(commonDir, (err as Error)?.stack ?? String(err));
  } finally {
    store?.close();
  }

  function skip(where: string | null, why: string): HookOutcome {
    logHookError(where, input.event, why);
    return { task: null, change: null, output: null, error: why };
  }
}

function record(
  store: Store,
  input: HookInput,
  payload: HookPayload,
  dir: string,
): { task: Task; change: StatusChange | null } | null {
  const db = store.db;
  const byEnv = input.env.BRAID_TASK ? getTask(db, input.env.BRAID_TASK) : null;
  const task = byEnv ?? findTaskByPath(db, dir);
  if (!task) return null;
  appendEvent(db, task.name, 'hook', eventData(input.event, payload));
  const change = isHookEvent(input.event)
    ? nextStatus(
        { status: task.status, source: task.statusSource, detail: task.statusDetail },
        hookSignal(input.event, payload),
      )
    : null;
  const patch: Partial<Task> = {};
  if (change)
    Object.assign(patch, { status: change.status, statusSource: change.source, statusDetail: change.detail });
  const sessionId = str(payload.session_id);
  const transcript = str(payload.transcript_path);
  if (sessionId && sessionId !== task.agentSessionId) patch.agentSessionId = sessionId;
  if (transcript && transcript !== task.transcriptPath) patch.transcriptPath = transcript;
  if (Object.keys(patch).length) updateTask(db, task.name, patch);
  if (change && (change.status !== task.status || change.detail !== task.statusDetail)) {
    appendEvent(db, task.name, 'status', {
      from: task.status,
      to: change.status,
      source: change.source,
      detail: change.detail,
    });
  }
  return { task, change };
}

function hookSignal(event: HookEvent, p: HookPayload): StatusSignal {
  return {
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
function eventData(event: string, p: HookPayload): Record<string, unknown> {
  const input = (p.tool_input ?? {}) as Record<string, unknown>;
  const data: Record<string, unknown> = {
    event,
    sessionId: str(p.session_id),
    tool: str(p.tool_name),
    file: str(input.file_path) ?? str(input.notebook_path),
    message: str(p.message),
    notificationType: str(p.notification_type),
    reason: str(p.reason) ?? str(p.error),
    source: str(p.source),
    prompt: clip(str(p.prompt), 500),
    lastMessage: clip(str(p.last_assistant_message), 1000),
  };
  for (const k of Object.keys(data)) if (data[k] == null) delete data[k];
  return data;
}

function respond(
  task: Task,
  event: string,
  payload: HookPayload,
  responders: readonly HookResponder[],
  store: Store,
  commonDir: string,
): string | null {
  if (!CONTEXT_EVENTS.includes(event) || responders.length === 0) return null;
  const texts: string[] = [];
  for (const responder of responders) {
    try {
      const text = responder(task, event, payload, { db: store.db, store, commonDir });
      if (text) texts.push(text);
    } catch (err) {
      logHookError(commonDir, event, `responder failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
  if (texts.length === 0) return null;
  const additionalContext = texts.join('\n\n').slice(0, MAX_CONTEXT_CHARS);
  return JSON.stringify({ hookSpecificOutput: { hookEventName: event, additionalContext } });
}

async function findCommonDir(cwd: string): Promise<string | null> {
  const res = await run('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd,
    timeoutMs: 2_000,
    allowFailure: true,
  });
  const dir = res.code === 0 ? res.stdout.trim() : '';
  return dir ? realpathSync(dir) : null;
}

export function logHookError(commonDir: string | null, event: string, message: string): void {
  const line = `${new Date().toISOString()} pid=${process.pid} ${event}: ${message.replace(/\n/g, '\n  ')}\n`;
  try {
    if (!commonDir) throw new Error('no repository');
    const dir = path.join(commonDir, 'braid');
    mkdirSync(dir, { recursive: true });
    appendFileSync(path.join(dir, 'hook-errors.log'), line);
  } catch {
    process.stderr.write(`braid hook: ${line}`);
  }
}

function parsePayload(text: string): HookPayload {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as HookPayload) : {};
  } catch {
    return {};
  }
}

function existingDir(p: unknown): string | null {
  if (typeof p !== 'string' || !path.isAbsolute(p)) return null;
  try {
    return statSync(p).isDirectory() ? realpathSync(p) : null;
  } catch {
    return null;
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function clip(s: string | null, n: number): string | null {
  return s && s.length > n ? `${s.slice(0, n)}…` : s;
}
