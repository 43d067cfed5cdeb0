import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  containerCommand,
  containerRunArgs,
  envFileText,
  INNER_SESSION,
  INNER_TMUX,
} from '../../../core/container-args.js';
import { type HostUser, rootfsArgs } from '../../../core/container-engine.js';
import { BraidError } from '../../../core/errors.js';
import { waitUntil } from '../../../exec/process-group.js';
import { ProcessError } from '../../../exec/run.js';
import { readExitRecord } from '../exit-record.js';
import { CAPTURE_LINES, logTail, sendKeysToInnerTmux, sendToInnerTmux } from '../inner-tmux.js';
import type {
  BackendLaunch,
  SendOptions,
  SessionBackend,
  SessionHandle,
  SessionState,
  StopOptions,
} from '../types.js';
import { detectEngine, type EngineName, engine, engineRootlessCached, inspectContainer } from './engine.js';

function hostUser(): HostUser | undefined {
  return process.getuid && process.getgid ? { uid: process.getuid(), gid: process.getgid() } : undefined;
}

/** Between graceful-stop keys: long enough for the agent to read each key on its own. */
const GRACE_KEY_GAP_MS = 300;

function ids(handle: SessionHandle): { engine: EngineName; container: string } {
  if (!handle.container || !handle.engine)
    throw new BraidError('E_SESSION', 'this session has no container recorded');
  return { engine: handle.engine, container: handle.container };
}

/**
 * One container per task session: the worktree and the git common dir at their own paths, the port block on
 * 127.0.0.1, limits from braid.yaml, tmux inside for interactive sessions. The container is the session:
 * it ends with the agent, and the recorder inside writes the exit record into the mounted git folder.
 */
export class ContainerBackend implements SessionBackend {
  readonly kind = 'container' as const;

  async provision(spec: BackendLaunch): Promise<void> {
    await this.prepare(spec);
  }

  /** The engine to use, with no container left of the same name (a previous session's: its record is kept). */
  private async prepare(spec: BackendLaunch): Promise<EngineName> {
    const c = spec.container;
    if (!c) throw new BraidError('E_BACKEND', `task ${spec.task} has no container settings`);
    const name = await detectEngine(c.engine);
    // Refused before anything is removed or created: docker has no --rootfs.
    if (c.rootfs) rootfsArgs(name, c.rootfs);
    await engine(name, ['rm', '-f', c.name], { allowFailure: true });
    return name;
  }

  async start(spec: BackendLaunch): Promise<SessionHandle> {
    const c = spec.container;
    if (!c) throw new BraidError('E_BACKEND', `task ${spec.task} has no container settings`);
    if (spec.argv.length === 0) throw new BraidError('E_SESSION', `task ${spec.task} has no command`);
    const name = await this.prepare(spec);
    mkdirSync(path.dirname(spec.logPath), { recursive: true });
    mkdirSync(path.dirname(spec.exitPath), { recursive: true });
    const env = {
      TERM: 'xterm-256color',
      ...spec.env,
      BRAID_EXIT_FILE: spec.exitPath,
      BRAID_LOG: spec.logPath,
    };
    // Only for the length of `run`: the engine copies it into the container's config.
    const envFile = path.join(path.dirname(spec.exitPath), 'container.env');
    writeFileSync(envFile, envFileText(env), { mode: 0o600 });
    chmodSync(envFile, 0o600);
    const args = containerRunArgs({
      engine: name,
      // Only rootful docker needs the answer (the user the session runs as): podman is not asked.
      rootless: name === 'docker' ? await engineRootlessCached(name) : false,
      hostUser: hostUser(),
      name: c.name,
      labels: c.labels,
      image: c.image,
      rootfs: c.rootfs,
      runtime: c.runtime,
      extraArgs: c.extraArgs,
      workdir: spec.cwd,
      mounts: c.mounts,
      ports: c.ports,
      limits: c.limits,
      envFile,
      tty: spec.mode === 'tmux',
      command: containerCommand(spec.mode, spec.argv),
    });
    try {
      const res = await engine(name, args, { allowFailure: true });
      if (res.code !== 0) {
        await engine(name, ['rm', '-f', c.name], { allowFailure: true });
        throw new ProcessError(res, `Check that ${name} can run containers: ${name} run --rm <image> true`);
      }
    } finally {
      rmSync(envFile, { force: true });
    }
    const info = await inspectContainer(name, c.name);
    return {
      runtime: spec.mode,
      pid: info?.pid ?? null,
      backend: 'container',
      container: c.name,
      engine: name,
      logPath: spec.logPath,
    };
  }

