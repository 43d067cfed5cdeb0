import { descendantsOf, type ProcStat, processTree, readStat, rssBytesOf } from '../../exec/proc.js';
import { run } from '../../exec/run.js';

export interface TreeSample {
  at: number;
  pids: number[];
  rssBytes: number;
  /** Ticks per process, keyed by pid and start time so a reused pid starts from zero. */
  ticks: Map<string, number>;
}

/**
 * A snapshot of a process tree: null when the root is not running. Without a process table the tree
 * is read from the kernel's children lists: a few files a session instead of every process's.
 */
export function sampleTree(root: number, table?: Map<number, ProcStat>): TreeSample | null {
  const found = table ? processTree(root, table) : descendantsOf(root);
  const pids: number[] = [];
  let rssBytes = 0;
  const ticks = new Map<string, number>();
  for (const pid of found) {
    const info = table?.get(pid) ?? readStat(pid);
    if (!info) continue; // ended between the two reads
    pids.push(pid);
    rssBytes += rssBytesOf(pid) ?? 0;
    ticks.set(`${pid}:${info.startTime}`, info.cpuTicks);
  }
  return pids.length === 0 ? null : { at: Date.now(), pids, rssBytes, ticks };
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

  sample(root: number, table?: Map<number, ProcStat>): ResourceUsage | null {
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
