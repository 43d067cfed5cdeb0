/** The merge queue as the faces show it. */
import { type QueueHealth, queueHealth } from '../core/queue-health.js';
import { ACTIVE_QUEUE_STATES, type QueueEntry } from '../core/queue-plan.js';
import { gateSlotsOf } from '../land/gate.js';
import { busyGateSlots } from '../land/gate-group.js';
import { batchSize, windowSize } from '../land/land.js';
import type { Project } from '../project/project.js';
import type { Store } from '../store/db.js';
import { gateRunCounts } from '../store/gate-history.js';
import { activeEntries, listQueue } from '../store/queue.js';

/** Entries the dashboards keep in view: the newest, and every one with work ahead of it. */
const SHOWN = 200;

/** The newest entries and every active one, oldest first. */
export function queueView(store: Store): QueueEntry[] {
  const byId = new Map<number, QueueEntry>();
  for (const e of [...activeEntries(store), ...listQueue(store, SHOWN)]) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Finished entries stay visible for a while so a landing's outcome can be read. */
const RECENT_DONE = 3;

/** The short queue of the terminal dashboard: the last few finished entries, then every active one. */
export function recentQueue(entries: readonly QueueEntry[]): QueueEntry[] {
  const active = entries.filter((e) => ACTIVE_QUEUE_STATES.includes(e.state));
  const done = entries.filter((e) => !ACTIVE_QUEUE_STATES.includes(e.state)).slice(-RECENT_DONE);
  return [...done, ...active];
}

/** The queue's health (`braid queue --json` `health`, the TUI's and the web's queue line): over every entry kept. */
export function queueHealthView(project: Pick<Project, 'store' | 'config'>): QueueHealth {
  const { store } = project;
  const entries = listQueue(store);
  // What the next round would take of what is queued now (a batch per slot when nothing is).
  const queued = entries.filter((e) => e.state === 'queued').length;
  return queueHealth(entries, gateRunCounts(store), {
    batchSize: batchSize(project),
    windowSize: windowSize(project, queued || undefined),
    slots: gateSlotsOf(project),
    slotsBusy: busyGateSlots(store),
  });
}

/** The queue's health on one line, as the listing, the TUI and the web show it. */
export function healthLine(h: QueueHealth): string {
  const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);
  const pct = (r: number | null) => (r === null ? '-' : `${Math.round(r * 100)} %`);
  return [
    `depth ${h.depth}`,
    `next batch ${h.batchSize}, window ${h.windowSize}`,
    `slots ${h.slotsBusy}/${h.slots} busy`,
    `${h.gateRunsPerLanded ?? '-'} gate runs per landed change`,
    `wait p50 ${secs(h.waitP50Ms)}, p95 ${secs(h.waitP95Ms)}`,
    `red ${pct(h.failureRate)}, flaky ${pct(h.flakeRate)}`,
  ].join(' · ');
}
