import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { agentBudgetEndOfLog } from '../../core/budget.js';
import { refusalDetail } from '../../core/refusals.js';
import { nextStatus, type StatusSignal } from '../../core/status.js';
import { parseStreamJsonLog } from '../../core/stream-json.js';
import { LIVE_STATUSES, type Task, type TaskStatus } from '../../core/task.js';
import { limitDetail, parseLimit, UNKNOWN_RESET_MS } from '../../core/usage-limit.js';
import { descendantsOf } from '../../exec/proc.js';
import { readRef } from '../../git/refs.js';
import { worktreeChanges } from '../../git/snapshot.js';
import type { Project } from '../../project/project.js';
import { appendEvent } from '../../store/events.js';
import { getTask, listTasks, mergeTaskOptions, reviveInProgress, updateTask } from '../../store/tasks.js';
import { getAgent } from '../agents/registry.js';
import type { AgentAdapter } from '../agents/types.js';
import { backendOf } from '../runtime/backend.js';
import type { SessionBackend, SessionHandle, StateHint } from '../runtime/types.js';
import { handleOf, paneHint, sessionPaths } from './reach.js';

/** A hooks agent silent this long after its start gets a note in its status detail. */
const SILENT_HOOKS_MS = 20_000;

/** What braid last saw on a screen-watched session (kept in task options between refreshes). */
interface ScreenMemo {
  hash: string;
  /** When the screen last changed (ms since epoch). */
  changedAt: number;
  /** When braid last captured it (ms since epoch). */
  capturedAt?: number;
}

/**
 * Brings one task's status up to date from the sources braid polls: process liveness (and exit code),
 * then, for agents without hooks, the screen. Hook-derived statuses are left alone while the process lives.
 */
export async function refreshTaskStatus(
  project: Project,
  name: string,
  now = Date.now(),
  hint: StateHint = {},
): Promise<Task | null> {
  return (await refreshTaskStatusReading(project, name, now, hint)).task;
}

/** What a refresh found: the task after it, and whether its runtime was asked and said the session ended. */
export interface RefreshReading {
  task: Task | null;
  runtimeSaidEnded: boolean;
}

/** refreshTaskStatus, also telling whether the runtime itself reported the session over (not just a dead pid). */
export async function refreshTaskStatusReading(
  project: Project,
  name: string,
  now = Date.now(),
  hint: StateHint = {},
): Promise<RefreshReading> {
  const task = getTask(project.store, name);
  if (!task) return { task: null, runtimeSaidEnded: false };
  // Being brought back: its handle is still the dead session's until the reviver has started the new one.
  if (task.status === 'starting' && reviveInProgress(project.store, name))
    return { task, runtimeSaidEnded: false };
  const handle = handleOf(task);
  if (!handle || !(LIVE_STATUSES.includes(task.status) || endedByHook(task)))
    return { task, runtimeSaidEnded: false };
  const runtime = backendOf(handle);
  const state = await runtime.status(handle, sessionPaths(project, name).exitPath, hint);
  if (state.alive && !LIVE_STATUSES.includes(task.status)) return { task, runtimeSaidEnded: false };
  if (!state.alive) {
    if (task.exitCode !== state.exitCode) updateTask(project.store, name, { exitCode: state.exitCode });
    const log = handle.runtime === 'headless' ? readLog(task) : null;
    // Read before the exit is applied: a run that stopped at its budget is paused, one stopped by a usage
    // limit is limited; neither is told as failed first (a notification would say so).
    if (log !== null && endedByItsLog(project, task, log, state.exitCode))
      return { task: getTask(project.store, name), runtimeSaidEnded: true };
    applySignal(project, name, { kind: 'process', alive: false, exitCode: state.exitCode });
    if (log !== null) await explainHeadlessEnd(project, name, log);
    return { task: getTask(project.store, name), runtimeSaidEnded: true };
  }
  const agent = agentOf(project, task);
  // Whether anything below may have written the task (a quiet screen, the usual case, writes nothing).
  let wrote = false;
  if (agent?.statusFile && state.pid) {
    readAgentFile(project, name, agent, state.pid);
    wrote = true;
  }
  if (agent?.statusMode === 'screen')
    wrote = (await readScreen(project, task, runtime, handle, agent, now, state.activityAt ?? null)) || wrote;
  if (agent?.statusMode === 'hooks') {
    noticeSilentHooks(project, name, now);
    wrote = true;
  }
  if (agent?.statusMode === 'process' && task.status === 'starting') {
    applySignal(project, name, { kind: 'process', alive: true, exitCode: null, isTheWork: true });
    wrote = true;
  }
  return { task: wrote ? getTask(project.store, name) : task, runtimeSaidEnded: false };
}

