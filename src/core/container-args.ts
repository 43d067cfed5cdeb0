/** The container backend's decisions, as data: mounts, published ports, limits, environment, the run argv. */
import {
  type EngineName,
  type HostUser,
  type Mount,
  mountArgs,
  rootfsArgs,
  userArgs,
} from './container-engine.js';
import { BraidError } from './errors.js';
import { RECORD_EXIT_LINES } from './exit-recorder.js';
import { parseSize } from './size.js';

export type { Mount };

interface ContainerLimits {
  memory?: string;
  cpu?: number;
  pids?: number;
}

export interface ContainerRunInput {
  /** The engine the argv is for: mounts, the user and a root filesystem differ between the two. */
  engine: EngineName;
  /** Whether that engine runs rootless (rootful docker runs the session as `hostUser`). */
  rootless: boolean;
  hostUser?: HostUser;
  name: string;
  labels: Record<string, string>;
  /** One of image or rootfs (a root filesystem folder, podman only). */
  image?: string;
  rootfs?: string;
  /** OCI runtime (`--runtime`, e.g. runc where crun cannot run). */
  runtime?: string;
  /** braid.yaml `container.args`, before the image. */
  extraArgs: string[];
  workdir: string;
  mounts: Mount[];
  ports: number[];
  limits?: ContainerLimits;
  /** Written to an env file the engine reads, so values never sit on a command line. */
  envFile: string;
  /** A terminal for the container's first process (tmux needs one). */
  tty: boolean;
  command: string[];
}

/** The tmux server inside a container: its own socket name and the session the agent runs in. */
export const INNER_TMUX = ['tmux', '-L', 'braid', '-f', '/dev/null'];
export const INNER_SESSION = 'main';

/**
 * The container's first process runs this with `<mode> argv…`: it sends the agent's output to the task's log
 * (headless: redirect; tmux: pipe-pane from inside its own pane, so nothing is missed), runs the agent, and
 * records its exit in the mounted git folder. The trap keeps the recorder alive to write the record on a stop.
 */
const CONTAINER_RECORDER = [
  'mode=$1; shift',
  'if [ "$mode" = tmux ]; then tmux -L braid pipe-pane -o \'cat >> "$BRAID_LOG"\'; else exec >> "$BRAID_LOG" 2>&1; fi',
  ...RECORD_EXIT_LINES,
].join('\n');

/** The container's command: the agent under the recorder, in a tmux session (interactive) or alone. */
export function containerCommand(mode: 'tmux' | 'headless', argv: string[]): string[] {
  const recorded = ['sh', '-c', CONTAINER_RECORDER, 'braid-session', mode, ...argv];
  return mode === 'tmux' ? [...INNER_TMUX, 'new-session', '-s', INNER_SESSION, '--', ...recorded] : recorded;
}

/** One container per task and repository: names are global to the engine. */
export function containerName(repoName: string, commonDir: string, task: string): string {
  const repo =
    repoName
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .slice(0, 30) || 'repo';
  const hash = fnv1a(commonDir).toString(16).padStart(8, '0');
  return `braid-${repo}-${hash}-${task}`;
}

/** A short stable hash (FNV-1a, 32 bits): two repositories of one name get two container names. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Labels that let `braid gc` find a repository's containers and the task each one belongs to. */
export function containerLabels(commonDir: string, task: string): Record<string, string> {
  return { 'braid.repo': commonDir, 'braid.task': task };
}

/** `SRC[:DST][:ro]` from braid.yaml; a relative source is resolved by the caller's `resolve`. */
export function parseMountSpec(spec: string, resolve: (p: string) => string = (p) => p): Mount {
  const parts = spec.split(':');
  const readonly = parts.length > 1 && (parts.at(-1) === 'ro' || parts.at(-1) === 'rw');
  const ro = readonly ? parts.pop() === 'ro' : false;
  if (parts.length > 2 || !parts[0])
    throw new BraidError(
      'E_CONFIG',
      `container.mounts: '${spec}' is not SRC[:DST][:ro]`,
      'Write a mount like /opt/tools:/opt/tools:ro (paths without ":").',
    );
  const source = resolve(parts[0]);
  return { source, target: parts[1] ?? source, readonly: ro };
}

