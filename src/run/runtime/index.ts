import { type HeadlessOptions, HeadlessRuntime } from './headless.js';
import { type TmuxOptions, TmuxRuntime } from './tmux.js';
import type { Runtime, RuntimeKind } from './types.js';

export { tmuxSessionName } from './tmux.js';
export type { LaunchSpec, Runtime, RuntimeKind, SessionHandle } from './types.js';

export type RuntimeOptions = TmuxOptions & HeadlessOptions;

/** The session backend for a task: tmux (interactive, default) or headless (detached, logs to file). */
export function getRuntime(kind: RuntimeKind, options: RuntimeOptions = {}): Runtime {
  return kind === 'tmux' ? new TmuxRuntime(options) : new HeadlessRuntime(options);
}
