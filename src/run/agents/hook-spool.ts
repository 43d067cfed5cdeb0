/**
 * The hook spool: when braid's store is busy or broken, `braid hook` appends its event here and
 * exits 0; whoever next holds the store (a hook, the supervisor, `braid ls`) applies the spool first.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Store } from '../../store/db.js';
import {
  forgetSpoolEventsAppliedBefore,
  markSpoolEventApplied,
  spoolEventApplied,
} from '../../store/spool-applied.js';
import { type HookRecordInput, recordHookEvent } from './hook-record.js';
import type { HookPayload } from './hook-responders.js';

export interface SpooledHookEvent {
  /** Unique per event: an event read twice (a crash between apply and delete) is applied once. */
  id: string;
  at: number;
  event: string;
  task: string | null;
  dir: string;
  payload: HookPayload;
}

const SPOOL_FILE = 'hook-spool.jsonl';
/** A claimed spool is renamed to this prefix; leftovers from a crashed ingest are applied next time. */
const CLAIMED_PREFIX = 'hook-spool.claimed.';
/** Applied ids are kept this long: far longer than any leftover claimed file can wait. */
const APPLIED_KEEP_MS = 7 * 24 * 3600 * 1000;
/** Each retry means an ingest claimed the file mid-append; more than a few would be a bug. */
const APPEND_ATTEMPTS = 5;

export function spoolPath(commonDir: string): string {
  return path.join(commonDir, 'braid', SPOOL_FILE);
}

export function newSpoolId(): string {
  // No node:crypto: a hook loads this on every tool use. Time and pid already separate writers; the random part separates calls.
  return `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * Appends one event as one O_APPEND write (concurrent hooks never interleave). If an ingest renamed
 * the file between our open and our check, the line may have missed it: write again (ids dedupe).
 */
export function spoolHookEvent(commonDir: string, entry: SpooledHookEvent): void {
  const file = spoolPath(commonDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const line = Buffer.from(`${JSON.stringify(entry)}\n`);
  for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
    const fd = openSync(file, 'a');
    try {
      const written = writeSync(fd, line);
      if (written !== line.length) throw new Error(`short write to ${file}: ${written} of ${line.length}`);
      if (sameFile(fstatSync(fd), file)) return;
    } finally {
      closeSync(fd);
    }
  }
  throw new Error(`the spool ${file} kept moving while appending`);
}

function sameFile(opened: { ino: number; dev: number }, file: string): boolean {
  try {
    const now = statSync(file);
    return now.ino === opened.ino && now.dev === opened.dev;
  } catch {
    return false;
  }
}

export interface DrainResult {
  applied: number;
  /** Already applied before (read twice), unreadable lines, or events of no known task. */
  skipped: number;
}

/**
 * Applies every spooled event in the order the hooks received them, then deletes the spool. Takes
 * the store's write lock first, so one process drains at a time and hooks wait behind it.
 */
export function drainHookSpool(
  store: Store,
  commonDir: string,
  onSkip: (why: string) => void = (why) => logHookError(commonDir, 'spool', why),
): DrainResult {
  const dir = path.join(commonDir, 'braid');
  const file = spoolPath(commonDir);
  // The common case, checked without touching the store: nothing spooled.
  if (!existsSync(file) && !claimedFiles(dir).length) return { applied: 0, skipped: 0 };
  let claimed: string[] = [];
  const result = store.tx(() => {
    claimed = claim(dir, file);
    const entries = claimed.flatMap((f) => readEntries(f, onSkip));
    // Stable: lines from one hook keep their order, hooks are ordered by when they received the event.
    entries.sort((a, b) => a.at - b.at);
    return applyEntries(store, entries, onSkip);
  });
  for (const f of claimed) removeIfThere(f);
  return result;
}

/** Another drain may have taken a leftover claimed file after we committed: gone is fine. */
function removeIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Renames the live spool aside (new hooks start a fresh one) and lists every claimed file, oldest first. */
function claim(dir: string, file: string): string[] {
  try {
    const stamp = Date.now().toString().padStart(15, '0');
    renameSync(file, path.join(dir, `${CLAIMED_PREFIX}${stamp}.${process.pid}.jsonl`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return claimedFiles(dir).map((f) => path.join(dir, f));
}

function claimedFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(CLAIMED_PREFIX))
      .sort();
  } catch {
    return [];
  }
}

function readEntries(file: string, onSkip: (why: string) => void): SpooledHookEvent[] {
  const entries: SpooledHookEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as SpooledHookEvent;
      if (typeof e.id !== 'string' || typeof e.event !== 'string' || typeof e.at !== 'number')
        throw new Error('missing id, event or at');
      entries.push(e);
    } catch (err) {
      // A line cut short by a crash mid-write: the rest of the spool still counts.
      onSkip(`unreadable spool line in ${path.basename(file)}: ${(err as Error).message}`);
    }
  }
  return entries;
}

function applyEntries(store: Store, entries: SpooledHookEvent[], onSkip: (why: string) => void): DrainResult {
  const now = Date.now();
  let applied = 0;
  let skipped = 0;
  for (const e of entries) {
    if (spoolEventApplied(store, e.id)) {
      skipped++;
      continue;
    }
    const input: HookRecordInput = {
      event: e.event,
      task: e.task || null,
      dir: e.dir,
      payload: e.payload ?? {},
      at: e.at,
    };
    if (recordHookEvent(store, input)) applied++;
    else {
      skipped++;
      onSkip(`${e.event}: no task for BRAID_TASK=${e.task ?? ''} or ${e.dir} (spooled)`);
    }
    markSpoolEventApplied(store, e.id, now);
  }
  forgetSpoolEventsAppliedBefore(store, now - APPLIED_KEEP_MS);
  return { applied, skipped };
}

/** Failures a hook cannot show anyone go to <commonDir>/braid/hook-errors.log (stderr without a repository). */
export function logHookError(commonDir: string | null, event: string, message: string): void {
  const line = `${new Date().toISOString()} pid=${process.pid} ${event}: ${message.replace(/\n/g, '\n  ')}\n`;
  try {
    if (!commonDir) throw new Error('no repository');
    const dir = path.join(commonDir, 'braid');
    mkdirSync(dir, { recursive: true });
    appendFileSync(path.join(dir, 'hook-errors.log'), line);
  } catch {
    process.stderr.write(`braid hook: ${line}`);
  }
}
