/** Where the dashboard's data and actions come from: a project's real store, git and sessions. */
import type { BraidEvent } from '../core/events.js';
import type { PairFinding } from '../core/radar.js';
import { provisionTask } from '../isolate/workspace/provision.js';
import { removeTask } from '../isolate/workspace/remove.js';
import { landTasks } from '../land/report.js';
import type { Project } from '../project/project.js';
import { getRuntime } from '../run/runtime/index.js';
import { handleOf, startSession, stopSession, stopSessionForRemoval } from '../run/session/lifecycle.js';
import { EventFeed, lastEventId } from '../store/events.js';
import { getTask } from '../store/tasks.js';
import { ReadModel } from '../view/board.js';
import { recentQueue } from '../view/queue-view.js';
import { radarFindings } from '../view/radar-view.js';
import { taskDetail } from '../view/task-detail.js';
import { type QueueRowInput, type RowInput, shownInFeed } from './rows.js';
import { insideSameTmux, socketOfArgv } from './tmux-attach.js';

/** What the terminal dashboard shows, taken from the read model (src/view/board.ts). */
export interface UiSnapshot {
  at: number;
  tasks: RowInput[];
  queue: QueueRowInput[];
  findings: PairFinding[];
  /** The latest events worth a line, oldest first, from the event feed. */
  events: BraidEvent[];
}

/**
 * How to show a session: a command to hand the terminal to, or text (a headless log) for a pane.
 * `switches`: the command moves the user's tmux client and returns at once (the dashboard keeps its pane).
 */
export type AttachTarget =
  | { argv: string[]; cwd: string; env?: Record<string, string>; switches?: boolean }
  | { text: string };

/** Everything the view reads and does, so tests can drive it over a real temp project. */
export interface UiData {
  snapshot(): Promise<UiSnapshot>;
  diff(task: string): Promise<string>;
  attach(task: string): Promise<AttachTarget>;
  send(task: string, text: string): Promise<void>;
  /** Lands one task through the queue; returns a one-line outcome. */
  land(task: string, onProgress: (line: string) => void): Promise<string>;
  stop(task: string): Promise<void>;
  /** Removes like `braid rm` without --force: throws E_UNLANDED_WORK rather than lose work. */
  remove(task: string): Promise<string>;
  create(name: string, prompt: string, onProgress: (line: string) => void): Promise<void>;
}

/** Event lines under the queue. */
const RECENT_EVENTS = 4;
/** How far back the first snapshot looks for them. */
const EVENTS_BACK = 200;

function requireSessionTask(project: Project, name: string) {
  const task = getTask(project.store.db, name);
  const handle = task && handleOf(task);
  if (!task || !handle) throw new Error(`task '${name}' has no session (start it with braid start ${name})`);
  return { task, handle };
}

export function projectData(project: Project, options: { radarEveryMs?: number } = {}): UiData {
  const db = project.store.db;
  const model = new ReadModel(project, { radarEveryMs: options.radarEveryMs ?? 10_000, events: 0 });
  const feed = new EventFeed(db, { from: Math.max(0, lastEventId(db) - EVENTS_BACK) });
  let recent: BraidEvent[] = [];
  return {
    async snapshot() {
      // The read model refreshes every session first: one that ended shows so even without a supervisor.
      const board = await model.snapshot();
      recent = [...recent, ...feed.next().filter(shownInFeed)].slice(-RECENT_EVENTS);
      return {
        at: board.at,
        tasks: board.tasks,
        queue: recentQueue(board.queue),
        findings: radarFindings(board.radar),
        events: recent,
      };
    },
    async diff(task) {
      const detail = await taskDetail(project, task);
      if (!detail) throw new Error(`no task named '${task}'`);
      return detail.diff || '(no changes)';
    },
    async attach(name) {
      const { task, handle } = requireSessionTask(project, name);
      const runtime = getRuntime(handle.runtime);
      const probe = runtime.attachArgv(handle, false);
      if (probe) {
        if (insideSameTmux(socketOfArgv(probe))) {
          return { argv: runtime.attachArgv(handle, true) ?? probe, cwd: task.worktree, switches: true };
        }
        // Inside another tmux (braid on its own socket): a client of its own in this pane, nesting allowed.
        return { argv: probe, cwd: task.worktree, env: { TMUX: '' } };
      }
      return { text: (await taskDetail(project, name))?.log || '(no output yet)' };
    },
    async send(name, text) {
      const { handle } = requireSessionTask(project, name);
      await getRuntime(handle.runtime).send(handle, text);
    },
    async land(task, onProgress) {
      const report = await landTasks(project, [task], { onProgress });
      const landed = report.landed.find((l) => l.name === task);
      if (landed) return `landed ${task} ${landed.commit?.slice(0, 12) ?? ''}`.trim();
      const rejected = report.rejected.find((r) => r.name === task);
      return rejected ? `not landed ${task}: ${rejected.reason ?? 'rejected'}` : `${task} is queued`;
    },
    async stop(name) {
      const task = getTask(db, name);
      if (task) await stopSession(project, task);
    },
    async remove(name) {
      const res = await removeTask(project, name, {
        stopSession: (task) => stopSessionForRemoval(project, task),
      });
      return res.backupRef ? `removed ${name} (backup ${res.backupRef})` : `removed ${name}`;
    },
    async create(name, prompt, onProgress) {
      await provisionTask(project, { name, prompt, onProgress });
      onProgress('starting the agent');
      await startSession(project, name);
    },
  };
}