/** Refreshes every task with a live session, side by side. */
export async function refreshAllSessions(project: Project): Promise<void> {
  const live = listTasks(project.store).filter(
    (t) => handleOf(t) && (LIVE_STATUSES.includes(t.status) || endedByHook(t)),
  );
  // One look at tmux (or none: live panes are answered from their logs) for all of them.
  const hint = await paneHint(project, live, false).catch(() => ({}));
  await Promise.all(live.map((t) => refreshTaskStatus(project, t.name, Date.now(), hint).catch(() => null)));
}

/** A headless run's stream-json log, or null when it has none (yet). */
function readLog(task: Task): string | null {
  if (!task.logPath) return null;
  try {
    return readFileSync(task.logPath, 'utf8');
  } catch {
    return null;
  }
}

/**
 * A headless Claude run says in its final stream-json `result` why it failed (e.g. error_max_budget_usd)
 * and which tool uses it was refused: refusals are recorded, and a run that was refused and changed
 * nothing has failed, whatever its exit code.
 */
async function explainHeadlessEnd(project: Project, name: string, log: string): Promise<void> {
  const task = getTask(project.store, name);
  if (!task || !['failed', 'exited'].includes(task.status)) return;
  const outcome = parseStreamJsonLog(log);
  if (!outcome.finished) return;
  const store = project.store;
  if (outcome.denials.length) {
    const nothing = !(await changedAnything(project, task));
    appendEvent(store, name, 'agent.permission-denied', {
      denials: outcome.denials,
      changedNothing: nothing,
    });
    const detail = refusalDetail(outcome.denials, nothing);
    if (nothing && task.status === 'exited') setProcessStatus(store, task, 'failed', detail);
    else updateTask(store, name, { statusDetail: detail });
    return;
  }
  if (task.status !== 'failed' || !outcome.isError || !outcome.subtype) return;
  const detail = `${task.statusDetail ?? 'failed'}: the agent reported ${outcome.subtype}`;
  if (!task.statusDetail?.includes(outcome.subtype)) updateTask(store, name, { statusDetail: detail });
}

const openForItsEnd = (t: Task) => LIVE_STATUSES.includes(t.status) || endedByHook(t);

/**
 * A headless run whose log says it ended at its --max-budget-usd (`paused`: the budget watch keeps its
 * work) or at a usage limit (`limited`: it resumes at the reset) gets that status straight from the
 * running one. Returns whether it did.
 */
function endedByItsLog(project: Project, task: Task, log: string, exitCode: number | null): boolean {
  if (!openForItsEnd(task)) return false;
  const budget = agentBudgetEndOfLog(log);
  const limit = budget ? null : limitAtEnd(task, log, exitCode);
  if (!budget && !limit) return false;
  const store = project.store;
  return store.tx(() => {
    const now = getTask(store, task.name);
    if (!now || !openForItsEnd(now)) return false;
    if (budget) setProcessStatus(store, now, budget.status, budget.detail);
    else if (limit) {
      const hitAt = Date.now();
      setProcessStatus(store, now, 'limited', limitDetail(limit.resetAt), {
        options: { ...now.options, limit: { resetAt: limit.resetAt, hitAt } },
      });
      appendEvent(store, now.name, 'limit.hit', {
        resetAt: limit.resetAt,
        agent: now.agent,
        source: 'result',
      });
    }
    return true;
  });
}

/** The usage limit a run that failed (its exit would say so) reported in its final `result`, if any. */
function limitAtEnd(task: Task, log: string, exitCode: number | null): { resetAt: number } | null {
  const current = { status: task.status, source: task.statusSource, detail: task.statusDetail };
  if (nextStatus(current, { kind: 'process', alive: false, exitCode })?.status !== 'failed') return null;
  const outcome = parseStreamJsonLog(log);
  // A refused run is explained by its refusals, not by the words of its result.
  if (!outcome.finished || !outcome.isError || outcome.denials.length) return null;
  const now = Date.now();
  const limit = parseLimit(outcome.resultText, now);
  if (!limit) return null;
  // The rate_limit_event's reset is to the second; the result's words only to the minute.
  return { resetAt: outcome.limitResetsAt ?? limit.resetAt ?? now + UNKNOWN_RESET_MS };
}

/** The task's status as its process's end says, recorded with its change event (the one writer of both). */
export function setProcessStatus(
  store: Project['store'],
  task: Task,
  to: TaskStatus,
  detail: string,
  patch: Partial<Omit<Task, 'name'>> = {},
): void {
  updateTask(store, task.name, { status: to, statusSource: 'process', statusDetail: detail, ...patch });
  appendEvent(store, task.name, 'status.changed', { from: task.status, to, source: 'process', detail });
}

/** Commits on the task's branch since its base, or edits in its worktree. */
async function changedAnything(project: Project, task: Task): Promise<boolean> {
  const tip = await readRef(project.repo.root, `refs/heads/${task.branch}`).catch(() => null);
  if (tip && tip !== task.baseCommit) return true;
  if (!existsSync(task.worktree)) return false;
  return (await worktreeChanges(task.worktree).catch(() => [])).length > 0;
}

