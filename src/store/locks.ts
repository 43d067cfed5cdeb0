import { BraidError } from '../core/errors.js';
import { isProcessAlive, processStartTime } from '../exec/pid.js';
import type { Store } from './db.js';

/** Who holds (or wants) a lock: a live process, told apart from a later one reusing its pid. */
export interface LockHolder {
  pid: number;
  pidStart: string | null;
  label: string;
}

export interface LockInfo extends LockHolder {
  name: string;
  acquiredAt: number;
}

export type TryAcquireResult = { acquired: true } | { acquired: false; holder: LockInfo };

interface LockRow {
  name: string;
  pid: number;
  pid_start: string | null;
  holder: string;
  acquired_at: number;
}

const fromRow = (r: LockRow): LockInfo => ({
  name: r.name,
  pid: r.pid,
  pidStart: r.pid_start,
  label: r.holder,
  acquiredAt: r.acquired_at,
});

const LOCK_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Lock names end up in messages and the store only, but keep them plain so scripts never need quoting. */
export function assertLockName(name: string): void {
  if (!LOCK_NAME.test(name)) {
    throw new BraidError(
      'E_BAD_NAME',
      `'${name}' is not a valid lock name`,
      'Use 1–64 characters of a-z, 0-9, ".", "_" and "-", starting with a letter or digit, e.g. "migrations".',
    );
  }
}

/** This process as a lock holder. */
export function selfHolder(label: string): LockHolder {
  return { pid: process.pid, pidStart: processStartTime(process.pid), label };
}

function isStale(info: LockInfo): boolean {
  return !isProcessAlive(info.pid, info.pidStart);
}

/** Takes the lock if it is free or its holder died (pid gone or reused); never waits. */
export function tryAcquireLock(store: Store, name: string, holder: LockHolder): TryAcquireResult {
  return store.tx(() => {
    const row = store.db.prepare('SELECT * FROM locks WHERE name = ?').get(name) as LockRow | undefined;
    if (row) {
      const info = fromRow(row);
      const same = info.pid === holder.pid && info.pidStart === holder.pidStart;
      if (!same && !isStale(info)) return { acquired: false as const, holder: info };
    }
    recordLock(store, name, holder);
    return { acquired: true as const };
  });
}

/** Releases the lock only if `holder` still holds it (a taken-over lock is not ours to drop). */
export function releaseLock(
  store: Store,
  name: string,
  holder: Pick<LockHolder, 'pid' | 'pidStart'>,
): boolean {
  return store.tx(() => {
    const res = store.db
      .prepare('DELETE FROM locks WHERE name = ? AND pid = ? AND pid_start IS ?')
      .run(name, holder.pid, holder.pidStart);
    return res.changes > 0;
  });
}

export function listLocks(store: Store): LockInfo[] {
  const rows = store.db.prepare('SELECT * FROM locks ORDER BY name').all() as LockRow[];
  return rows.map(fromRow);
}

/** Drops every lock whose holder died; returns them (for braid gc). */
export function clearStaleLocks(store: Store): LockInfo[] {
  return store.tx(() => {
    const rows = store.db.prepare('SELECT * FROM locks').all() as LockRow[];
    const stale = rows.map(fromRow).filter(isStale);
    const del = store.db.prepare('DELETE FROM locks WHERE name = ? AND pid = ? AND pid_start IS ?');
    for (const l of stale) del.run(l.name, l.pid, l.pidStart);
    return stale;
  });
}

export interface AcquireOptions {
  /** Shown to whoever waits for this lock, e.g. "braid lock (npm run migrate)". */
  label?: string;
  holder?: LockHolder;
  /** Give up after this long with E_LOCKED; waits forever when absent. */
  timeoutMs?: number;
  /** Called once, when the first attempt finds the lock held. */
  onWait?: (holder: LockInfo) => void;
  /** Stops waiting (E_INTERRUPTED) when aborted. */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the lock, polling with backoff; resolves to a release function. */
export async function acquireLock(
  store: Store,
  name: string,
  options: AcquireOptions = {},
): Promise<() => void> {
  const holder = options.holder ?? selfHolder(options.label ?? `pid ${process.pid}`);
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  let delay = 50;
  let told = false;
  for (;;) {
    const res = tryAcquireLock(store, name, holder);
    if (res.acquired) return () => void releaseLock(store, name, holder);
    if (!told) {
      told = true;
      options.onWait?.(res.holder);
    }
    if (options.signal?.aborted) throw new BraidError('E_INTERRUPTED', `stopped waiting for lock '${name}'`);
    if (Date.now() >= deadline) {
      throw new BraidError(
        'E_LOCKED',
        `lock '${name}' is held by ${res.holder.label} (pid ${res.holder.pid})`,
        'Wait for it to finish; a holder that dies releases the lock.',
      );
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    delay = Math.min(delay * 2, 500);
  }
}

/** The lock's current row, held by a live process or not (null when nobody took it). */
export function getLock(store: Store, name: string): LockInfo | null {
  const row = store.db.prepare('SELECT * FROM locks WHERE name = ?').get(name) as LockRow | undefined;
  return row ? fromRow(row) : null;
}

/** The live process holding the lock, or null (a dead holder's row does not count). */
export function liveLockHolder(store: Store, name: string): LockInfo | null {
  const info = getLock(store, name);
  return info !== null && !isStale(info) ? info : null;
}

/** True when a live process holds the lock. */
export function lockHeld(store: Store, name: string): boolean {
  return liveLockHolder(store, name) !== null;
}

/** Runs fn holding the lock when it is free (never waits); otherwise says who holds it. */
export async function withLockIfFree<T>(
  store: Store,
  name: string,
  label: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false; holder: LockInfo | null }> {
  const holder = selfHolder(label);
  if (!tryAcquireLock(store, name, holder).acquired)
    return { ran: false, holder: liveLockHolder(store, name) };
  try {
    return { ran: true, value: await fn() };
  } finally {
    releaseLock(store, name, holder);
  }
}

/**
 * Records `holder` under `name` whoever had it: for a row that stands for another process this one
 * started and owns (a gate's process group), not for mutual exclusion.
 */
export function recordLock(store: Store, name: string, holder: LockHolder): void {
  store.db
    .prepare(
      `INSERT INTO locks (name, pid, pid_start, holder, acquired_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET pid = excluded.pid, pid_start = excluded.pid_start,
         holder = excluded.holder, acquired_at = excluded.acquired_at`,
    )
    .run(name, holder.pid, holder.pidStart, holder.label, Date.now());
}
