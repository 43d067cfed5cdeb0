/** Reaching a task's session from outside run/session: its handle, its liveness, typing into it, attaching. */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Task } from '../../core/task.js';
import { isProcessAlive } from '../../exec/pid.js';
import { taskLogDir } from '../../isolate/workspace/paths.js';
import type { Project } from '../../project/project.js';
import { backendOf } from '../runtime/backend.js';
import { readExitRecord } from '../runtime/exit-record.js';
import { TmuxRuntime } from '../runtime/tmux.js';
import type { ExitRecord, PaneInfo, SessionHandle, StateHint } from '../runtime/types.js';

export type { SessionHandle, StateHint } from '../runtime/types.js';

export function sessionPaths(project: Project, name: string): { logPath: string; exitPath: string } {
  const dir = taskLogDir(project.repo.commonDir, name);
  return { logPath: path.join(dir, 'session.log'), exitPath: path.join(dir, 'session.exit.json') };
}

/** How the session's last run ended, as its recorder wrote it; null when nothing was left to write one. */
export function exitRecordOf(project: Project, name: string): ExitRecord | null {
  return readExitRecord(sessionPaths(project, name).exitPath);
}

export function handleOf(task: Task): SessionHandle | null {
  const h = task.options.session as SessionHandle | undefined;
  return h ?? null;
}

/** Asked of the runtime itself, not the task's status (which says `landing` while the queue has it). */
export async function sessionAlive(project: Project, name: string, handle: SessionHandle): Promise<boolean> {
  return (await backendOf(handle).status(handle, sessionPaths(project, name).exitPath)).alive;
}

/** Between keys pressed one by one: an agent reads ESC and the next key in one read as an Alt key. */
const KEY_GAP_MS = 300;

/** Presses tmux keys one at a time, each read on its own (e.g. Escape to close a menu before typing). */
export async function pressKeys(handle: SessionHandle, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    await backendOf(handle).sendKeys(handle, [key]);
    await new Promise((resolve) => setTimeout(resolve, KEY_GAP_MS));
  }
}

/** Types text literally (never read as tmux keys), then Enter. */
export async function typeIntoSession(handle: SessionHandle, text: string): Promise<void> {
  await backendOf(handle).send(handle, text);
}

/** argv that shows the session to the user, or null when it cannot be attached (headless). */
export function attachArgv(handle: SessionHandle, insideTmux: boolean): string[] | null {
  return backendOf(handle).attach(handle, insideTmux);
}

/**
 * What a pass over these tasks needs of their tmux panes, with at most one tmux call. Unless `full`,
 * a pane whose process still runs is answered from its session log (pipe-pane appends all its output
 * there, so the log's mtime is its last activity) and tmux is not asked at all; otherwise one
 * `tmux list-panes` answers every pane.
 */
export async function paneHint(project: Project, tasks: readonly Task[], full = true): Promise<StateHint> {
  const handles = tasks
    .map((t) => ({ name: t.name, handle: handleOf(t) }))
    .filter(({ handle }) => handle?.runtime === 'tmux' && !handle.backend);
  if (handles.length === 0) return {};
  const panes = new Map<string, PaneInfo>();
  for (const { name, handle } of handles) {
    const known = full ? null : paneFromLog(handle!, sessionPaths(project, name).logPath);
    if (!known) return { panes: await new TmuxRuntime().allPanes() };
    panes.set(handle!.target!, known);
  }
  return { panes };
}

/** A live pane as its process and its log show it, or null when only tmux can tell. */
function paneFromLog(handle: SessionHandle, logPath: string): PaneInfo | null {
  if (!handle.target || !isProcessAlive(handle.pid, handle.pidStart)) return null;
  try {
    // tmux's window_activity is whole seconds; the log's mtime is read the same way.
    const activityAt = Math.floor(statSync(logPath).mtimeMs / 1000);
    return { dead: false, status: null, signal: null, pid: handle.pid, activityAt };
  } catch {
    return null;
  }
}
