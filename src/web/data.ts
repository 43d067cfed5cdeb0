/** What the dashboard shows: one snapshot of the store, the radar and the queue. */
import type { QueueEntry } from '../core/queue-plan.js';
import type { Project } from '../project/project.js';
import type { Db, Store } from '../store/db.js';
import { listQueue } from '../store/queue.js';
import { listEvents, type StoredEvent } from '../store/tasks.js';
import { type TaskView, taskViews } from '../view/task-view.js';
import { type RadarReport, scanRadar } from '../watch/radar/scan.js';

export interface DashboardSnapshot {
  at: number;
  repo: string;
  tasks: TaskView[];
  radar: RadarReport | null;
  radarError: string | null;
  /** Entries of the merge queue, or null when this store has no queue table yet. */
  queue: QueueEntry[] | null;
  events: StoredEvent[];
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The merge queue's latest entries, oldest first (null when this store has no queue table). */
function queueEntries(store: Store): QueueEntry[] | null {
  if (!tableExists(store.db, 'queue')) return null;
  return listQueue(store, 200);
}

/** Cheap fingerprint of the store: changes whenever a hook, a command or the queue writes. */
export function storeVersion(db: Db): string {
  const e = db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null };
  const t = db.prepare('SELECT MAX(updated_at) AS at, COUNT(*) AS n FROM tasks').get() as {
    at: number | null;
    n: number;
  };
  let q = '';
  if (tableExists(db, 'queue')) {
    const row = db
      .prepare('SELECT COUNT(*) AS n, MAX(rowid) AS r, MAX(updated_at) AS u FROM queue')
      .get() as {
      n: number;
      r: number;
      u: number | null;
    };
    q = `:${row.n}:${row.r}:${row.u ?? 0}`;
  }
  return `${e.id ?? 0}:${t.at ?? 0}:${t.n}${q}`;
}

function recentEvents(store: Store, limit: number): StoredEvent[] {
  const max = (store.db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null }).id ?? 0;
  return listEvents(store, { afterId: Math.max(0, max - limit), limit });
}

export async function dashboardSnapshot(
  project: Project,
  options: { radar?: boolean; previousRadar?: RadarReport | null } = {},
): Promise<DashboardSnapshot> {
  const tasks = await taskViews(project);
  let radar = options.previousRadar ?? null;
  let radarError: string | null = null;
  if (options.radar !== false) {
    try {
      radar = await scanRadar(project);
    } catch (err) {
      radarError = (err as Error).message;
    }
  }
  return {
    at: Date.now(),
    repo: project.repo.root,
    tasks,
    radar,
    radarError,
    queue: queueEntries(project.store),
    events: recentEvents(project.store, 100),
  };
}
