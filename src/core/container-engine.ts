/**
 * Where podman and docker differ, as data: how a bind mount is written, whose files a session writes, how
 * a label is read back from `ps`, a root filesystem (podman only), and what `info` says about rootless.
 */
import { BraidError } from './errors.js';

export type EngineName = 'podman' | 'docker';

export interface Mount {
  source: string;
  target: string;
  readonly: boolean;
}

/** The host user a session's files should belong to, where the engine would write them as root. */
export interface HostUser {
  uid: number;
  gid: number;
}

function refuse(path: string, what: string): never {
  throw new BraidError(
    'E_CONFIG',
    `cannot mount ${path}: the path holds ${what}`,
    `Move it to a path without ${what}.`,
  );
}

/**
 * podman: `-v SRC:DST[:ro]` (a missing source is an error). docker: `--mount type=bind,…`, because docker's
 * `-v` makes a missing source folder, owned by root, instead of failing.
 */
export function mountArgs(engine: EngineName, m: Mount): string[] {
  if (engine === 'podman') return ['-v', `${m.source}:${m.target}${m.readonly ? ':ro' : ''}`];
  // --mount is comma-separated (CSV): a path with a comma or a quote would split.
  for (const p of [m.source, m.target]) if (/[,"]/.test(p)) refuse(p, "',' or '\"'");
  return ['--mount', `type=bind,source=${m.source},target=${m.target}${m.readonly ? ',readonly' : ''}`];
}

/**
 * Rootful docker writes into the bind mounts as root (the daemon's user): the session runs as the host user
 * instead, so the worktree and its commits stay the user's. Rootless engines map root inside to the user
 * already, and podman as root is run by root: nothing to add there.
 */
export function userArgs(engine: EngineName, rootless: boolean, user: HostUser | undefined): string[] {
  if (engine !== 'docker' || rootless || !user || user.uid === 0) return [];
  return ['--user', `${user.uid}:${user.gid}`];
}

/** A root filesystem folder instead of an image: podman's `--rootfs`, with a /tmp of its own; docker has none. */
export function rootfsArgs(engine: EngineName, rootfs: string): string[] {
  if (engine === 'docker')
    throw new BraidError(
      'E_CONFIG',
      'container.rootfs needs podman (docker runs images only)',
      'Set container.image instead, or container.engine: podman.',
    );
  // One folder serves every container (and the host): its /tmp would be shared, tmux's socket in it too.
  return ['--tmpfs', '/tmp:rw,mode=1777', '--rootfs', rootfs];
}

/** `ps` of the containers carrying these labels, one `name|task` line each (the label read per engine). */
export function listArgs(engine: EngineName, labels: Record<string, string>): string[] {
  const filters = Object.entries(labels).flatMap(([k, v]) => ['--filter', `label=${k}=${v}`]);
  // podman's ps rows carry labels as a map; docker's as one string, read with its .Label function.
  const task = engine === 'docker' ? '{{.Label "braid.task"}}' : '{{index .Labels "braid.task"}}';
  return ['ps', '-a', ...filters, '--format', `{{.Names}}|${task}`];
}

/** `info` asking whether the engine runs rootless: a boolean (podman) or the security options (docker). */
export function rootlessInfoArgs(engine: EngineName): string[] {
  return engine === 'podman'
    ? ['info', '--format', '{{.Host.Security.Rootless}}']
    : ['info', '--format', '{{json .SecurityOptions}}'];
}

export function parseRootless(engine: EngineName, stdout: string): boolean {
  const out = stdout.trim();
  return engine === 'podman' ? out === 'true' : /name=rootless/.test(out);
}

/** The engine's version from its `--version` line ("podman version 4.3.1", "Docker version 24.0.5, build …"). */
export function parseEngineVersion(stdout: string): string | null {
  return /version\s+v?(\d+\.\d+(?:\.\d+)?)/i.exec(stdout)?.[1] ?? null;
}
