/** The task record as the rest of braid sees it (the store maps rows to this). */

const TASK_STATUSES = [
  'provisioning',
  'starting',
  'working',
  'waiting',
  'idle',
  'exited',
  'failed',
  // Stopped by the agent's usage or rate limit: resumed by the supervisor at the reset.
  'limited',
  // Stopped at 100 % of its budget, its work committed: `braid budget` raises it and resumes.
  'paused',
  'queued',
  'landing',
  'landed',
  'conflict',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export type StatusSource = 'hook' | 'process' | 'screen';
export type RuntimeKind = 'tmux' | 'headless';

export interface TokenCounts {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
}

export interface TaskOptions {
  headless?: boolean;
  sandbox?: boolean;
  readonly?: boolean;
  /** Setup log, provisioning notes and similar per-task facts. */
  [key: string]: unknown;
}

export interface Task {
  name: string;
  branch: string;
  worktree: string;
  base: string;
  baseCommit: string;
  agent: string;
  prompt: string | null;
  runtime: RuntimeKind;
  status: TaskStatus;
  statusSource: StatusSource;
  statusSince: number;
  /** For `waiting`, what the agent asks; for `failed`, why. */
  statusDetail: string | null;
  exitCode: number | null;
  pid: number | null;
  agentSessionId: string | null;
  /** The latest session's transcript (Claude Code's transcript_path). */
  transcriptPath: string | null;
  /** Every transcript the task's sessions wrote, oldest first: usage is the sum of them all. */
  transcriptPaths: string[];
  logPath: string | null;
  needs: string[];
  runId: string | null;
  landedCommit: string | null;
  options: TaskOptions;
  createdAt: number;
  updatedAt: number;
}

/** Statuses in which an agent process may be alive. */
export const LIVE_STATUSES: readonly TaskStatus[] = ['starting', 'working', 'waiting', 'idle'];

/** Statuses with no session left to stop: not started yet, or over (a UI offers no "stop" there). */
export const NOTHING_TO_STOP: readonly string[] = ['provisioning', 'exited', 'failed', 'landed', 'paused'];

/** Whether a UI should offer "stop" for a task in this status (a queued or conflicted task's agent may still run). */
export function canStop(status: string): boolean {
  return !NOTHING_TO_STOP.includes(status);
}