/** SessionEnd arrives before the process is gone: its exit code is still to be read. */
function endedByHook(task: Task): boolean {
  return (task.status === 'exited' || task.status === 'failed') && task.statusSource === 'hook';
}

function agentOf(project: Project, task: Task): AgentAdapter | null {
  try {
    return getAgent(task.agent, project.config);
  } catch {
    return null;
  }
}

/** The agent's own status file, when written after braid's last status change (it covers interrupts). */
function readAgentFile(project: Project, name: string, agent: AgentAdapter, pid: number): void {
  if (!agent.statusFile) return;
  // The pane's own process is braid's exit recorder (or a sandbox): the agent is below it.
  let file = null;
  for (const p of descendantsOf(pid)) {
    file = agent.statusFile(p);
    if (file) break;
  }
  if (!file) return;
  const signal: StatusSignal = { kind: 'agent-file', state: file.state, waitingFor: file.waitingFor };
  applySignal(project, name, signal, { newerThanStatus: file.writtenAt });
}

/** A hooks agent that never reported is most likely held at a dialog (Claude Code: workspace trust). */
function noticeSilentHooks(project: Project, name: string, now: number): void {
  const task = getTask(project.store, name);
  if (task?.status !== 'starting' || task.statusSource !== 'process' || task.statusDetail) return;
  if (now - task.statusSince < SILENT_HOOKS_MS) return;
  const detail = `no hook events yet: the agent may be waiting at a dialog (e.g. trusting the folder); see braid attach ${task.name}`;
  updateTask(project.store, task.name, { statusDetail: detail });
}

/**
 * Screen source: a changed pane means working, one unchanged for the agent's idle time means idle.
 * Returns whether it may have written the task.
 */
async function readScreen(
  project: Project,
  task: Task,
  runtime: SessionBackend,
  handle: SessionHandle,
  agent: AgentAdapter,
  now: number,
  activityAt: number | null,
): Promise<boolean> {
  const memo = task.options.screen as ScreenMemo | undefined;
  const screenIdleAfterMs = agent.screenIdleMs;
  // No output since the second of the last capture: the screen is as it was (tmux counts whole seconds).
  const quiet =
    memo?.capturedAt !== undefined && activityAt !== null && activityAt < Math.floor(memo.capturedAt / 1000);
  if (quiet) {
    const signal: StatusSignal = { kind: 'screen', changing: false, stableForMs: now - memo.changedAt };
    // An idle screen staying idle, every pass: decided on the task just read, without a transaction.
    const current = { status: task.status, source: task.statusSource, detail: task.statusDetail };
    if (!nextStatus(current, signal, { screenIdleAfterMs })) return false;
    applySignal(project, task.name, signal, { screenIdleAfterMs });
    return true;
  }
  const text = await runtime.logs(handle).catch(() => null);
  if (text === null) return false;
  // Trailing blank lines come and go with the pane's size: they are not activity.
  const hash = createHash('sha1').update(text.replace(/\s+$/, '')).digest('hex');
  const changing = !memo || memo.hash !== hash;
  const changedAt = changing ? now : memo.changedAt;
  // capturedAt is on tmux's clock (the real one), whatever `now` a caller passes.
  if (changing || activityAt !== null)
    mergeTaskOptions(project.store, task.name, { screen: { hash, changedAt, capturedAt: Date.now() } });
  const signal: StatusSignal = { kind: 'screen', changing, stableForMs: now - changedAt };
  applySignal(project, task.name, signal, { screenIdleAfterMs });
  return true;
}

interface ApplyOptions {
  screenIdleAfterMs?: number;
  /** Ignore the signal unless it is newer than the task's current status (ms since epoch). */
  newerThanStatus?: number;
}

/** Applies one status signal through the state machine, recording the change as an event. */
function applySignal(project: Project, name: string, signal: StatusSignal, opts: ApplyOptions = {}): void {
  const { store } = project;
  // Read and write in one transaction: a hook landing meanwhile must not be overwritten by an older view.
  store.tx(() => {
    const task = getTask(store, name);
    if (!task) return;
    if (opts.newerThanStatus !== undefined && opts.newerThanStatus <= task.statusSince) return;
    const current = { status: task.status, source: task.statusSource, detail: task.statusDetail };
    const change = nextStatus(current, signal, { screenIdleAfterMs: opts.screenIdleAfterMs });
    if (!change) return;
    const patch = { status: change.status, statusSource: change.source, statusDetail: change.detail };
    updateTask(store, name, patch);
    if (change.status === task.status && change.detail === task.statusDetail) return;
    const { source, detail } = change;
    appendEvent(store, name, 'status.changed', { from: task.status, to: change.status, source, detail });
  });
}
