import { describe, expect, it } from 'vitest';
import { queueHealth } from '../../src/core/queue-health.js';
import type { QueueEntry } from '../../src/core/queue-plan.js';

function entry(id: number, state: QueueEntry['state'], waitMs: number): QueueEntry {
  return {
    id,
    task: `t${id}`,
    state,
    tip: null,
    enqueuedAt: 1000,
    attempt: 0,
    candidate: null,
    mainBefore: null,
    gateLog: null,
    reason: null,
    conflictFiles: [],
    prevStatus: null,
    updatedAt: 1000 + waitMs,
  };
}

describe('queue health', () => {
  it('depth, runs per landed change, wait percentiles and rates', () => {
    const entries = [
      ...Array.from({ length: 20 }, (_, i) => entry(i + 1, 'landed', (i + 1) * 1000)),
      entry(21, 'rejected', 5),
      entry(22, 'queued', 0),
      entry(23, 'waiting_agent', 0),
      entry(24, 'gating', 0),
    ];
    const h = queueHealth(entries, { runs: 25, red: 5, flaky: 1 }, 6);
    expect(h).toEqual({
      depth: 3,
      batchSize: 6,
      windowSize: 6,
      slots: 1,
      slotsBusy: 0,
      landed: 20,
      gateRuns: 25,
      gateRunsPerLanded: 1.25,
      waitP50Ms: 10_000,
      waitP95Ms: 19_000,
      failureRate: 0.2,
      flakeRate: 0.04,
    });
  });

  it('an empty queue has no rates yet', () => {
    expect(queueHealth([], { runs: 0, red: 0, flaky: 0 }, 4)).toMatchObject({
      depth: 0,
      gateRunsPerLanded: null,
      waitP50Ms: null,
      failureRate: null,
    });
  });

  it('carries the window and the gate slots, busy and all', () => {
    const sizes = { batchSize: 4, windowSize: 12, slots: 3, slotsBusy: 2 };
    expect(queueHealth([], { runs: 0, red: 0, flaky: 0 }, sizes)).toMatchObject(sizes);
    // A bare batch size is one slot, its window the batch.
    expect(queueHealth([], { runs: 0, red: 0, flaky: 0 }, 4)).toMatchObject({
      windowSize: 4,
      slots: 1,
      slotsBusy: 0,
    });
  });
});
