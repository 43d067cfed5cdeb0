import { describe, expect, it } from 'vitest';
import {
  BATCH_CAP,
  BATCH_START,
  type BisectStep,
  gatedAs,
  nextBatchSize,
  nextBisectStep,
} from '../../src/core/queue-batch.js';

/**
 * Drives the bisection for a batch of n changes against a gate that is red on any prefix holding
 * a culprit (flaky: the listed prefixes are red on their first run only); returns the runs made.
 */
function simulate(
  n: number,
  culprits: readonly number[],
  opts: { flaky?: readonly number[]; mainRed?: boolean; mainKnownGreen?: boolean } = {},
) {
  const runs = new Map<number, boolean[]>();
  if (opts.mainKnownGreen) runs.set(0, [true]);
  const made: number[] = [];
  for (let i = 0; i < 50; i++) {
    const step: BisectStep = nextBisectStep(n, runs);
    if (step.kind !== 'gate') return { step, made };
    const k = step.prefix;
    made.push(k);
    const prior = runs.get(k) ?? [];
    const hasCulprit = culprits.some((c) => c < k);
    const flake = (opts.flaky ?? []).includes(k) && prior.length === 0;
    const passed = k === 0 ? !opts.mainRed : !hasCulprit && !flake;
    runs.set(k, [...prior, passed]);
  }
  throw new Error('bisection did not end');
}

describe('batch size', () => {
  it('starts at 4, grows after green batches up to the cap, halves after a red one', () => {
    expect(nextBatchSize([])).toBe(BATCH_START);
    expect(nextBatchSize([true])).toBe(6);
    expect(nextBatchSize([true, true, true, true])).toBe(BATCH_CAP);
    expect(nextBatchSize([false])).toBe(2);
    expect(nextBatchSize([false, false, false])).toBe(1);
    expect(nextBatchSize([true, true, false])).toBe(4);
  });

  it('respects a smaller configured cap; 1 means one change at a time', () => {
    expect(nextBatchSize([true, true, true], 1)).toBe(1);
    expect(nextBatchSize([], 3)).toBe(3);
    expect(nextBatchSize([true], 5)).toBe(5);
  });

  it('only the recent history counts', () => {
    const old = Array.from({ length: 30 }, () => false);
    expect(nextBatchSize([...old, ...Array.from({ length: 20 }, () => true)])).toBe(BATCH_CAP);
  });
});

describe('bisection of a batch', () => {
  it('a green batch lands whole after one run', () => {
    const { step, made } = simulate(4, []);
    expect(step).toEqual({ kind: 'done', land: 4, culprit: null, flaky: [] });
    expect(made).toEqual([4]);
  });

  it('finds one culprit with the fewest runs; the changes before it land', () => {
    const { step, made } = simulate(4, [3], { mainKnownGreen: true });
    expect(step).toEqual({ kind: 'done', land: 3, culprit: 3, flaky: [] });
    // 4 red, 2 green, 3 green: so change 3 is the culprit; prefix 4 is re-run once before blaming.
    expect(made).toEqual([4, 2, 3, 4]);
  });

  it('[A,B] red and A green: B is the culprit without a run of B alone', () => {
    const { step, made } = simulate(2, [1], { mainKnownGreen: true });
    expect(step).toEqual({ kind: 'done', land: 1, culprit: 1, flaky: [] });
    expect(made).toEqual([2, 1, 2]);
  });

  it('a culprit first in the batch: main is checked once unless already known green', () => {
    expect(simulate(4, [0]).made).toEqual([4, 2, 1, 1, 0]);
    const known = simulate(4, [0], { mainKnownGreen: true });
    expect(known.made).toEqual([4, 2, 1, 1]);
    expect(known.step).toEqual({ kind: 'done', land: 0, culprit: 0, flaky: [] });
  });

  it('two culprits: the first is found, what lies before it lands, the rest goes back to the queue', () => {
    const { step } = simulate(8, [2, 5], { mainKnownGreen: true });
    expect(step).toEqual({ kind: 'done', land: 2, culprit: 2, flaky: [] });
    // The rest (5 changes, culprit now at index 2) is a batch of its own next.
    expect(simulate(5, [2], { mainKnownGreen: true }).step).toMatchObject({ land: 2, culprit: 2 });
  });

  it('uses at most log2(n) + 2 runs for one culprit anywhere in a batch of 8', () => {
    for (let c = 0; c < 8; c++) {
      const { step, made } = simulate(8, [c], { mainKnownGreen: true });
      expect(step).toMatchObject({ kind: 'done', land: c, culprit: c });
      expect(made.length).toBeLessThanOrEqual(5);
      // Never the same prefix gated more than twice, and only the decisive one twice.
      expect(made.filter((k) => k === c + 1).length).toBe(2);
      expect(new Set(made).size).toBe(made.length - 1);
    }
  });

  it('a flaky red batch (red, then green on the re-run) lands whole and is reported flaky', () => {
    const { step, made } = simulate(4, [], { flaky: [4], mainKnownGreen: true });
    expect(step).toEqual({ kind: 'done', land: 4, culprit: null, flaky: [4] });
    expect(made).toEqual([4, 2, 3, 4]);
  });

  it('a flaky prefix during the bisection does not blame an innocent change', () => {
    const { step } = simulate(4, [3], { flaky: [2], mainKnownGreen: true });
    expect(step).toEqual({ kind: 'done', land: 3, culprit: 3, flaky: [2] });
  });

  it('a batch of one behaves as before: red, re-run, then main alone', () => {
    const { step, made } = simulate(1, [0]);
    expect(made).toEqual([1, 1, 0]);
    expect(step).toMatchObject({ kind: 'done', land: 0, culprit: 0 });
  });

  it('main red: nobody in the batch is blamed', () => {
    const { step } = simulate(3, [0, 1, 2], { mainRed: true });
    expect(step).toEqual({ kind: 'main-red', flaky: [] });
  });

  it('the last change of a landed prefix had its own tree gated, the others lie inside the batch', () => {
    expect([0, 1, 2].map((i) => gatedAs(i, 3))).toEqual(['batch', 'batch', 'own']);
  });
});
