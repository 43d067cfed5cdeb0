/** Where the dashboard's data and actions come from: a project's real store, git and sessions. */
import type { PairFinding } from '../core/radar.js';
import { provisionTask } from '../isolate/workspace/provision.js';
import { removeTask } from '../isolate/workspace/remove.js';
import { landTasks } from '../land/report.js';
import type { Project } from '../project/project.js';
import { getRuntime } from '../run/runtime/index.js';
import {
  handleOf,
  refreshSession,
  startSession,
  stopSession,
  stopSessionForRemoval,
} from '../run/session/lifecycle.js';
import { activeEntries, listQueue } from '../store/queue.js';
import { listFindings } from '../store/radar.js';
import { getTask, listTasks } from '../store/tasks.js';
import { taskViews } from '../view/task-view.js';
import { scanRadar } from '../watch/radar/scan.js';
import { taskDetail } from '../web/data.js';
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

function requireSessionTask(project: Project, name: string) {
  const task = getTask(project.store, name);
  const handle = task && handleOf(task);
  if (!task || !handle) throw new Error(`task '${name}' has no session (start it with braid start ${name})`);
  return { task, handle };
}

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
      const task = getTask(store, name);
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
