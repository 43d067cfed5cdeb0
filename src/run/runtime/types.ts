import type { BackendKind } from '../../core/backend.js';
import type { Mount } from '../../core/container-args.js';

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
  /** Where the session runs; absent: this machine (tmux or headless). */
  backend?: 'container' | 'kubernetes';
  /** container: its name and the engine that runs it. */
  container?: string;
  engine?: 'podman' | 'docker';
  /** kubernetes: the pod, where it is, and the kubeconfig context (pid is then the local keeper's). */
  pod?: string;
  namespace?: string;
  context?: string;
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

/** What the container backend needs beyond a local launch (resolved by run/session from braid.yaml). */
export interface ContainerLaunch {
  engine: 'auto' | 'podman' | 'docker';
  image?: string;
  rootfs?: string;
  runtime?: string;
  extraArgs: string[];
  mounts: Mount[];
  ports: number[];
  limits?: { memory?: string; cpu?: number; pids?: number };
  labels: Record<string, string>;
  name: string;
}

/** What the Kubernetes backend needs beyond a local launch (resolved by run/session from braid.yaml). */
export interface KubeLaunch {
  context?: string;
  namespace: string;
  image: string;
  podName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The main checkout here (hooks are recorded in its store). */
  repoRoot: string;
  /** The task's worktree and branch here: the bundle goes out from them and the work comes back into them. */
  worktree: string;
  branch: string;
  /** The commit the branch started from: only the commits since it come back. */
  base: string;
  /** The task's checkout inside the pod. */
  workdir: string;
  /** Claude Code's settings for the pod (its hooks post to the endpoint), or null for other agents. */
  settings: Record<string, unknown> | null;
  /** Where the local endpoint listens, and the URL pods reach it at (its port, when absent, is the endpoint's). */
  listenHost: string;
  listenPort: number;
  publicUrl?: string;
  /** `HOST[:PORT]`/`CIDR[:PORT]` the pod may reach, and the agent's model API (already a target). */
  egress: string[];
  modelApi: { host: string; port: number } | null;
  limits?: { memory?: string; cpu?: number };
}

export interface BackendLaunch extends LaunchSpec {
  /** tmux (interactive) or headless, wherever the session runs. */
  mode: RuntimeKind;
  container?: ContainerLaunch;
  kube?: KubeLaunch;
}

/** What a new watcher for a session whose watcher died needs (run/session resolves it from the task). */
export interface ReattachSpec {
  task: string;
  worktree: string;
  branch: string;
  repoRoot: string;
  /** Where this machine's end of the session listens (the pod's keeper: braid.yaml's kubernetes.listen). */
  listenHost: string;
  logPath: string;
  exitPath: string;
}

export interface SessionBackend {
  readonly kind: BackendKind;
  /** Makes the place ready (an engine that answers, no stale container of the same name). */
  provision(spec: BackendLaunch): Promise<void>;
  start(spec: BackendLaunch): Promise<SessionHandle>;
  status(handle: SessionHandle, exitPath: string, hint?: StateHint): Promise<SessionState>;
  /** Screen text (tmux) or the log's tail. */
  logs(handle: SessionHandle): Promise<string>;
  /** argv that shows the session to the user, or null when it cannot be attached. */
  attach(handle: SessionHandle, insideTmux: boolean): string[] | null;
  send(handle: SessionHandle, text: string, opts?: SendOptions): Promise<void>;
  sendKeys(handle: SessionHandle, keys: string[]): Promise<void>;
  /** Brings the session's work into the task's worktree (local and container: it is already there). */
  collect(handle: SessionHandle): Promise<void>;
  stop(handle: SessionHandle, opts: StopOptions): Promise<void>;
  remove(handle: SessionHandle): Promise<void>;
  /**
   * A session watched by a process of braid's that died (a reboot killed it) while the session itself runs on
   * elsewhere (a pod): a new watcher, and the handle that names it; null when the session is gone too.
   */
  reattach?(handle: SessionHandle, spec: ReattachSpec): Promise<SessionHandle | null>;
}
