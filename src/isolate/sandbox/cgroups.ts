import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cgroupSegment } from '../../core/cgroup-layout.js';
import { BraidError } from '../../core/errors.js';
import { parseSize } from '../../core/size.js';
import { probeCgroups } from './cgroup-probe.js';

export interface CgroupLimits {
  /** Like '4G' or '512M'. */
  memory?: string;
  /** CPUs, e.g. 1.5. */
  cpu?: number;
  pids?: number;
}

/** What to record in the store to find a task's cgroup again from a later braid process. */
export interface TaskCgroupRef {
  version: 'v1' | 'v2';
  /** One directory per v1 hierarchy, or the single v2 directory. */
  paths: string[];
}

interface CgroupStats {
  memoryBytes: number | null;
  cpuUsageNs: number | null;
  pids: number | null;
}

export interface TaskCgroup {
  ref: TaskCgroupRef;
  /** cgroup.procs files: a launcher writes its own pid into each before exec (see exec-in-cgroup.ts). */
  procsFiles: string[];
  addPid(pid: number): void;
  pids(): number[];
  stats(): CgroupStats;
  /** SIGKILLs every process in the cgroup, daemons included; resolves once it is empty. */
  killAll(timeoutMs?: number): Promise<void>;
  /** Kills what is left, then deletes the cgroup directories. */
  remove(): Promise<void>;
}

const CFS_PERIOD_US = 100_000;

/** Creates `<own cgroup>/braid/<repo>/<task>` with the limits; throws E_LIMITS where cgroups are unusable. */
export async function createTaskCgroup(
  repoName: string,
  task: string,
  limits: CgroupLimits = {},
): Promise<TaskCgroup> {
  const support = probeCgroups();
  if (!support.writable || support.version === 'none') {
    throw new BraidError(
      'E_LIMITS',
      `resource limits need a writable cgroup hierarchy: ${support.reason ?? 'none found'}`,
      'Run braid where cgroups are delegated (cgroup v2: systemd-run --user --scope -p Delegate=yes), or drop `limits` (or set limits.required: false).',
    );
  }
  const rel = ['braid', cgroupSegment(repoName), cgroupSegment(task)];
  const want = wantedControllers(limits);
  const missing = want.filter((c) => !support.controllers.includes(c));
  if (missing.length) {
    throw new BraidError(
      'E_LIMITS',
      `the cgroup controller${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not usable here (${support.version})`,
      'Drop the matching limit from `limits` in braid.yaml, or run braid where that controller is delegated.',
    );
  }
  const ref: TaskCgroupRef =
    support.version === 'v2'
      ? { version: 'v2', paths: [createV2(support.bases.unified, rel, support.controllers)] }
      : { version: 'v1', paths: Object.values(support.bases).map((b) => mkdirs(b, rel)) };
  const group = openTaskCgroup({ ref: dedupe(ref) });
  try {
    applyLimits(group.ref, limits);
  } catch (err) {
    await group.remove();
    throw new BraidError('E_LIMITS', `could not set limits: ${(err as Error).message}`);
  }
  return group;
}

function wantedControllers(limits: CgroupLimits): string[] {
  return [
    limits.memory !== undefined ? 'memory' : '',
    limits.cpu !== undefined ? 'cpu' : '',
    limits.pids !== undefined ? 'pids' : '',
  ].filter(Boolean);
}

function dedupe(ref: TaskCgroupRef): TaskCgroupRef {
  return { ...ref, paths: [...new Set(ref.paths)] };
}

