import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { braidDir } from '../../isolate/workspace/paths.js';

/** One loop as `braid up --json` reports it. */
export interface LoopState {
  name: string;
  intervalMs: number;
  runs: number;
  lastRunAt: number | null;
  lastDurationMs: number | null;
  /** Wall time of every run so far: what the loop costs, beside its interval (the bench reads it). */
  totalMs?: number;
  lastError: string | null;
}

/** What a running supervisor publishes about itself (the lock row says who; this says what it does). */
export interface SupervisorState {
  pid: number;
  startedAt: number;
  loops: LoopState[];
  /** Since when no task has been live (null while some is): the supervisor exits after the grace period. */
  idleSince: number | null;
}

export function stateFilePath(commonDir: string): string {
  return path.join(braidDir(commonDir), 'supervisor.json');
}

/** Written to a temporary file and renamed, so readers never see half a document. */
export function writeState(file: string, state: SupervisorState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(state)}\n`);
    renameSync(tmp, file);
  } catch {
    // Only `braid up --json` reads it; the loops matter more than their report.
  }
}

export function readState(file: string): SupervisorState | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SupervisorState;
  } catch {
    return null;
  }
}

export function removeState(file: string, pid: number): void {
  if (readState(file)?.pid === pid) rmSync(file, { force: true });
}
