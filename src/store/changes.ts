import type { ChangeFigures, CountedBy } from '../core/task-changes.js';
import type { Store } from './db.js';

interface ChangesRow {
  task: string;
  head: string;
  base_commit: string;
  ahead: number;
  behind: number;
  committed: string;
  dirty: string;
  index_sig: string;
  dirty_at: number;
  dirty_by: CountedBy;
}

/** Every task's stored change figures, by name. */
export function storedChanges(store: Store): Map<string, ChangeFigures> {
  const rows = store.db.prepare('SELECT * FROM task_changes').all() as ChangesRow[];
  return new Map(
    rows.map((r) => [
      r.task,
      {
        task: r.task,
        head: r.head,
        baseCommit: r.base_commit,
        ahead: r.ahead,
        behind: r.behind,
        committed: JSON.parse(r.committed) as string[],
        dirty: JSON.parse(r.dirty) as string[],
        indexSig: r.index_sig,
        dirtyAt: r.dirty_at,
        dirtyBy: r.dirty_by,
      },
    ]),
  );
}

/** Records recounted figures; drops the rows of tasks that no longer exist. */
export function saveChanges(store: Store, figures: ChangeFigures[], liveNames: readonly string[]): void {
  const upsert = store.db.prepare(
    `INSERT INTO task_changes (task, head, base_commit, ahead, behind, committed, dirty, index_sig, dirty_at, dirty_by)
     VALUES (@task, @head, @baseCommit, @ahead, @behind, @committed, @dirty, @indexSig, @dirtyAt, @dirtyBy)
     ON CONFLICT(task) DO UPDATE SET head = excluded.head, base_commit = excluded.base_commit,
       ahead = excluded.ahead, behind = excluded.behind, committed = excluded.committed, dirty = excluded.dirty,
       index_sig = excluded.index_sig, dirty_at = excluded.dirty_at, dirty_by = excluded.dirty_by`,
  );
  const names = store.db.prepare('SELECT task FROM task_changes');
  const drop = store.db.prepare('DELETE FROM task_changes WHERE task = ?');
  store.tx(() => {
    for (const f of figures)
      upsert.run({ ...f, committed: JSON.stringify(f.committed), dirty: JSON.stringify(f.dirty) });
    const keep = new Set(liveNames);
    for (const { task } of names.all() as Array<{ task: string }>) if (!keep.has(task)) drop.run(task);
  });
}

/** Rewinds a store to before task_changes: `npm run bench -- ls` runs an older build on it side by side. */
export function rewindBeforeChanges(store: Store, version: number): void {
  store.db.exec(`DROP TABLE IF EXISTS task_changes; PRAGMA user_version = ${Math.trunc(version)};`);
}
