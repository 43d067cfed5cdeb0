/** Where the dashboard's data and actions come from: a project's real store, git and sessions. */
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
import { refreshSession, startSession } from '../run/session/lifecycle.js';
import { attachArgv } from '../run/session/reach.js';
import { activeEntries, listQueue } from '../store/queue.js';
import { listFindings } from '../store/radar.js';
import { listTasks } from '../store/tasks.js';
import { taskDetail } from '../view/task-detail.js';
import { taskViews } from '../view/task-view.js';
import { scanRadar } from '../watch/radar/scan.js';
import type { QueueRowInput, RowInput } from './rows.js';
import { insideSameTmux, socketOfArgv } from './tmux-attach.js';

export interface UiSnapshot {
  at: number;
  tasks: RowInput[];
  queue: QueueRowInput[];
  findings: PairFinding[];
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

/** Finished queue entries stay visible for a while so a landing's outcome can be read. */
const RECENT_DONE = 3;

export function projectData(project: Project, options: { radarEveryMs?: number } = {}): UiData {
  const radarEvery = options.radarEveryMs ?? 10_000;
  let radarAt = 0;
  const { store } = project;
  return {
    async snapshot() {
      // Process liveness: a session that ended shows as exited/failed even without a supervisor.
      for (const t of listTasks(store)) await refreshSession(project, t.name).catch(() => null);
      if (Date.now() - radarAt >= radarEvery) {
        radarAt = Date.now();
        await scanRadar(project).catch(() => null);
      }
      const tasks = await taskViews(project);
      const active = activeEntries(store);
      const done = listQueue(store, 20)
        .filter((e) => !active.some((a) => a.id === e.id))
        .slice(-RECENT_DONE);
      return { at: Date.now(), tasks, queue: [...done, ...active], findings: listFindings(store) };
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
