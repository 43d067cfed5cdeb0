import { isProcessAlive, selfIdentity } from '../exec/pid.js';
import type { Store } from './db.js';

/** One multi-step operation (provision, remove) in progress; steps are recorded as they finish. */
export interface Operation {
  id: number;
  task: string;
  kind: string;
  doneSteps: string[];
  data: Record<string, unknown>;
  pid: number;
  pidStart: string | null;
  startedAt: number;
  /** null while the operation is open; then done, failed or superseded. */
  outcome: string | null;
}

interface OperationRow {
  id: number;
  task: string;
  kind: string;
  done_steps: string;
  data: string;
  pid: number;
  pid_start: string | null;
  started_at: number;
  outcome: string | null;
}

function fromRow(r: OperationRow): Operation {
  return {
    id: r.id,
    task: r.task,
    kind: r.kind,
    doneSteps: JSON.parse(r.done_steps),
    data: JSON.parse(r.data),
    pid: r.pid,
    pidStart: r.pid_start,
    startedAt: r.started_at,
    outcome: r.outcome,
  };
}

export function beginOperation(store: Store, task: string, kind: string, data: object = {}): Operation {
  const me = selfIdentity();
  const now = Date.now();
  const id = store.db
    .prepare(
      'INSERT INTO operations (task, kind, data, pid, pid_start, started_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(task, kind, JSON.stringify(data), me.pid, me.start, now).lastInsertRowid as number;
  return {
    id,
    task,
    kind,
    doneSteps: [],
    data: { ...data },
    pid: me.pid,
    pidStart: me.start,
    startedAt: now,
    outcome: null,
  };
}

/**
 * Test seam: BRAID_PAUSE_AT=<kind>:<step> stops this process (SIGSTOP) right after that step is
 * recorded, so a test can SIGKILL it exactly between two steps instead of at a guessed moment.
 */
export function pausePoint(kind: string, step: string): void {
  if (process.env.BRAID_PAUSE_AT === `${kind}:${step}`) process.kill(process.pid, 'SIGSTOP');
}

export function recordStep(store: Store, op: Operation, step: string, data: object = {}): void {
  if (!op.doneSteps.includes(step)) op.doneSteps.push(step);
  Object.assign(op.data, data);
  store.db
    .prepare('UPDATE operations SET done_steps = ?, data = ? WHERE id = ?')
    .run(JSON.stringify(op.doneSteps), JSON.stringify(op.data), op.id);
  pausePoint(op.kind, step);
}

export function finishOperation(store: Store, op: Operation, outcome: string): void {
  store.db
    .prepare('UPDATE operations SET finished_at = ?, outcome = ? WHERE id = ?')
    .run(Date.now(), outcome, op.id);
}

export function openOperations(store: Store, task?: string): Operation[] {
  const rows = (
    task === undefined
      ? store.db.prepare('SELECT * FROM operations WHERE finished_at IS NULL ORDER BY id').all()
      : store.db
          .prepare('SELECT * FROM operations WHERE finished_at IS NULL AND task = ? ORDER BY id')
          .all(task)
  ) as OperationRow[];
  return rows.map(fromRow);
}

/** The task's most recent operation of this kind, open or finished. */
export function lastOperation(store: Store, task: string, kind: string): Operation | null {
  const row = store.db
    .prepare('SELECT * FROM operations WHERE task = ? AND kind = ? ORDER BY id DESC LIMIT 1')
    .get(task, kind) as OperationRow | undefined;
  return row ? fromRow(row) : null;
}

/** An operation is abandoned when the process that began it is gone (or its pid now names another process). */
export function isAbandoned(op: Operation): boolean {
  return !isProcessAlive(op.pid, op.pidStart);
}
