import { readFileSync } from 'node:fs';

/** The kernel's start time of a process (clock ticks since boot), so a reused pid is not mistaken for ours. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** True when `pid` runs and, if `start` is known, is the same process that was recorded. */
export function isProcessAlive(pid: number | null | undefined, start?: string | null): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!start) return true;
  const now = processStartTime(pid);
  // Without /proc we cannot tell a reused pid apart; trust the signal check.
  return now === null ? true : now === start;
}

export function selfIdentity(): { pid: number; start: string | null } {
  return { pid: process.pid, start: processStartTime(process.pid) };
}
