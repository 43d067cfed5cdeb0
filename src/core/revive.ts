/**
 * Which ended sessions died with their host (a reboot, the tmux server killed) rather than by their
 * own doing or a stop: those `braid up` and the supervisor bring back. Pure.
 */
import type { StatusSource, TaskStatus } from './task.js';

/** 128 + SIGHUP: the agent's terminal went away (the tmux server was killed under it). */
const HANGUP_EXIT = 129;

export interface EndedSession {
  status: TaskStatus;
  statusSource: StatusSource;
  exitCode: number | null;
  /** Someone asked the session to stop (braid stop, a budget): it stays stopped. */
  stopRequested: boolean;
  /** The exit record's code, null when the record has none, undefined when there is no record at all. */
  recordedExitCode: number | null | undefined;
}

/** True for a session that the process source found dead with no exit of its own: killed with the machine or tmux. */
export function lostWithHost(s: EndedSession): boolean {
  if (s.stopRequested || s.status !== 'failed' || s.statusSource !== 'process') return false;
  // Nothing was left to write a record (SIGKILL, power off).
  if (s.recordedExitCode === undefined && s.exitCode === null) return true;
  // The recorder outlived the agent only to note the hangup.
  return s.exitCode === HANGUP_EXIT || s.recordedExitCode === HANGUP_EXIT;
}

/** Told to a session brought back in the middle of its work (a headless one always is: it needs a prompt). */
export const REVIVE_PROMPT =
  'braid: this session was interrupted (the machine or its tmux server restarted). Continue the task where you left off.';

/** The follow-up a revived session gets: none for an interactive one that sat at its prompt. */
export function reviveFollowUp(
  runtime: 'tmux' | 'headless',
  statusBefore: TaskStatus | null,
): string | undefined {
  const midTurn = statusBefore === 'working' || statusBefore === 'starting';
  return runtime === 'headless' || midTurn ? REVIVE_PROMPT : undefined;
}
