import { readStat } from './proc.js';

/** The kernel's start time of a process (clock ticks since boot), so a reused pid is not mistaken for ours. */
export function processStartTime(pid: number): string | null {
  return readStat(pid)?.startTime ?? null;
}

/** True when `pid` runs and, if `start` is known, is the same process that was recorded. */
export function isProcessAlive(pid: number | null | undefined, start?: string | null): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readStat(pid);
  // A zombie has ended; it only waits for its parent (tmux, say) to reap it, which can take a while.
  if (stat && (stat.state === 'Z' || stat.state === 'X')) return false;
  if (!start) return true;
  const now = stat?.startTime ?? null;
  // Without /proc we cannot tell a reused pid apart; trust the signal check.
  return now === null ? true : now === start;
}

export function selfIdentity(): { pid: number; start: string | null } {
  return { pid: process.pid, start: processStartTime(process.pid) };
}
