/** The one reader of /proc: process status lines, the process table, process trees, environments. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** One line of /proc/<pid>/stat, the fields braid needs. */
export interface ProcStat {
  pid: number;
  /** R, S, D, Z (zombie), X (dead)… */
  state: string;
  ppid: number;
  pgrp: number;
  /** Start time in clock ticks since boot: tells a reused pid apart. */
  startTime: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** cutime + cstime: reaped children's CPU time, in clock ticks. */
  childCpuTicks: number;
}

/** Parses /proc/<pid>/stat text (the command name may hold spaces and parentheses). */
export function parseStat(pid: number, text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const f = text.slice(close + 2).split(' ');
  // Field n of proc(5) is f[n - 3]: state 3, ppid 4, pgrp 5, utime 14, stime 15, cutime 16, cstime 17, starttime 22.
  const ppid = Number(f[1]);
  const ticks = Number(f[11]) + Number(f[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(ticks) || f[19] === undefined) return null;
  return {
    pid,
    state: f[0],
    ppid,
    pgrp: Number(f[2]),
    startTime: f[19],
    cpuTicks: ticks,
    childCpuTicks: Number(f[13]) + Number(f[14]),
  };
}

/** The process's stat line, or null when it is gone (or there is no /proc). */
export function readStat(pid: number): ProcStat | null {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Every process on the machine (processes that vanish mid-scan are absent); null without /proc. */
export function scanProcesses(): ProcStat[] | null {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const info = readStat(Number(name));
    if (info) out.push(info);
  }
  return out;
}

/** Every process by pid; empty without /proc (not Linux: resources stay unknown). */
export function readProcessTable(): Map<number, ProcStat> {
  return new Map((scanProcesses() ?? []).map((p) => [p.pid, p]));
}

/** The process's environment as NAME=value strings, or null when it is gone or not ours to read. */
export function readEnviron(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return null;
  }
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

/** `root` and all its descendants that are alive in `table`, root first. */
export function processTree(root: number, table: Map<number, ProcStat> = readProcessTable()): number[] {
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
