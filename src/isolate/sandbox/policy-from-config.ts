import { homedir } from 'node:os';
import path from 'node:path';
import type { BraidConfig } from '../../core/config.js';
import type { TaskOptions } from '../../core/task.js';
import type { SandboxNetwork } from './bwrap.js';
import type { CgroupLimits } from './cgroups.js';

export interface SandboxWish {
  network: SandboxNetwork;
  /** Extra writable paths from sandbox.writable: absolute, `~/…`, or relative to the worktree. */
  writable: string[];
  /** sandbox.hide, resolved the same way (default: the home folder). */
  hide: string[];
  /** sandbox.read: kept readable inside a hidden folder. */
  read: string[];
  /** The session runs in the main checkout with nothing writable (braid new --readonly). */
  readonly: boolean;
}

/** Whether a task runs sandboxed, and how: from `--sandbox`/`--readonly` and `sandbox:` in braid.yaml. */
export function sandboxWish(
  config: BraidConfig,
  options: TaskOptions,
  worktree: string,
  home = homedir(),
): SandboxWish | null {
  const fromConfig = config.sandbox;
  const wanted = options.sandbox === true || options.readonly === true || fromConfig !== false;
  if (!wanted) return null;
  const settings =
    typeof fromConfig === 'object'
      ? fromConfig
      : { network: 'all' as const, writable: [], hide: ['~'], read: [] };
  const network: SandboxNetwork = Array.isArray(settings.network)
    ? { allow: settings.network }
    : settings.network;
  const resolve = (p: string) =>
    p === '~' || p.startsWith('~/') ? path.join(home, p.slice(1)) : path.resolve(worktree, p);
  return {
    network,
    writable: settings.writable.map(resolve),
    hide: settings.hide.map(resolve),
    read: settings.read.map(resolve),
    readonly: options.readonly === true,
  };
}

/** The `limits:` of braid.yaml as cgroup limits, or null when none is set. */
export function limitsWish(config: BraidConfig): { limits: CgroupLimits; required: boolean } | null {
  const l = config.limits;
  if (!l || (l.memory === undefined && l.cpu === undefined && l.pids === undefined)) return null;
  return { limits: { memory: l.memory, cpu: l.cpu, pids: l.pids }, required: l.required };
}
