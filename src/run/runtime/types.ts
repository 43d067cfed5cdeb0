/** What a runtime needs to start one task's agent session. */
export interface LaunchSpec {
  task: string;
  repoName: string;
  cwd: string;
  /** Executed directly, never through a shell. */
  argv: string[];
  env: Record<string, string>;
  logPath: string;
  /** Where the exit record `{exitCode, signal, endedAt}` lands. */
  exitPath: string;
  /** tmux only: one window per task (default) or every task a pane of one tiled window. */
  layout?: 'windows' | 'tiled';
}

export type RuntimeKind = 'tmux' | 'headless';

/** Enough to find a session again from another braid process (stored with the task). */
export interface SessionHandle {
  runtime: RuntimeKind;
  pid: number | null;
  pidStart?: string | null;
  /** tmux pane id, e.g. `%3`. */
  target?: string;
  /** headless: the log, whose tail stands in for a screen. */
  logPath?: string;
}

export interface SessionState {
  alive: boolean;
  /** Null while running, when killed by a signal, or when unknown. */
  exitCode: number | null;
  pid: number | null;
  /** tmux: second (epoch) of the last output in the pane's window; a screen unchanged since needs no capture. */
  activityAt?: number | null;
}

/** One tmux pane as `list-panes` reports it. */
export interface PaneInfo {
  dead: boolean;
  status: number | null;
  signal: string | null;
  pid: number | null;
  activityAt: number | null;
}

/** What a caller already knows: every pane of the tmux server, read with one call for a whole pass. */
export interface StateHint {
  panes?: ReadonlyMap<string, PaneInfo>;
}

export interface ExitRecord {
  exitCode: number | null;
  signal: string | null;
  endedAt: string;
}

export interface StopOptions {
  /** tmux key names sent first (e.g. ['C-c']); ignored by headless. */
  graceKeys?: string[];
  /** How long to wait after the grace keys (sent up to twice) before SIGTERM. */
  graceMs?: number;
  /** How long to wait after SIGTERM before SIGKILL. */
  termMs?: number;
}

export interface SendOptions {
  /** Press Enter after the text (default true). */
  enter?: boolean;
}

export interface Runtime {
  kind: RuntimeKind;
  start(spec: LaunchSpec): Promise<SessionHandle>;
  state(handle: SessionHandle, exitPath: string, hint?: StateHint): Promise<SessionState>;
  /** Literal text (key names stay text), then Enter unless `enter: false`. */
  send(handle: SessionHandle, text: string, opts?: SendOptions): Promise<void>;
  /** tmux key names, e.g. ['C-c'] or ['Escape']. */
  sendKeys(handle: SessionHandle, keys: string[]): Promise<void>;
  /** Screen text (tmux) or the log's tail (headless). */
  capture(handle: SessionHandle): Promise<string>;
  /** Ends the session's processes; a tmux window stays until `remove`. */
  stop(handle: SessionHandle, opts: StopOptions): Promise<void>;
  remove(handle: SessionHandle): Promise<void>;
  /** argv that shows the session to the user, or null when it cannot be attached. */
  attachArgv(handle: SessionHandle, insideTmux: boolean): string[] | null;
}
