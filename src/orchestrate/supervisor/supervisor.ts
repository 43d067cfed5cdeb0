import { existsSync } from 'node:fs';
import { BraidError } from '../../core/errors.js';
import { LIVE_STATUSES, type TaskStatus } from '../../core/task.js';
import { BranchTipsCache } from '../../git/refs.js';
import type { Project } from '../../project/project.js';
import { listLocks, releaseLock, selfHolder, tryAcquireLock } from '../../store/locks.js';
import { listTasks } from '../../store/tasks.js';
import { SUPERVISOR_CHANGES, taskChanges } from '../../watch/monitor/task-changes.js';
import { deliverTypedNotes } from '../../watch/notes/deliver.js';
import { LimitLoop, staggerFromEnv } from '../limits.js';
import { reviveLostSessions } from '../revive.js';
import { BudgetLoop } from './budget-loop.js';
import { DiskLoop } from './disk-loop.js';
import { EventLog, eventLogPath } from './event-log.js';
import { EventRelay } from './event-relay.js';
import { initialLoopState, type LoopSpec, runLoop } from './loop.js';
import { NotifyLoop } from './notify-loop.js';
import { DEFAULT_TIMINGS, type SupervisorTimings } from './options.js';
import { QueueLoop } from './queue-loop.js';
import { RadarLoop } from './radar-loop.js';
import { Reconciler } from './reconcile.js';
import { removeState, type SupervisorState, stateFilePath, writeState } from './state-file.js';
import { UsageLoop } from './usage-loop.js';

export const SUPERVISOR_LOCK = 'supervisor';

/** Statuses that keep the supervisor around: a session may run, or work is on its way to main. */
const KEEPS_ALIVE: readonly TaskStatus[] = [...LIVE_STATUSES, 'provisioning', 'queued', 'landing', 'limited'];

/** The state file (`braid up --json`'s loops) lags the loops' counters by at most this much… */
const PUBLISH_MS = 10_000;
/** …and a loop's first run or a change of its error by at most this much. */
const PUBLISH_SOON_MS = 2_000;

export type StopReason = 'idle' | 'signal' | 'lost-lock' | 'repo-gone';

export interface RunSupervisorOptions {
  timings?: Partial<SupervisorTimings>;
  /** Aborting stops the loops (SIGTERM does the same when `handleSignals` is set). */
  signal?: AbortSignal;
  handleSignals?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Bring back sessions lost in a reboot when starting (default true). */
  revive?: boolean;
}

/**
 * Runs the supervisor of one repository in this process until no task is live for the grace
 * period, the signal aborts, or another process took the lock. Throws E_LOCKED when one already runs.
 */