  async status(handle: SessionHandle, exitPath: string): Promise<SessionState> {
    const record = readExitRecord(exitPath);
    if (record) return { alive: false, exitCode: record.exitCode, pid: handle.pid };
    const { engine: name, container } = ids(handle);
    const info = await inspectContainer(name, container);
    if (info?.running) return { alive: true, exitCode: null, pid: info.pid };
    // The recorder may have written between the two reads; a headless container's own code is the agent's.
    const late = readExitRecord(exitPath);
    const code = late?.exitCode ?? (handle.runtime === 'headless' ? (info?.exitCode ?? null) : null);
    return { alive: false, exitCode: code, pid: handle.pid };
  }

  async logs(handle: SessionHandle): Promise<string> {
    if (handle.runtime !== 'tmux') return logTail(handle.logPath);
    const { engine: name, container } = ids(handle);
    const capture = [
      ...INNER_TMUX,
      'capture-pane',
      '-p',
      '-J',
      '-S',
      `-${CAPTURE_LINES}`,
      '-t',
      INNER_SESSION,
    ];
    const res = await engine(name, ['exec', container, ...capture], { allowFailure: true });
    return res.code === 0 ? res.stdout : logTail(handle.logPath);
  }

  attach(handle: SessionHandle): string[] | null {
    if (handle.runtime !== 'tmux') return null;
    const { engine: name, container } = ids(handle);
    return [name, 'exec', '-it', container, ...INNER_TMUX, 'attach-session', '-t', INNER_SESSION];
  }

  send(handle: SessionHandle, text: string, opts: SendOptions = {}): Promise<void> {
    return sendToInnerTmux(handle, text, opts, (args) => this.tmux(handle, args));
  }

  sendKeys(handle: SessionHandle, keys: string[]): Promise<void> {
    return sendKeysToInnerTmux(handle, keys, (args) => this.tmux(handle, args));
  }

  private async tmux(handle: SessionHandle, args: string[]): Promise<void> {
    const { engine: name, container } = ids(handle);
    const res = await engine(name, ['exec', container, ...INNER_TMUX, ...args], { allowFailure: true });
    if (res.code !== 0)
      throw new BraidError('E_SESSION', `the session in container ${container} is gone`, res.stderr.trim());
  }

  /** The worktree is bind-mounted: the work is already where the queue looks for it. */
  async collect(): Promise<void> {}

  async stop(handle: SessionHandle, opts: StopOptions): Promise<void> {
    const { engine: name, container } = ids(handle);
    const gone = async () => !(await inspectContainer(name, container))?.running;
    if (await gone()) return;
    for (const key of handle.runtime === 'tmux' ? (opts.graceKeys ?? []) : []) {
      await this.sendKeys(handle, [key]).catch(() => {});
      if (await waitUntil(gone, GRACE_KEY_GAP_MS)) return;
    }
    if (opts.graceKeys?.length && (await waitUntil(gone, opts.graceMs ?? 3_000))) return;
    // The engine's stop signals only the first process: TERM every process inside, so the recorder can write.
    await engine(name, ['exec', container, 'sh', '-c', 'kill -TERM -1'], { allowFailure: true });
    if (await waitUntil(gone, opts.termMs ?? 5_000)) return;
    await engine(name, ['kill', container], { allowFailure: true });
  }

  async remove(handle: SessionHandle): Promise<void> {
    if (!handle.container || !handle.engine) return;
    await engine(handle.engine, ['rm', '-f', handle.container], { allowFailure: true });
  }
}
