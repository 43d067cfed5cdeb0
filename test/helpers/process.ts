import { readFileSync } from 'node:fs';

/** The state letter of /proc/<pid>/stat ('T' stopped, 'Z' zombie…), or null when the process is gone. */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return null;
  }
}
