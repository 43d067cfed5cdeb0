import { BraidError } from '../../core/errors.js';
import { builtModule } from '../../exec/built.js';
import { spawnDetached } from '../../exec/detached.js';
import { isProcessAlive } from '../../exec/pid.js';
import type { Project } from '../../project/project.js';
import { type LockInfo, listLocks } from '../../store/locks.js';
import { type LoopState, readState, stateFilePath } from './state-file.js';
import { SUPERVISOR_LOCK } from './supervisor.js';

export interface SupervisorStatus {
  running: boolean;
  pid: number | null;
  startedAt: number | null;
  loops: LoopState[];
  idleSince: number | null;
}

/** The live supervisor holding the repository's lock, or null. */
export function supervisorHolder(project: Project): LockInfo | null {
  const row = listLocks(project.store).find((l) => l.name === SUPERVISOR_LOCK);
  return row && isProcessAlive(row.pid, row.pidStart) ? row : null;
}

export function supervisorStatus(project: Project): SupervisorStatus {
  const holder = supervisorHolder(project);
  if (!holder) return { running: false, pid: null, startedAt: null, loops: [], idleSince: null };
  const state = readState(stateFilePath(project.repo.commonDir));
  const mine = state?.pid === holder.pid ? state : null;
  return {
    running: true,
    pid: holder.pid,
    startedAt: mine?.startedAt ?? holder.acquiredAt,
    loops: mine?.loops ?? [],
    idleSince: mine?.idleSince ?? null,
  };
}

/** The light entry point (no CLI, no web server) that a detached supervisor runs. */
function supervisorMain(): string {
  return builtModule('orchestrate/supervisor/main.js');
}

export interface StartResult {
  pid: number;
  /** False when one was already running. */
  started: boolean;
}

/** Starts a detached supervisor unless one runs; with `wait`, until it holds the lock. */
export async function startSupervisor(
  project: Project,
  options: { wait?: boolean; env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[] } = {},
): Promise<StartResult> {
  const running = supervisorHolder(project);
  if (running) return { pid: running.pid, started: false };
  // A small young generation: the supervisor allocates little, and idle RSS is what users see.
  const pid = await spawnDetached(
    process.execPath,
    // nodeArgs: the benchmark's profiler flags (`--cpu-prof`), never user input.
    ['--max-semi-space-size=1', ...(options.nodeArgs ?? []), supervisorMain(), project.repo.root],
    {
      cwd: project.repo.root,
      env: options.env ?? process.env,
    },
  );
  if (!options.wait) return { pid, started: true };
  const deadline = Date.now() + 15_000;
  let heldAt = 0;
  for (;;) {
    const holder = supervisorHolder(project);
    // Two starts may race: whichever holds the lock is the supervisor. Ours counts as started once it
    // has also published its state (its loops), which it does a moment after taking the lock.
    const published = () => readState(stateFilePath(project.repo.commonDir))?.pid === pid;
    if (holder && !heldAt) heldAt = Date.now();
    // The state file is only a report: a supervisor that cannot write it is running all the same.
    if (holder && (holder.pid !== pid || published() || Date.now() - heldAt > 2_000))
      return { pid: holder.pid, started: holder.pid === pid };
    if (!isProcessAlive(pid)) {
      throw new BraidError(
        'E_PROCESS',
        'the supervisor exited right after starting',
        'Run braid up --foreground to see why.',
      );
    }
    if (Date.now() > deadline)
      throw new BraidError(
        'E_TIMEOUT',
        'the supervisor did not start within 15 s',
        'Run braid up --foreground to see why.',
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * What `braid new` and `braid run` call: a supervisor for this repository, started if absent.
 * BRAID_NO_SUPERVISOR=1 turns it off (tests of other parts; users who prefer `braid up` by hand).
 */
export async function ensureSupervisor(
  project: Project,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StartResult | null> {
  if (env.BRAID_NO_SUPERVISOR === '1') return null;
  try {
    return await startSupervisor(project, { env });
  } catch {
    return null; // the task itself is fine without one; braid up reports why
  }
}

export interface StopResult {
  /** The pid that was stopped, or null when none ran. */
  pid: number | null;
  forced: boolean;
}

/** SIGTERM, wait for it to let go, SIGKILL after `graceMs`. Sessions are never touched. */
export async function stopSupervisor(project: Project, graceMs = 10_000): Promise<StopResult> {
  const holder = supervisorHolder(project);
  if (!holder) return { pid: null, forced: false };
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(holder.pid, sig);
    } catch {
      // already gone
    }
  };
  const gone = () => !isProcessAlive(holder.pid, holder.pidStart);
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (!gone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (gone()) return { pid: holder.pid, forced: false };
  signal('SIGKILL');
  while (!gone()) await new Promise((r) => setTimeout(r, 50));
  return { pid: holder.pid, forced: true };
}
