/** The merge queue's health, pure: from its entries and its gate history, what `braid queue --json` shows. */
import type { QueueEntry } from './queue-plan.js';

export interface GateCounts {
  /** Gate runs recorded (each run of the gate command, on a candidate, a prefix or main). */
  runs: number;
  /** Of those, the ones that failed. */
  red: number;
  /** Runs that failed and then passed on the same tree. */
  flaky: number;
}

export interface QueueHealth {
  /** Entries still ahead of landing (queued, building, gating, waiting for their agent). */
  depth: number;
  /** How many changes the next batch will gate together. */
  batchSize: number;
  /** How many queued changes the next round takes (a batch per gate slot). */
  windowSize: number;
  /** Gate slots (gates run at once), and how many run a gate now. */
  slots: number;
  slotsBusy: number;
  landed: number;
  gateRuns: number;
  /** Gate runs per landed change (null before the first landing). */
  gateRunsPerLanded: number | null;
  /** Time from queued to landed, over the landed entries listed, in ms (null with none). */
  waitP50Ms: number | null;
  waitP95Ms: number | null;
  /** Share of gate runs that failed, and of those recorded as flaky (null before the first run). */
  failureRate: number | null;
  flakeRate: number | null;
}

const ACTIVE = new Set(['queued', 'building', 'gating', 'waiting_agent']);

/** The queue's sizes now: the next batch and window, the slots and the busy ones. */
export interface QueueSizes {
  batchSize: number;
  windowSize: number;
  slots: number;
  slotsBusy: number;
}

export function queueHealth(
  entries: readonly QueueEntry[],
  gate: GateCounts,
  sizes: number | QueueSizes,
): QueueHealth {
  const s =
    typeof sizes === 'number' ? { batchSize: sizes, windowSize: sizes, slots: 1, slotsBusy: 0 } : sizes;
  const landed = entries.filter((e) => e.state === 'landed');
  const waits = landed.map((e) => Math.max(0, e.updatedAt - e.enqueuedAt)).sort((a, b) => a - b);
  const rate = (n: number) => (gate.runs > 0 ? round(n / gate.runs) : null);
  return {
    depth: entries.filter((e) => ACTIVE.has(e.state)).length,
    batchSize: s.batchSize,
    windowSize: s.windowSize,
    slots: s.slots,
    slotsBusy: s.slotsBusy,
    landed: landed.length,
    gateRuns: gate.runs,
    gateRunsPerLanded: landed.length > 0 ? round(gate.runs / landed.length) : null,
    waitP50Ms: percentile(waits, 0.5),
    waitP95Ms: percentile(waits, 0.95),
    failureRate: rate(gate.red),
    flakeRate: rate(gate.flaky),
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1];
}

const round = (x: number) => Math.round(x * 1000) / 1000;
