/**
 * Back after a reboot: every session that was live when the machine or the tmux server died is started
 * again in its worktree, resuming the agent's own conversation; `braid up` and the supervisor's start run it.
 */
import { lostWithHost, reviveFollowUp } from '../core/revive.js';
import { LIVE_STATUSES, type RuntimeKind, type Task, type TaskStatus } from '../core/task.js';
import type { Project } from '../project/project.js';
import { refreshSession, startSession } from '../run/session/lifecycle.js';
import { exitRecordOf, handleOf } from '../run/session/reach.js';
import { reattachSession } from '../run/session/reattach.js';
import { appendEvent, listEvents } from '../store/events.js';
import { selfHolder } from '../store/locks.js';
import { claimForRevive, getTask, listTasks, releaseReviveClaim, updateTask } from '../store/tasks.js';

interface Revived {
  name: string;
  runtime: RuntimeKind;
  resumed: boolean;
  /** The agent's session id the conversation was resumed by (null: started afresh). */
  agentSessionId: string | null;
}

/** A session whose pod still ran: only its keeper was started again. */
interface Reattached {
  name: string;
  pod: string | null;
  pid: number | null;
}

export interface ReviveReport {
  revived: Revived[];
  reattached: Reattached[];
  failed: Array<{ name: string; reason: string }>;
}

/** Whether the task's session died with the machine (read from its status, exit record and stop marker). */
function diedWithHost(project: Project, task: Task): boolean {
  if (!handleOf(task)) return false;
  const record = exitRecordOf(project, task.name);
  return lostWithHost({
    status: task.status,
    statusSource: task.statusSource,
    exitCode: task.exitCode,
    stopRequested: !!task.options.stopRequested,
    recordedExitCode: record ? record.exitCode : undefined,
  });
}

/** Brings back every such session; `only` limits it to some tasks (a plan's). */
export async function reviveLostSessions(
  project: Project,
  options: { only?: ReadonlySet<string> } = {},
): Promise<ReviveReport> {
  const report: ReviveReport = { revived: [], reattached: [], failed: [] };
  const candidates = listTasks(project.store).filter(
    (t) =>
      handleOf(t) &&
      (!options.only || options.only.has(t.name)) &&
      (LIVE_STATUSES.includes(t.status) || t.status === 'failed'),
  );
  for (const before of candidates) {
    // A status still saying "working" from before the reboot is read again first.
    const task = (await refreshSession(project, before.name).catch(() => null)) ?? before;
    if (!diedWithHost(project, task)) continue;
    const statusBefore = statusBeforeDeath(project, task);
    const prompt = reviveFollowUp(task.runtime, statusBefore);
    // Whoever claims it first (braid up, the supervisor, a plan run) starts it; the others leave it.
    const claimant = selfHolder(`revive of ${task.name}`);
    if (!claimForRevive(project.store, task.name, task.statusSince, claimant)) continue;
    const resume = !!task.agentSessionId;
    try {
      // A pod that still runs lost only its keeper: a new one, and the agent goes on undisturbed.
      const reattached = await reattachSession(project, task.name);
      if (reattached) {
        backAsBefore(project, task, statusBefore);
        report.reattached.push({ name: task.name, pod: reattached.pod ?? null, pid: reattached.pid });
        appendEvent(project.store, task.name, 'session.reattached', {
          pod: reattached.pod ?? null,
          pid: reattached.pid,
        });
        continue;
      }
      const started = await startSession(project, task.name, { resume, resumeFollowUp: prompt });
      const revived = {
        name: task.name,
        runtime: started.runtime,
        resumed: resume,
        agentSessionId: resume ? task.agentSessionId : null,
      };
      report.revived.push(revived);
      appendEvent(project.store, task.name, 'session.revived', { resume, runtime: started.runtime });
      // A plan's task says so in its run's progress, whoever brought it back.
      if (task.runId)
        appendEvent(project.store, task.name, 'plan.task-revived', { runId: task.runId, resume });
    } catch (err) {
      const reason = (err as Error).message;
      report.failed.push({ name: task.name, reason });
      // Left failed, with why: the next `braid up` tries again.
      if (getTask(project.store, task.name)?.status === 'starting')
        updateTask(project.store, task.name, {
          status: 'failed',
          statusSource: 'process',
          statusDetail: `could not bring it back: ${reason}`,
        });
      appendEvent(project.store, task.name, 'session.revive-failed', { reason });
      if (task.runId)
        appendEvent(project.store, task.name, 'plan.task-revive-failed', { runId: task.runId, reason });
    } finally {
      releaseReviveClaim(project.store, task.name, claimant);
    }
  }
  return report;
}

/** A re-attached session's status is what it was before its watcher died (the next hook corrects it). */
function backAsBefore(project: Project, task: Task, before: TaskStatus | null): void {
  const to = before && LIVE_STATUSES.includes(before) ? before : 'working';
  const detail = 'its keeper came back after a restart';
  updateTask(project.store, task.name, { status: to, statusSource: 'process', statusDetail: detail });
  appendEvent(project.store, task.name, 'status.changed', {
    from: task.status,
    to,
    source: 'process',
    detail,
  });
}

/** What the session was doing when it died: the status its last change to `failed` came from. */
function statusBeforeDeath(project: Project, task: Task): TaskStatus | null {
  const changes = listEvents(project.store, {
    task: task.name,
    since: task.statusSince,
    kinds: ['status.changed'],
  });
  return changes.at(-1)?.data.from ?? null;
}

/** What was brought back since `since` (ms), from the events: what `braid up` reports of a supervisor's start. */
export function revivedSince(project: Project, since: number): ReviveReport {
  const report: ReviveReport = { revived: [], reattached: [], failed: [] };
  const kinds = ['session.revived', 'session.revive-failed', 'session.reattached'] as const;
  for (const e of listEvents(project.store, { since, kinds })) {
    if (!e.task) continue;
    // Each task once, as its last attempt ended (a failed try that a later pass brought back is revived).
    report.failed = report.failed.filter((f) => f.name !== e.task);
    report.revived = report.revived.filter((r) => r.name !== e.task);
    report.reattached = report.reattached.filter((r) => r.name !== e.task);
    if (e.kind === 'session.revive-failed') report.failed.push({ name: e.task, reason: e.data.reason });
    else if (e.kind === 'session.reattached')
      report.reattached.push({ name: e.task, pod: e.data.pod, pid: e.data.pid });
    else
      report.revived.push({
        name: e.task,
        runtime: e.data.runtime,
        resumed: e.data.resume,
        agentSessionId: e.data.resume ? (getTask(project.store, e.task)?.agentSessionId ?? null) : null,
      });
  }
  return report;
}