export async function runSupervisor(
  project: Project,
  options: RunSupervisorOptions = {},
): Promise<StopReason> {
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const { store, repo } = project;
  const me = selfHolder('braid supervisor');
  const got = tryAcquireLock(store, SUPERVISOR_LOCK, me);
  if (!got.acquired) {
    throw new BraidError(
      'E_LOCKED',
      `a supervisor already runs for this repository (pid ${got.holder.pid})`,
      'Stop it with braid down.',
    );
  }
  const log = new EventLog(eventLogPath(repo.commonDir));
  const stateFile = stateFilePath(repo.commonDir);
  const stop = new AbortController();
  let reason = 'signal' as StopReason;
  const finish = (why: StopReason) => {
    if (stop.signal.aborted) return;
    reason = why;
    stop.abort();
  };
  options.signal?.addEventListener('abort', () => finish('signal'), { once: true });
  const onSignal = () => finish('signal');
  if (options.handleSignals)
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, onSignal);

  const reconciler = new Reconciler(project, log);
  const queue = new QueueLoop(project, log);
  const usage = new UsageLoop(project, options.env);
  // The changes and radar loops ask for every branch tip; git only when a ref moved.
  const tips = new BranchTipsCache(repo.root, repo.commonDir);
  const radar = new RadarLoop(project, log, tips);
  const budget = new BudgetLoop(project);
  const limits = new LimitLoop(project, staggerFromEnv(options.env));
  const relay = new EventRelay(project, log);
  const disk = new DiskLoop(project, timings.diskMs);
  const notify = new NotifyLoop(project, (f) => log.append({ kind: 'notify.failed', ...f }), options.env);
  let idleSince: number | null = null;
  let revived = options.revive === false;
  const keepAlive = () => {
    // The repository was deleted under us (temp repos, demos): nothing left to supervise.
    if (!existsSync(repo.commonDir)) return finish('repo-gone');
    let busy = false;
    try {
      // A read, not a write: the lock row is ours until a process that saw us dead replaced it.
      const row = listLocks(store).find((l) => l.name === SUPERVISOR_LOCK);
      if (!row || row.pid !== me.pid || row.pidStart !== me.pidStart) return finish('lost-lock');
      busy = listTasks(store).some((t) => KEEPS_ALIVE.includes(t.status)) || queue.hasWork();
    } catch {
      // An unreadable store keeps nothing alive: count down like an idle repository.
    }
    idleSince = busy ? null : (idleSince ?? Date.now());
    if (idleSince !== null && Date.now() - idleSince >= timings.graceMs) finish('idle');
  };
  const specs: LoopSpec[] = [
    {
      name: 'reconcile',
      intervalMs: timings.reconcileMs,
      // Even a failing pass must not keep the supervisor around forever.
      run: async () => {
        try {
          await reconciler.pass();
          // Once, after the first pass has logged what it found dead: sessions lost with the machine come back.
          if (!revived) {
            revived = true;
            await reviveLostSessions(project).catch((err: unknown) => onError('revive', err));
          }
        } finally {
          relay.pass();
          keepAlive();
        }
      },
    },
    { name: 'usage', intervalMs: timings.usageMs, run: async () => void (await usage.pass()) },
    {
      // Files, ahead and behind per task, stored so braid ls and the dashboards need not ask git.
      name: 'changes',
      intervalMs: timings.usageMs,
      run: async () => {
        const options = { ...SUPERVISOR_CHANGES, tips: () => tips.get() };
        await taskChanges(store, repo.root, listTasks(store), options);
      },
    },
    { name: 'radar', intervalMs: timings.radarMs, run: () => radar.pass() },
    { name: 'queue', intervalMs: timings.queueMs, run: () => queue.pass() },
    { name: 'budget', intervalMs: timings.budgetMs, run: () => budget.pass() },
    { name: 'limits', intervalMs: timings.limitsMs, run: async () => void (await limits.pass()) },
    {
      name: 'notes',
      intervalMs: timings.notesMs,
      run: async () => {
        const tasks = await deliverTypedNotes(project);
        if (tasks.length) log.append({ kind: 'notes.typed', tasks });
      },
    },
    { name: 'notify', intervalMs: timings.notifyMs, run: () => notify.pass() },
    { name: 'disk', intervalMs: timings.diskMs, run: () => disk.pass() },
  ];
  const state: SupervisorState = {
    pid: process.pid,
    startedAt: Date.now(),
    loops: specs.map(initialLoopState),
    idleSince: null,
  };
  let published = 0;
  let pending: NodeJS.Timeout | null = null;
  let pendingAt = 0;
  const write = () => {
    pending = null;
    published = Date.now();
    state.idleSince = idleSince;
    if (!stop.signal.aborted) writeState(stateFile, state);
  };
  // Loops finish a run every second or so: their report is written at most once per PUBLISH_MS.
  const publish = (notable: boolean) => {
    const at = published + (notable ? PUBLISH_SOON_MS : PUBLISH_MS);
    if (pending && pendingAt <= at) return;
    if (pending) clearTimeout(pending);
    pendingAt = at;
    pending = setTimeout(write, Math.max(0, at - Date.now()));
    pending.unref();
  };
  write();
  log.append({ kind: 'supervisor.started', pid: process.pid, loops: specs.map((s) => s.name) });
  const onError = (loop: string, err: unknown) =>
    log.append({ kind: 'loop.error', loop, message: (err as Error).message ?? String(err) });
  try {
    await Promise.all(specs.map((spec, i) => runLoop(spec, state.loops[i], stop.signal, onError, publish)));
  } finally {
    if (pending) clearTimeout(pending);
    if (options.handleSignals)
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(s, onSignal);
    removeState(stateFile, process.pid);
    if (reason !== 'lost-lock' && reason !== 'repo-gone') releaseLock(store, SUPERVISOR_LOCK, me);
    log.append({ kind: 'supervisor.stopped', pid: process.pid, reason });
  }
  return reason;
}
