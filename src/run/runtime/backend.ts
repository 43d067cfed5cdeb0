/**
 * One session backend interface: where a task's agent runs (this machine, a container), and everything
 * braid does to a session there. The local backend is today's tmux and headless runtimes, unchanged.
 */
import type { BackendKind } from '../../core/backend.js';
import { ContainerBackend } from './container/backend.js';
import { getRuntime } from './index.js';
import { KubeBackend } from './kubernetes/backend.js';
import type {
  BackendLaunch,
  SendOptions,
  SessionBackend,
  SessionHandle,
  SessionState,
  StateHint,
  StopOptions,
} from './types.js';

export type { ContainerLaunch, KubeLaunch, SessionBackend } from './types.js';

/** tmux and headless on this machine: every call goes to the runtime the handle names. */
class LocalBackend implements SessionBackend {
  readonly kind = 'local' as const;
  async provision(): Promise<void> {}
  start(spec: BackendLaunch): Promise<SessionHandle> {
    return getRuntime(spec.mode).start(spec);
  }
  status(handle: SessionHandle, exitPath: string, hint?: StateHint): Promise<SessionState> {
    return getRuntime(handle.runtime).state(handle, exitPath, hint);
  }
  logs(handle: SessionHandle): Promise<string> {
    return getRuntime(handle.runtime).capture(handle);
  }
  attach(handle: SessionHandle, insideTmux: boolean): string[] | null {
    return getRuntime(handle.runtime).attachArgv(handle, insideTmux);
  }
  send(handle: SessionHandle, text: string, opts?: SendOptions): Promise<void> {
    return getRuntime(handle.runtime).send(handle, text, opts);
  }
  sendKeys(handle: SessionHandle, keys: string[]): Promise<void> {
    return getRuntime(handle.runtime).sendKeys(handle, keys);
  }
  async collect(): Promise<void> {}
  stop(handle: SessionHandle, opts: StopOptions): Promise<void> {
    return getRuntime(handle.runtime).stop(handle, opts);
  }
  remove(handle: SessionHandle): Promise<void> {
    return getRuntime(handle.runtime).remove(handle);
  }
}

export function backendFor(kind: BackendKind): SessionBackend {
  if (kind === 'container') return new ContainerBackend();
  return kind === 'kubernetes' ? new KubeBackend() : new LocalBackend();
}

/** The backend that started this session (recorded in its handle). */
export function backendOf(handle: SessionHandle): SessionBackend {
  return backendFor(handle.backend ?? 'local');
}
