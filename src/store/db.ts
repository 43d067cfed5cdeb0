import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BraidError } from '../core/errors.js';
import { MIGRATIONS } from './schema.js';

type Db = Database.Database;

export interface Store {
  db: Db;
  path: string;
  /**
   * Runs fn in a BEGIN IMMEDIATE transaction: writers queue on the busy timeout instead of failing on
   * upgrade. Called inside another, it is a savepoint: a throw undoes only its own writes.
   */
  tx<T>(fn: () => T): T;
  close(): void;
}

/** Long enough for many hook processes writing at once; short enough that a wedged store is reported. */
const BUSY_TIMEOUT_MS = 15_000;

export function storePath(commonDir: string): string {
  return path.join(commonDir, 'braid', 'state.db');
}

/** Opens (creating and migrating as needed) the repository's state at <git-common-dir>/braid/state.db. */
export function openStore(commonDir: string, options: { busyTimeoutMs?: number } = {}): Store {
  const file = storePath(commonDir);
  mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw new BraidError(
      'E_STORE',
      `cannot open braid's state at ${file}: ${(err as Error).message}`,
      'Run braid doctor; if the file is corrupt, move it aside.',
    );
  }
  migrate(db);
  cacheStatements(db);
  return {
    db,
    path: file,
    tx: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    close: () => db.close(),
  };
}

/** Statements kept at most; SQL built per call (`IN (?, ?)` lists) must not grow the cache for ever. */
const STATEMENT_CACHE = 200;

/**
 * Each SQL text is compiled once per connection: the supervisor's loops run the same queries every
 * few seconds, and compiling was a tenth of its CPU. Safe because no caller changes a statement's
 * mode (pluck, raw, expand) or iterates one while running it again.
 */
function cacheStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      if (cache.size >= STATEMENT_CACHE) cache.clear();
      stmt = compile(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  }) as Db['prepare'];
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current >= MIGRATIONS.length) {
    if (current > MIGRATIONS.length) {
      throw new BraidError(
        'E_STORE',
        `braid's state was written by a newer braid (schema ${current})`,
        'Upgrade braid.',
      );
    }
    return;
  }
  // Re-check inside the write lock: another process may have migrated while we waited.
  db.transaction(() => {
    const now = db.pragma('user_version', { simple: true }) as number;
    for (let v = now; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

/**
 * Holds the store's write lock from a second connection until the returned function is called:
 * how benchmarks show what a hook does while another process keeps the store busy.
 */
export function holdStoreExclusively(commonDir: string): () => void {
  const locker = new Database(storePath(commonDir));
  try {
    locker.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    locker.close();
    throw err;
  }
  return () => {
    locker.exec('ROLLBACK');
    locker.close();
  };
}
