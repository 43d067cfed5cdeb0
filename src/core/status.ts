/**
 * The session status state machine, pure:
 *   starting -> working <-> waiting (needs input) <-> idle (turn done) -> exited | failed
 * Signals come from agent hooks, process liveness, and screen activity. Trust order: hooks > process > screen.
 * A screen signal never overrides a hook-derived status; a process death always ends a live session.
 */
import type { StatusSource, TaskStatus } from './task.js';
import { limitDetail } from './usage-limit.js';

/** Claude Code's hook events that say something about a session's status. */
const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  // A tool that failed (a conflicted `git merge` that rewrote files, too) fires this, not PostToolUse.
  'PostToolUseFailure',
  // Fires the moment a permission dialog opens (Notification permission_prompt comes ~6 s later).
  'PermissionRequest',
  'Notification',
  'Stop',
  // A turn that ended in an API error (e.g. authentication_failed) fires this instead of Stop.
  'StopFailure',
  'SubagentStop',
  'SessionEnd',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** The hooks braid registers with Claude Code: all of them but SubagentStop (a subagent's end says nothing of the session). */
export const REGISTERED_HOOK_EVENTS = HOOK_EVENTS.filter((e) => e !== 'SubagentStop');

export function isHookEvent(name: string): name is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(name);
}

export type StatusSignal =
  | {
      kind: 'hook';
      event: HookEvent;
      /** Notification: the text shown to the user (e.g. "Claude needs your permission to use Bash"). */
      message?: string | null;
      /** Notification: permission_prompt, idle_prompt, elicitation_dialog, auth_success… */
      notificationType?: string | null;
      /** SessionEnd: why the session ended; StopFailure: the error. */
      reason?: string | null;
      /** SessionStart: startup | resume | clear | compact. */
      source?: string | null;
      /** PreToolUse / PermissionRequest: the tool involved. */
      toolName?: string | null;
      /** StopFailure from a usage or rate limit: when it resets (ms since epoch). */
      limitResetAt?: number;
    }
  | {
      kind: 'process';
      alive: boolean;
      exitCode: number | null;
      /** The process is the work itself (a `shell` task's command): alive means working. */
      isTheWork?: boolean;
    }
  | { kind: 'screen'; changing: boolean; stableForMs: number }
  /** The agent's own status file (Claude Code's sessions/<pid>.json): covers interrupts, which fire no hook. */
  | { kind: 'agent-file'; state: 'idle' | 'busy' | 'waiting' | 'shell'; waitingFor?: string | null };

export interface StatusState {
  status: TaskStatus;
  source: StatusSource;
  detail?: string | null;
}

export interface StatusChange {
  status: TaskStatus;
  source: StatusSource;
  /** For waiting: what the agent asks; for failed: why; otherwise a short note or null. */
  detail: string | null;
}

export interface StatusOptions {
  /** A screen quiet for this long counts as idle (screen-only agents). */
  screenIdleAfterMs?: number;
}

const SESSION_LIVE: readonly TaskStatus[] = ['starting', 'working', 'waiting', 'idle'];
const ENDED: readonly TaskStatus[] = ['exited', 'failed'];
/** Owned by the merge queue: session signals leave them alone. */
const QUEUE_OWNED: readonly TaskStatus[] = ['queued', 'landing', 'landed'];

const DEFAULT_SCREEN_IDLE_MS = 5_000;

/** The status a signal leads to from `current`, or null when nothing changes. */
export function nextStatus(
  current: StatusState,
  signal: StatusSignal,
  opts: StatusOptions = {},
): StatusChange | null {
  const target = decide(current, signal, opts);
  if (!target) return null;
  const unchanged =
    target.status === current.status &&
    target.source === current.source &&
    target.detail === (current.detail ?? null);
  return unchanged ? null : target;
}

function decide(current: StatusState, signal: StatusSignal, opts: StatusOptions): StatusChange | null {
  if (QUEUE_OWNED.includes(current.status)) return null;
  switch (signal.kind) {
    case 'hook':
      return fromHook(current, signal);
    case 'process':
      return fromProcess(current, signal);
    case 'agent-file':
      return fromAgentFile(current, signal);
    case 'screen':
      return fromScreen(current, signal, opts);
  }
}

type HookSignal = Extract<StatusSignal, { kind: 'hook' }>;

const WORK_EVENTS: readonly HookEvent[] = [
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
];

