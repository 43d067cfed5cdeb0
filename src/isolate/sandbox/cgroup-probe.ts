import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type CgroupMount,
  ownCgroupDir,
  parseCgroupMounts,
  parseProcCgroup,
} from '../../core/cgroup-layout.js';

/** The controllers braid uses: limits (memory, cpu, pids), accounting (cpuacct), stopping (freezer). */
const V1_CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'pids', 'freezer'] as const;
const V2_CONTROLLERS = ['memory', 'cpu', 'pids'] as const;

export interface CgroupSupport {
  version: 'v2' | 'v1' | 'none';
  /** True when braid can create task cgroups below `bases`. */
  writable: boolean;
  /** Controllers braid can use (writable ones for v1, delegated ones for v2). */
  controllers: string[];
  /** Where task cgroups go: controller → our own cgroup directory (v2: key 'unified'). */
  bases: Record<string, string>;
  reason?: string;
}

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

const canWrite = (dir: string) => {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

const under = (dir: string, root: string) => dir === root || dir.startsWith(`${root}/`);

/**
 * Which cgroup hierarchy braid can use: v2 where its controllers are delegated, v1 where writable,
 * else none. With `root` (env BRAID_CGROUP_ROOT), only hierarchies mounted below it count.
 */
export function probeCgroups(root = process.env.BRAID_CGROUP_ROOT || null): CgroupSupport {
  const own = parseProcCgroup(read('/proc/self/cgroup'));
  const top = root ? path.resolve(root) : null;
  const mounts = parseCgroupMounts(read('/proc/self/mountinfo')).filter(
    (m) => !top || under(m.mountPoint, top),
  );
  if (mounts.length === 0) {
    return none(`no cgroup filesystem is mounted ${top ? `below ${top}` : '(is /sys/fs/cgroup available?)'}`);
  }
  const v2 = probeV2(mounts, own);
  if (v2.writable) return v2;
  const v1 = probeV1(mounts, own);
  if (v1.writable) return v1;
  return none([v2.reason, v1.reason].filter(Boolean).join('; '));
}

function none(reason: string): CgroupSupport {
  return { version: 'none', writable: false, controllers: [], bases: {}, reason };
}

function probeV2(mounts: CgroupMount[], own: Map<string, string>): CgroupSupport {
  const mount = mounts.find((m) => m.fstype === 'cgroup2');
  const ownPath = own.get('');
  if (!mount || ownPath === undefined) return none('no cgroup v2 hierarchy');
  const dir = ownCgroupDir(mount, ownPath);
  const available = read(path.join(dir, 'cgroup.controllers')).trim().split(/\s+/);
  const controllers = V2_CONTROLLERS.filter((c) => available.includes(c));
  if (controllers.length === 0) {
    return none(`cgroup v2 at ${dir} offers none of ${V2_CONTROLLERS.join(', ')}`);
  }
  if (!canWrite(dir) || !canWrite(path.join(dir, 'cgroup.subtree_control'))) {
    return {
      ...none(
        `cgroup v2 at ${dir} is not delegated to this user (start braid under systemd-run --user --scope -p Delegate=yes)`,
      ),
      version: 'v2',
      controllers,
    };
  }
  return { version: 'v2', writable: true, controllers, bases: { unified: dir } };
}

function probeV1(mounts: CgroupMount[], own: Map<string, string>): CgroupSupport {
  const bases: Record<string, string> = {};
  const seen: string[] = [];
  for (const c of V1_CONTROLLERS) {
    const mount = mounts.find((m) => m.fstype === 'cgroup' && m.controllers.includes(c));
    const ownPath = own.get(c);
    if (!mount || ownPath === undefined) continue;
    seen.push(c);
    const dir = ownCgroupDir(mount, ownPath);
    if (existsSync(dir) && canWrite(dir)) bases[c] = dir;
  }
  const controllers = Object.keys(bases);
  if (seen.length === 0) return none('no cgroup v1 controllers mounted');
  if (controllers.length === 0) {
    return { ...none(`cgroup v1 controllers (${seen.join(', ')}) are not writable`), version: 'v1' };
  }
  const missing = seen.filter((c) => !controllers.includes(c));
  return {
    version: 'v1',
    writable: true,
    controllers,
    bases,
    reason: missing.length ? `not writable: ${missing.join(', ')}` : undefined,
  };
}