function mkdirs(base: string, rel: string[]): string {
  const dir = path.join(base, ...rel);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** v2 needs each level to hand its controllers down (cgroup.subtree_control) before the leaf has them. */
function createV2(base: string, rel: string[], controllers: string[]): string {
  const enable = controllers.map((c) => `+${c}`).join(' ');
  let dir = base;
  for (const seg of rel) {
    try {
      writeFileSync(path.join(dir, 'cgroup.subtree_control'), enable);
    } catch (err) {
      throw new BraidError(
        'E_LIMITS',
        `cgroup v2: cannot enable ${controllers.join(', ')} below ${dir}: ${(err as Error).message}`,
        'The cgroup braid runs in holds processes itself; start braid in a delegated scope (systemd-run --user --scope -p Delegate=yes).',
      );
    }
    dir = path.join(dir, seg);
    mkdirSync(dir, { recursive: true });
  }
  return dir;
}

function applyLimits(ref: TaskCgroupRef, limits: CgroupLimits): void {
  const file = (name: string) => ref.paths.map((p) => path.join(p, name)).find((f) => existsSync(f));
  const set = (name: string, value: string) => {
    const f = file(name);
    if (!f) throw new Error(`${name} not found in ${ref.paths.join(', ')}`);
    writeFileSync(f, value);
  };
  if (ref.version === 'v1') {
    if (limits.memory !== undefined) {
      const bytes = String(parseSize(limits.memory));
      set('memory.limit_in_bytes', bytes);
      // Without this a task could spill past its limit into swap.
      if (file('memory.memsw.limit_in_bytes')) set('memory.memsw.limit_in_bytes', bytes);
    }
    if (limits.cpu !== undefined) {
      set('cpu.cfs_period_us', String(CFS_PERIOD_US));
      set('cpu.cfs_quota_us', String(Math.max(1000, Math.round(limits.cpu * CFS_PERIOD_US))));
    }
    if (limits.pids !== undefined) set('pids.max', String(limits.pids));
    return;
  }
  if (limits.memory !== undefined) {
    set('memory.max', String(parseSize(limits.memory)));
    if (file('memory.swap.max')) set('memory.swap.max', '0');
  }
  if (limits.cpu !== undefined) {
    set('cpu.max', `${Math.max(1000, Math.round(limits.cpu * CFS_PERIOD_US))} ${CFS_PERIOD_US}`);
  }
  if (limits.pids !== undefined) set('pids.max', String(limits.pids));
}

/** A handle on an existing task cgroup (from a ref recorded in the store). */
export function openTaskCgroup({ ref }: { ref: TaskCgroupRef }): TaskCgroup {
  const procsFiles = ref.paths.map((p) => path.join(p, 'cgroup.procs'));
  const find = (name: string) => ref.paths.map((p) => path.join(p, name)).find((f) => existsSync(f));
  const readNumber = (name: string, key?: string): number | null => {
    const f = find(name);
    if (!f) return null;
    try {
      const text = readFileSync(f, 'utf8');
      const raw = key ? new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] : text.trim();
      return raw === undefined || raw === '' ? null : Number(raw);
    } catch {
      return null;
    }
  };
  const pids = (): number[] => {
    const all = new Set<number>();
    for (const f of procsFiles) {
      try {
        for (const l of readFileSync(f, 'utf8').split('\n')) if (l.trim()) all.add(Number(l));
      } catch {
        // a removed cgroup has no processes
      }
    }
    return [...all];
  };
  const group: TaskCgroup = {
    ref,
    procsFiles,
    addPid(pid) {
      for (const f of procsFiles) writeFileSync(f, String(pid));
    },
    pids,
    stats() {
      const usec = ref.version === 'v2' ? readNumber('cpu.stat', 'usage_usec') : null;
      return {
        memoryBytes: readNumber(ref.version === 'v2' ? 'memory.current' : 'memory.usage_in_bytes'),
        cpuUsageNs: ref.version === 'v2' ? (usec === null ? null : usec * 1000) : readNumber('cpuacct.usage'),
        pids: readNumber('pids.current'),
      };
    },
    killAll: (timeoutMs = 10_000) => killAll(ref, pids, find, timeoutMs),
    async remove() {
      if (pids().length) await group.killAll();
      for (const dir of ref.paths) await removeDir(dir);
    },
  };
  return group;
}

async function killAll(
  ref: TaskCgroupRef,
  pids: () => number[],
  find: (name: string) => string | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const killFile = ref.version === 'v2' ? find('cgroup.kill') : undefined;
  while (pids().length) {
    if (killFile) {
      writeFileSync(killFile, '1');
    } else {
      // Frozen processes cannot fork, so one sweep catches a fork bomb whole.
      const freezer = find(ref.version === 'v2' ? 'cgroup.freeze' : 'freezer.state');
      const [frozen, thawed] = ref.version === 'v2' ? ['1', '0'] : ['FROZEN', 'THAWED'];
      if (freezer) writeFileSync(freezer, frozen);
      for (const pid of pids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (freezer) writeFileSync(freezer, thawed);
    }
    if (Date.now() > deadline) {
      throw new BraidError(
        'E_LIMITS',
        `processes ${pids().join(', ')} are still in ${ref.paths[0]} after SIGKILL`,
        'They may be stuck in the kernel (D state); check with ps -o pid,stat,cmd.',
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function removeDir(dir: string): Promise<void> {
  // The kernel releases a cgroup a moment after its last process is reaped: retry EBUSY briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      rmdirSync(dir);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') break;
      if (code !== 'EBUSY' || attempt > 100) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  // Tidy `braid/<repo>` and `braid` when this was their last task; others keep them busy.
  for (const parent of [path.dirname(dir), path.dirname(path.dirname(dir))]) {
    try {
      rmdirSync(parent);
    } catch {
      break;
    }
  }
}
