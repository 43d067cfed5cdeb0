import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { run } from '../../exec/run.js';

/** One line of /proc/<pid>/stat, the fields braid needs. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot: tells a reused pid apart. */
  startTime: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

/** Parses /proc/<pid>/stat text (the command name may hold spaces and parentheses). */
export function parseStat(pid: number, text: string): ProcInfo | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const f = text.slice(close + 2).split(' ');
  // Field n of proc(5) is f[n - 3]: ppid 4, utime 14, stime 15, starttime 22.
  const ppid = Number(f[1]);
  const ticks = Number(f[11]) + Number(f[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(ticks) || f[19] === undefined) return null;
  return { pid, ppid, startTime: f[19], cpuTicks: ticks };
}

function readStat(pid: number): ProcInfo | null {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null; // gone between listing and reading
  }
}

/** Every process on the machine, by pid (processes that vanish mid-scan are simply absent). */
export function readProcessTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return table; // no /proc (not Linux): resources stay unknown
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const info = readStat(Number(name));
    if (info) table.set(info.pid, info);
  }
  return table;
}

/** `root` and all its descendants that are alive in `table`, root first. */
export function processTree(root: number, table: Map<number, ProcInfo> = readProcessTable()): number[] {
  if (!table.has(root)) return [];
  const children = new Map<number, number[]>();
  for (const p of table.values()) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  return walkTree(root, (pid) => children.get(pid) ?? []);
}

/**
 * `root` and its descendants from the kernel's own children lists (/proc/<pid>/task/<tid>/children):
 * a few reads instead of a scan of every process. Falls back to the scan where the kernel keeps none.
 */
export function descendantsOf(root: number): number[] {
  try {
    return walkTree(root, kernelChildren);
  } catch (err) {
    if (err === NO_CHILDREN_LISTS) return processTree(root);
    throw err;
  }
}

const NO_CHILDREN_LISTS = new Error('this kernel keeps no /proc children lists');

/** The children of `pid` as the kernel lists them, or null when it is gone. */
function kernelChildren(pid: number): number[] | null {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const out: number[] = [];
  for (const tid of threads) {
    try {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
      for (const child of list.split(' ')) if (child.trim()) out.push(Number(child));
    } catch {
      // A kernel without CONFIG_PROC_CHILDREN has no such file at all; a thread may also just have ended.
      if (existsSync(`/proc/${pid}/task/${tid}`)) throw NO_CHILDREN_LISTS;
    }
  }
  return out;
}

/** Breadth-first from `root`, each pid once, root first; a pid whose children are null is gone and left out. */
function walkTree(root: number, childrenOf: (pid: number) => number[] | null): number[] {
  const out: number[] = [];
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const children = childrenOf(pid);
    if (!children) continue;
    out.push(pid);
    queue.push(...children);
  }
  return out;
}

/** Resident memory of one process in bytes (VmRSS), or null when it is gone or has none (kernel thread). */
export function rssBytesOf(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface TreeSample {
  at: number;
  pids: number[];
  rssBytes: number;
  /** Ticks per process, keyed by pid and start time so a reused pid starts from zero. */
  ticks: Map<string, number>;
}

/** A snapshot of a process tree: null when the root is not running. */
export function sampleTree(
  root: number,
  table: Map<number, ProcInfo> = readProcessTable(),
): TreeSample | null {
  const pids = processTree(root, table);
  if (pids.length === 0) return null;
  let rssBytes = 0;
  const ticks = new Map<string, number>();
  for (const pid of pids) {
    rssBytes += rssBytesOf(pid) ?? 0;
    const info = table.get(pid)!;
    ticks.set(`${pid}:${info.startTime}`, info.cpuTicks);
  }
  return { at: Date.now(), pids, rssBytes, ticks };
}

export interface ResourceUsage {
  pids: number[];
  rssBytes: number;
  /** Percent of one core since the previous sample of this root (null on the first one); may exceed 100. */
  cpuPercent: number | null;
}

/**
 * CPU use of process trees as the difference of CPU time between two samples. Processes that
 * appeared since the previous sample count all their time; processes that exited drop out.
 */
export class CpuSampler {
  private readonly previous = new Map<number, TreeSample>();

  constructor(private readonly clockTicks = 100) {}

  sample(root: number, table?: Map<number, ProcInfo>): ResourceUsage | null {
    const now = sampleTree(root, table);
    const before = this.previous.get(root);
    if (!now) {
      this.previous.delete(root);
      return null;
    }
    this.previous.set(root, now);
    if (!before || now.at <= before.at) return { pids: now.pids, rssBytes: now.rssBytes, cpuPercent: null };
    let delta = 0;
    for (const [key, ticks] of now.ticks) delta += Math.max(0, ticks - (before.ticks.get(key) ?? 0));
    const seconds = (now.at - before.at) / 1000;
    const cpuPercent = Math.round((delta / this.clockTicks / seconds) * 100 * 10) / 10;
    return { pids: now.pids, rssBytes: now.rssBytes, cpuPercent };
  }

  forget(root: number): void {
    this.previous.delete(root);
  }
}

let clockTicksCache: number | null = null;

/** The kernel's clock ticks per second (USER_HZ): `getconf CLK_TCK`, 100 when that fails. */
export async function clockTicksPerSecond(): Promise<number> {
  if (clockTicksCache !== null) return clockTicksCache;
  try {
    const res = await run('getconf', ['CLK_TCK'], { cwd: '/', timeoutMs: 5000 });
    const n = Number(res.stdout.trim());
    clockTicksCache = Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    clockTicksCache = 100;
  }
  return clockTicksCache;
}