/** Parents before children (a nested mount must come after the one it sits in); no duplicate targets. */
export function orderMounts(mounts: readonly Mount[]): Mount[] {
  const byTarget = new Map<string, Mount>();
  for (const m of mounts) {
    if (m.source.includes(':') || m.target.includes(':'))
      throw new BraidError(
        'E_CONFIG',
        `cannot mount ${m.source}: the path holds ':'`,
        'Move it to a path without ":".',
      );
    const known = byTarget.get(m.target);
    // The same folder twice: writable wins (the worktree inside a read-only mount stays writable).
    if (!known || (known.readonly && !m.readonly)) byTarget.set(m.target, m);
  }
  return [...byTarget.values()].sort((a, b) => a.target.split('/').length - b.target.split('/').length);
}

/** `-p` arguments publishing the task's ports on 127.0.0.1 only, consecutive ports as one range. */
export function publishArgs(ports: readonly number[]): string[] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const args: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    const range = i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`;
    args.push('-p', `127.0.0.1:${range}:${range}`);
    i = j + 1;
  }
  return args;
}

export function limitArgs(limits: ContainerLimits | undefined): string[] {
  if (!limits) return [];
  const args: string[] = [];
  if (limits.memory) args.push('--memory', String(parseSize(limits.memory)));
  if (limits.cpu) args.push('--cpus', String(limits.cpu));
  if (limits.pids) args.push('--pids-limit', String(limits.pids));
  return args;
}

/**
 * The session's environment inside: the task's own variables, then braid.yaml's `container.env`
 * (`NAME` copies braid's value, when set; `NAME=value` sets it). Nothing else of the host's goes in.
 */
export function containerEnv(
  allow: readonly string[],
  host: Readonly<Record<string, string | undefined>>,
  task: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {
    // Files in the mounts belong to the host's users; git inside must still trust them.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'safe.directory',
    GIT_CONFIG_VALUE_0: '*',
    ...task,
  };
  for (const entry of allow) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    else if (host[entry] !== undefined) env[entry] = host[entry] as string;
  }
  return env;
}

/** An env file (`NAME=value` lines) as podman and docker read it; a value with a newline cannot go in. */
export function envFileText(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([k, v]) => {
      if (/[\n\r]/.test(v) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        throw new BraidError(
          'E_CONFIG',
          `the variable ${k} cannot be passed to a container`,
          'Its name or value is not one line.',
        );
      return `${k}=${v}\n`;
    })
    .join('');
}

/** `<engine> run …`: detached, labelled, with the mounts at the same paths, the ports, the limits and the env file. */
export function containerRunArgs(input: ContainerRunInput): string[] {
  if (!input.image === !input.rootfs)
    throw new BraidError(
      'E_CONFIG',
      'the container backend needs exactly one of container.image and container.rootfs',
      'Set container.image in braid.yaml (see docs/backends.md for a Containerfile).',
    );
  const args = ['run', '-d', '--name', input.name];
  for (const [k, v] of Object.entries(input.labels)) args.push('--label', `${k}=${v}`);
  if (input.runtime) args.push('--runtime', input.runtime);
  if (input.tty) args.push('-t');
  args.push(...userArgs(input.engine, input.rootless, input.hostUser));
  args.push('--workdir', input.workdir, '--env-file', input.envFile);
  for (const m of orderMounts(input.mounts)) args.push(...mountArgs(input.engine, m));
  args.push(...publishArgs(input.ports), ...limitArgs(input.limits), ...input.extraArgs);
  args.push(...(input.rootfs ? rootfsArgs(input.engine, input.rootfs) : [input.image as string]));
  return [...args, ...input.command];
}

/** `<engine> run --rm … true` with braid.yaml's image (or root filesystem), runtime, flags and mounts: can it run? */
export function containerProbeArgs(
  engine: EngineName,
  c: { image?: string; rootfs?: string; runtime?: string; extraArgs: string[]; mounts: Mount[] },
): string[] {
  const args = ['run', '--rm', ...(c.runtime ? ['--runtime', c.runtime] : []), ...c.extraArgs];
  for (const m of orderMounts(c.mounts)) args.push(...mountArgs(engine, m));
  args.push(...(c.rootfs ? rootfsArgs(engine, c.rootfs) : [c.image as string]));
  return [...args, 'true'];
}
