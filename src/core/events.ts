/**
 * The one event union: every kind the store's event log records, named `<area>.<what>`, with its data.
 * Writers go through `appendEvent` (src/store/events.ts), typed against this map; readers get
 * `BraidEvent`, narrowed by `kind`.
 */
import type { PlanTaskState } from './plan.js';
import type { PermissionDenial } from './refusals.js';
import type { RuntimeKind, StatusSource, TaskStatus } from './task.js';

/** What a hook event row keeps: what status, the radar and the log need, not whole tool inputs. */
export interface HookEventData {
  /** The agent's hook event name (`PostToolUse`, `Stop`, …). */
  event: string;
  sessionId?: string;
  tool?: string;
  file?: string;
  message?: string;
  notificationType?: string;
  reason?: string;
  source?: string;
  prompt?: string;
  lastMessage?: string;
}

type Empty = Record<string, never>;

/** Every kind and the shape of its data. Add kinds; never rename one (the migration renames stored rows). */
export interface EventDataByKind {
  /** An agent hook was received (`braid hook`, or applied later from the spool). */
  'hook.received': HookEventData;
  /** A task's status changed (hook, process liveness, screen, or a refused run that changed nothing). */
  'status.changed': { from: TaskStatus; to: TaskStatus; source: StatusSource; detail: string | null };
  /** An agent session started (fresh, resumed, a hand-back). */
  'session.started': {
    runtime: RuntimeKind;
    /** Absent in events from before backends: local. */
    backend?: 'local' | 'container' | 'kubernetes';
    argv0: string;
    resume: boolean;
    permissions: string | null;
  };
  /** A session that died with the machine or the tmux server started again (`braid up`, the supervisor). */
  'session.revived': { resume: boolean; runtime: RuntimeKind };
  'session.revive-failed': { reason: string };
  /** A session that ran on elsewhere (its pod) while its watcher here died with the machine got a new watcher. */
  'session.reattached': { pod: string | null; pid: number | null };
  /** Something about how the session is confined (cgroup limits unavailable…). */
  'session.confine-note': { note: string };
  /** Tool uses the agent was refused: from a run's final result, or a permission prompt nobody could answer. */
  'agent.permission-denied': { denials: PermissionDenial[]; source?: 'hook'; changedNothing?: boolean };
  /** The agent hit its usage or rate limit (a StopFailure hook, or a headless run's result): it resumes at `resetAt`. */
  'limit.hit': { resetAt: number; agent: string; source: 'hook' | 'result' };
  /** A start of a limited agent waits for the reset (braid new, a plan). */
  'limit.start-held': { resetAt: number; agent: string };
  /** The reset came: the session resumed (typed into, or started again with --resume) or started. */
  'limit.resumed': { resume: boolean; typed: boolean };
  'budget.warned': { reason: string };
  /** `braid budget <task> <usd>` raised the task's limit (a paused task resumes). */
  'budget.raised': { taskUsd: number; resumed: boolean };
  /** Marked before the (slow) stop, so another watcher does not stop the session a second time. */
  'budget.stopping': { reason: string; wholeRun: boolean };
  'budget.stopped': {
    reason: string;
    committed: boolean;
    wholeRun?: boolean;
    /** Headless Claude Code ended itself at its --max-budget-usd. */
    byAgent?: boolean;
    /** Where the work was kept. */
    worktree?: string;
  };
  'plan.task-started': { runId: string };
  /** The task's state in the run changed (what the run's progress prints). */
  'plan.task-state': { runId: string; state: PlanTaskState | 'stopped'; commit?: string; detail?: string };
  'plan.task-adopted': { runId: string; status: TaskStatus };
  /** A session that died with the machine started again. */
  'plan.task-revived': { runId: string; resume: boolean };
  'plan.task-revive-failed': { runId: string; reason: string };
  'plan.task-start-failed': { runId: string; reason: string };
  'plan.task-skipped': { runId: string; reason: string };
  'plan.task-rejected': { runId: string; reason: string };
  'plan.task-handed-back': { runId: string; files: string[] };
  /** The run sent these tasks to the merge queue (task: null). */
  'plan.landing': { runId: string; tasks: string[] };
  /** The run was interrupted; it waits for the landing under way (task: null). */
  'plan.interrupted': { runId: string; landing: string[] };
  'land.queued': { entry: number };
  'land.landed': { commit: string; mainBefore: string; batch?: number; gated?: 'own' | 'batch' };
  /** Queued tasks gated as one candidate from here on (task: null); the event's id names the batch. */
  'land.batch-started': { tasks: string[]; size: number };
  /** How a landing turned out (task: null): `batch` is the started event's id, absent for one change gated alone. */
  'land.batch': {
    batch?: number;
    tasks: string[];
    size: number;
    green: boolean;
    landed: number;
    runs: number;
  };
  /** One gate run (task: the change whose candidate or prefix it gated; `prefix` within a batch, 0 = main alone). */
  'land.gate-run': {
    commit: string;
    tree: string;
    passed: boolean;
    seconds: number;
    log: string | null;
    batch?: number;
    prefix?: number;
    slot?: number;
    /** An alternative candidate's run: the batch's tasks it leaves out (the suspect and its lane). */
    without?: string[];
  };
  /** A gate run that failed, then passed on the same tree: flaky, not held against the change. */
  'land.gate-flaky': { commit: string; tree: string; log: string | null; tail: string[]; batch?: number };
  'land.rejected': { reason: string };
  'land.conflict': { files: string[]; after?: 'hand-back' };
  'land.handed-back': { files: string[] };
  'land.typed-into-session': Empty;
  'land.handback-waiting': { runtime: RuntimeKind };
  'land.resolver-started': { resume: boolean; waited?: boolean };
  'land.committed-uncommitted': Empty;
  /** The base branch moved by a landing (task: null; `task` in the data is who landed). */
  'main.moved': { branch: string; from: string; to: string; task: string };
  /** A detached radar rescan finished; `coveredEdit` is the newest edit event it is known to include. */
  'radar.rescanned': { scans: number; startedAt: number; endedAt: number; coveredEdit: number };
}

