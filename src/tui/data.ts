/** Where the dashboard's data and actions come from: a project's real store, git and sessions. */
import type { BraidEvent } from '../core/events.js';
import type { PairFinding } from '../core/radar.js';
import { provisionTask } from '../isolate/workspace/provision.js';
import {
  landOutcomeLine,
  landTaskNames,
  removeTaskAction,
  requireSession,
  requireTask,
  sendToTask,
  stopTask,
} from '../orchestrate/actions.js';
import type { Project } from '../project/project.js';
import { startSession } from '../run/session/lifecycle.js';
import { attachArgv } from '../run/session/reach.js';
import { EventFeed, lastEventId } from '../store/events.js';
import { ReadModel } from '../view/board.js';
import { healthLine, recentQueue } from '../view/queue-view.js';
import { radarFindings } from '../view/radar-view.js';
import { taskDetail } from '../view/task-detail.js';
import { type QueueRowInput, type RowInput, shownInFeed } from './rows.js';
import { insideSameTmux, socketOfArgv } from './tmux-attach.js';

/** What the terminal dashboard shows, taken from the read model (src/view/board.ts). */
export interface UiSnapshot {
  at: number;
  tasks: RowInput[];
  queue: QueueRowInput[];
  /** The queue's health on one line (the read model's, as `braid queue` prints it). */
  queueHealth: string;
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

export function projectData(project: Project, options: { radarEveryMs?: number } = {}): UiData {
  const model = new ReadModel(project, { radarEveryMs: options.radarEveryMs ?? 10_000, events: 0 });
  const feed = new EventFeed(project.store, { from: Math.max(0, lastEventId(project.store) - EVENTS_BACK) });
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
        queueHealth: healthLine(board.queueHealth),
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
      const task = requireTask(project, name);
      const handle = requireSession(task);
      const probe = attachArgv(handle, false);
      if (probe) {
        if (insideSameTmux(socketOfArgv(probe))) {
          return { argv: attachArgv(handle, true) ?? probe, cwd: task.worktree, switches: true };
        }
        // Inside another tmux (braid on its own socket): a client of its own in this pane, nesting allowed.
        return { argv: probe, cwd: task.worktree, env: { TMUX: '' } };
      }
      return { text: (await taskDetail(project, name))?.log || '(no output yet)' };
    },
    async send(name, text) {
      await sendToTask(project, name, text);
    },
    async land(task, onProgress) {
      return landOutcomeLine(await landTaskNames(project, [task], { onProgress }), task);
    },
    async stop(name) {
      await stopTask(project, name);
    },
    async remove(name) {
      const res = await removeTaskAction(project, name);
      return res.backupRef ? `removed ${name} (backup ${res.backupRef})` : `removed ${name}`;
    },
    async create(name, prompt, onProgress) {
      await provisionTask(project, { name, prompt, onProgress });
      onProgress('starting the agent');
      await startSession(project, name);
    },
  };
}