function fromHook(current: StatusState, s: HookSignal): StatusChange | null {
  const { status } = current;
  // A conflicted task only turns back into work when the agent works on it again.
  if (status === 'conflict' && !WORK_EVENTS.includes(s.event)) return null;
  if (s.event === 'SessionStart') return fromSessionStart(current, s);
  // A limited run ends (headless) or is quit: it still waits for its reset, to resume then.
  if (status === 'limited' && (s.event === 'SessionEnd' || s.event === 'Stop')) return null;
  // A session paused for its budget was stopped by braid: its last hooks do not end the task.
  if (status === 'paused') return null;
  // After the session ended only a new SessionStart revives it: late hooks from the old one are stale.
  if (ENDED.includes(status)) return null;
  const hook = (st: TaskStatus, detail: string | null = null): StatusChange => ({
    status: st,
    source: 'hook',
    detail,
  });
  switch (s.event) {
    case 'UserPromptSubmit':
    case 'PreToolUse':
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return hook('working');
    case 'PermissionRequest':
      return hook('waiting', s.toolName ? `permission to use ${s.toolName}` : 'permission needed');
    case 'Notification':
      return fromNotification(s);
    case 'Stop':
      return hook('idle');
    case 'StopFailure':
      if (s.limitResetAt !== undefined) return hook('limited', limitDetail(s.limitResetAt));
      return hook('idle', s.reason ? `turn failed: ${s.reason}` : 'turn failed');
    case 'SubagentStop':
      return null;
    case 'SessionEnd':
      return hook('exited', s.reason ?? null);
  }
}

function fromSessionStart(current: StatusState, s: HookSignal): StatusChange | null {
  const live = SESSION_LIVE.includes(current.status);
  // /compact happens mid-turn and /clear leaves an empty prompt: neither is a new session.
  if (live && s.source === 'compact') return null;
  if (live && s.source === 'clear') return { status: 'idle', source: 'hook', detail: null };
  // Not idle: a prompt given on the command line arrives as UserPromptSubmit right after.
  return { status: 'starting', source: 'hook', detail: null };
}

function fromNotification(s: HookSignal): StatusChange | null {
  const type = s.notificationType ?? guessNotificationType(s.message ?? '');
  const message = s.message?.trim() || null;
  if (type === 'permission_prompt' || type === 'elicitation_dialog') {
    return { status: 'waiting', source: 'hook', detail: message ?? 'needs input' };
  }
  if (type === 'idle_prompt') {
    // Arrives ~60 s after Stop; nextStatus drops it when already idle.
    return { status: 'idle', source: 'hook', detail: null };
  }
  return null;
}

// Older Claude Code versions send no notification_type: recognise their two messages.
function guessNotificationType(message: string): string | null {
  if (/permission/i.test(message)) return 'permission_prompt';
  if (/waiting for your input/i.test(message)) return 'idle_prompt';
  return null;
}

function fromProcess(
  current: StatusState,
  s: Extract<StatusSignal, { kind: 'process' }>,
): StatusChange | null {
  const { status } = current;
  if (s.alive) {
    // A command with no finer source works for as long as it runs.
    if (s.isTheWork)
      return status === 'provisioning' || status === 'starting'
        ? { status: 'working', source: 'process', detail: null }
        : null;
    // A launched agent is at least starting; anything finer comes from hooks or the screen.
    return status === 'provisioning' ? { status: 'starting', source: 'process', detail: null } : null;
  }
  // A limited session waits for its reset whether its process lives on or not.
  if (status === 'conflict' || status === 'limited' || status === 'paused') return null;
  if (ENDED.includes(status) && current.source === 'process') return null;
  if (s.exitCode === 0) return { status: 'exited', source: 'process', detail: null };
  // A clean SessionEnd followed by a death without a known code (e.g. tmux pane gone) stays exited.
  if (s.exitCode === null && status === 'exited' && current.source === 'hook') return null;
  const why = s.exitCode === null ? 'ended without an exit code' : `exited with code ${s.exitCode}`;
  return { status: 'failed', source: 'process', detail: why };
}

function fromAgentFile(
  current: StatusState,
  s: Extract<StatusSignal, { kind: 'agent-file' }>,
): StatusChange | null {
  if (!SESSION_LIVE.includes(current.status)) return null;
  const to: TaskStatus = s.state === 'idle' ? 'idle' : s.state === 'waiting' ? 'waiting' : 'working';
  const detail = to === 'waiting' ? (s.waitingFor ?? 'needs input') : null;
  if (to === current.status) return null;
  return { status: to, source: 'hook', detail };
}

function fromScreen(
  current: StatusState,
  s: Extract<StatusSignal, { kind: 'screen' }>,
  opts: StatusOptions,
): StatusChange | null {
  if (current.source === 'hook' || !SESSION_LIVE.includes(current.status)) return null;
  if (s.changing)
    return current.status === 'working' ? null : { status: 'working', source: 'screen', detail: null };
  const idleAfter = opts.screenIdleAfterMs ?? DEFAULT_SCREEN_IDLE_MS;
  if (s.stableForMs < idleAfter || current.status === 'idle') return null;
  return { status: 'idle', source: 'screen', detail: null };
}