export type EventKind = keyof EventDataByKind;

type AnyEvent = {
  [P in EventKind]: { id: number; at: number; task: string | null; kind: P; data: EventDataByKind[P] };
}[EventKind];

/** One stored event, narrowed by `kind`. */
export type BraidEvent<K extends EventKind = EventKind> = Extract<AnyEvent, { kind: K }>;

const KIND_LIST: { [K in EventKind]: true } = {
  'hook.received': true,
  'status.changed': true,
  'session.started': true,
  'session.revived': true,
  'session.revive-failed': true,
  'session.reattached': true,
  'session.confine-note': true,
  'agent.permission-denied': true,
  'limit.hit': true,
  'limit.start-held': true,
  'limit.resumed': true,
  'budget.warned': true,
  'budget.raised': true,
  'budget.stopping': true,
  'budget.stopped': true,
  'plan.task-started': true,
  'plan.task-state': true,
  'plan.task-adopted': true,
  'plan.task-revived': true,
  'plan.task-revive-failed': true,
  'plan.task-start-failed': true,
  'plan.task-skipped': true,
  'plan.task-rejected': true,
  'plan.task-handed-back': true,
  'plan.landing': true,
  'plan.interrupted': true,
  'land.queued': true,
  'land.landed': true,
  'land.batch-started': true,
  'land.batch': true,
  'land.gate-run': true,
  'land.gate-flaky': true,
  'land.rejected': true,
  'land.conflict': true,
  'land.handed-back': true,
  'land.typed-into-session': true,
  'land.handback-waiting': true,
  'land.resolver-started': true,
  'land.committed-uncommitted': true,
  'main.moved': true,
  'radar.rescanned': true,
};

/** Every kind of the union, in the order above. */
export const EVENT_KINDS = Object.keys(KIND_LIST) as EventKind[];

export function isEventKind(kind: string): kind is EventKind {
  return Object.hasOwn(KIND_LIST, kind);
}

/**
 * Names earlier braids wrote, and what they are now. Store schema 8 renamed the stored rows; readers
 * also map them, for rows an older process still running after an upgrade writes.
 */
export const LEGACY_EVENT_KINDS: Readonly<Record<string, EventKind>> = {
  hook: 'hook.received',
  status: 'status.changed',
  'session-started': 'session.started',
  'budget-warning': 'budget.warned',
  'budget-stopping': 'budget.stopping',
  'budget-stopped': 'budget.stopped',
  'plan-started': 'plan.task-started',
  'plan-state': 'plan.task-state',
  'plan-revived': 'plan.task-revived',
};

/** The union's name for a stored kind (an old name maps to its new one), or null when unknown. */
export function eventKindOf(stored: string): EventKind | null {
  if (isEventKind(stored)) return stored;
  return Object.hasOwn(LEGACY_EVENT_KINDS, stored) ? LEGACY_EVENT_KINDS[stored] : null;
}

/** Whether `e` is of one of `kinds` (narrows it). */
export function isKind<K extends EventKind>(e: BraidEvent, ...kinds: K[]): e is BraidEvent<K> {
  return (kinds as EventKind[]).includes(e.kind);
}
