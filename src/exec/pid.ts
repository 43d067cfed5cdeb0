import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The kernel's start time of a process (clock ticks since boot), so a reused pid is not mistaken for ours. */
export function processStartTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** True when `pid` runs and, if `start` is known, is the same process that was recorded. */
export function isProcessAlive(pid: number | null | undefined, start?: string | null): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const fields = statFields(pid);
  // A zombie has ended; it only waits for its parent (tmux, say) to reap it, which can take a while.
  if (fields && (fields[0] === 'Z' || fields[0] === 'X')) return false;
  if (!start) return true;
  const now = fields?.[19] ?? null;
  // Without /proc we cannot tell a reused pid apart; trust the signal check.
  return now === null ? true : now === start;
}

export function selfIdentity(): { pid: number; start: string | null } {
  return { pid: process.pid, start: processStartTime(process.pid) };
}
