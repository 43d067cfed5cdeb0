import { describe, expect, it } from 'vitest';
import { nextBisectStep } from '../../src/core/queue-batch.js';
import {
  deferredRecheck,
  type GateRound,
  gateSlots,
  nextGateRound,
  SLOTS_CAP,
  speculationWindow,
} from '../../src/core/queue-speculate.js';

/**
 * Drives the rounds for a window of n changes against a gate red on any prefix holding a culprit
 * (flaky: those prefixes are red on their first run only); returns the decision and each round's prefixes.
 */
function simulate(
  n: number,
  slots: number,
  culprits: readonly number[],
  flaky: readonly number[] = [],
  bets?: { behind: boolean },
) {
  const runs = new Map<number, boolean[]>([[0, [true]]]);
  const rounds: number[][] = [];
  for (let i = 0; i < 50; i++) {
    const round: GateRound = nextGateRound(n, runs, slots, bets);
    if (round.kind !== 'gate') return { round, rounds };
    expect(round.prefixes.length + (round.alternatives?.length ?? 0)).toBeLessThanOrEqual(slots);
    // A prefix runs at most twice in a round (its recheck beside its first run).
    for (const k of round.prefixes)
      expect(round.prefixes.filter((x) => x === k).length).toBeLessThanOrEqual(2);
    rounds.push(round.prefixes);
    for (const k of round.prefixes) {
      const prior = runs.get(k) ?? [];
      const flake = flaky.includes(k) && prior.length === 0;
      runs.set(k, [...prior, !culprits.some((c) => c < k) && !flake]);
    }
  }
  throw new Error('speculation did not end');
}

describe('gate slots', () => {
  it('default to one per core but one, at least 1 and at most the cap; braid.yaml wins within the cap', () => {
    expect(gateSlots(undefined, 1)).toBe(1);
    expect(gateSlots(undefined, 2)).toBe(1);
    expect(gateSlots(undefined, 4)).toBe(3);
    expect(gateSlots(undefined, 64)).toBe(SLOTS_CAP);
    expect(gateSlots(3, 2)).toBe(3);
    expect(gateSlots(9, 2)).toBe(SLOTS_CAP);
  });

  it('the window is a batch per slot, so it grows and halves with the batch size', () => {
    expect(speculationWindow(4, 1)).toBe(4);
    expect(speculationWindow(4, 3)).toBe(12);
    expect(speculationWindow(2, 3)).toBe(6);
    // After red batches (size 1) the slots still speculate, one change each.
    expect(speculationWindow(1, 4)).toBe(4);
  });

  it('a tail shorter than a window joins it, and a queue that fits slots × the starting batch is one window; never with one slot', () => {
    expect(speculationWindow(2, 4, 12)).toBe(12); // 4 left behind would cost a round
    expect(speculationWindow(1, 4, 7)).toBe(7);
    // All that is queued fits a starting window (4 × slots): taken whole, whatever the batch size.
    expect(speculationWindow(1, 4, 9)).toBe(9);
    expect(speculationWindow(1, 4, 16)).toBe(16);
    expect(speculationWindow(2, 3, 12)).toBe(12);
    expect(speculationWindow(8, 4, 40)).toBe(32);
    expect(speculationWindow(2, 4, 3)).toBe(3);
    expect(speculationWindow(4, 1, 6)).toBe(4);
  });

  it('halved after red windows, but never below slots² while that many wait (one bisection round searches that many)', () => {
    expect(speculationWindow(2, 4, 20)).toBe(16); // not 8: 16 is decided in one round when red
    expect(speculationWindow(1, 4, 30)).toBe(16);
    expect(speculationWindow(1, 4, 17)).toBe(16);
    expect(speculationWindow(1, 2, 10)).toBe(4);
    expect(speculationWindow(1, 3, 30)).toBe(9);
    // A slot busy with a suspect's recheck in the first round: (slots − 1) × slots, and the tail rule
    // takes up to the free slots × the starting batch.
    expect(speculationWindow(2, 4, 30, 1)).toBe(12);
    expect(speculationWindow(2, 4, 17, 1)).toBe(12);
    expect(speculationWindow(2, 4, 20, 1)).toBe(12);
    expect(speculationWindow(8, 4, 40, 1)).toBe(32); // a grown window stays grown
  });
});

describe('speculative rounds', () => {
  it('one slot asks exactly what the bisection asks', () => {
    const runs = new Map<number, boolean[]>([
      [0, [true]],
      [8, [false]],
    ]);
    const step = nextBisectStep(8, runs);
    expect(nextGateRound(8, runs, 1)).toEqual(
      step.kind === 'gate' ? { kind: 'gate', prefixes: [step.prefix], why: step.why } : step,
    );
  });

  it('main+A, main+A+B, main+A+B+C at once; all green land in one round', () => {
    const { round, rounds } = simulate(3, 3, []);
    expect(rounds).toEqual([[1, 2, 3]]);
    expect(round).toEqual({ kind: 'done', land: 3, culprit: null, flaky: [] });
  });

  it('a red middle candidate: the one before it lands, it is rejected after one recheck, the rest go back', () => {
    const { round, rounds } = simulate(3, 3, [1]);
    expect(rounds).toEqual([[1, 2, 3], [2]]);
    expect(round).toEqual({ kind: 'done', land: 1, culprit: 1, flaky: [] });
  });

  it('each candidate may be a batch: 16 changes on 4 slots find any one culprit in at most 3 rounds', () => {
    for (let c = 0; c < 16; c++) {
      const { round, rounds } = simulate(16, 4, [c]);
      expect(round).toMatchObject({ kind: 'done', land: c, culprit: c });
      expect(rounds.length, `culprit ${c}`).toBeLessThanOrEqual(3);
      expect(rounds[0]).toEqual([4, 8, 12, 16]);
    }
  });

  it('slots left over in a bisection round run the gap twice: 8 changes on 4 slots decide any one culprit in 2 rounds', () => {
    expect(simulate(8, 4, [4]).rounds).toEqual([
      [2, 4, 6, 8],
      [5, 6, 5],
    ]);
    for (let c = 0; c < 8; c++) {
      const { round, rounds } = simulate(8, 4, [c]);
      expect(round).toMatchObject({ kind: 'done', land: c, culprit: c });
      expect(rounds.length, `culprit ${c}`).toBe(2);
    }
  });

  it('a gap that starts at main checks main in the first slot left over, before re-running anything', () => {
    // Main's tree has no green run yet: prefix 1 twice and main beside it decide a culprit at the front.
    const runs = new Map<number, boolean[]>([[2, [false]]]);
    expect(nextGateRound(2, runs, 4)).toEqual({ kind: 'gate', prefixes: [1, 0, 2, 1], why: 'bisect' });
    // One slot left: main rather than the red prefix's re-run, so a culprit at the front can be set
    // aside for a deferred recheck at once (a culprit at the back is, without its re-run).
    const four = new Map<number, boolean[]>([[4, [false]]]);
    expect(nextGateRound(4, four, 4)).toEqual({ kind: 'gate', prefixes: [1, 2, 3, 0], why: 'bisect' });
    expect(
      deferredRecheck(4, new Map([...four, [0, [true]], [1, [false]], [2, [false]], [3, [false]]]), 4),
    ).toEqual({
      land: 0,
      suspect: 0,
    });
  });

  it('finds the first culprit for every window, slot count and pair of culprits', () => {
    for (let n = 1; n <= 10; n++)
      for (let slots = 1; slots <= 4; slots++)
        for (let a = 0; a < n; a++)
          for (let b = a; b < n; b++) {
            const { round } = simulate(n, slots, [a, b]);
            expect(round, `n ${n} slots ${slots} culprits ${a},${b}`).toMatchObject({
              kind: 'done',
              land: a,
              culprit: a,
            });
          }
  });

  it("with two slots to spare and nothing queued behind, a bisection round bets on the gap's first change: its second run and the window without it", () => {
    const runs = new Map<number, boolean[]>([
      [0, [true]],
      [3, [true]],
      [6, [true]],
      [9, [false]],
      [12, [false]],
    ]);
    const last = { behind: false };
    expect(nextGateRound(12, runs, 4, last)).toEqual({
      kind: 'gate',
      prefixes: [7, 8, 7],
      why: 'bisect',
      alternatives: [{ lo: 6, suspect: 6 }],
    });
    // Without a way to build the alternative: the red prefix above the gap re-run instead.
    expect(nextGateRound(12, runs, 4)).toEqual({ kind: 'gate', prefixes: [7, 8, 9, 7], why: 'bisect' });
    // A one-change gap leaves a slot more: the red prefix above it is re-run too.
    const narrow = new Map<number, boolean[]>([
      [0, [true]],
      [2, [true]],
      [4, [false]],
    ]);
    expect(nextGateRound(4, narrow, 4, last)).toMatchObject({
      prefixes: [3, 3, 4],
      alternatives: [{ lo: 2, suspect: 2 }],
    });
  });

  it('with changes queued behind, it bets on the first and the last suspect, their rechecks left to be deferred', () => {
    const runs = new Map<number, boolean[]>([
      [0, [true]],
      [3, [true]],
      [6, [true]],
      [9, [false]],
    ]);
    // The last's alternative stands on prefix 8, gated in the same round.
    expect(nextGateRound(9, runs, 4, { behind: true })).toEqual({
      kind: 'gate',
      prefixes: [7, 8],
      why: 'bisect',
      alternatives: [
        { lo: 6, suspect: 6 },
        { lo: 8, suspect: 8 },
      ],
    });
    const narrow = new Map<number, boolean[]>([
      [0, [true]],
      [2, [true]],
      [4, [false]],
    ]);
    expect(nextGateRound(4, narrow, 4, { behind: true })).toEqual({
      kind: 'gate',
      prefixes: [3, 4],
      why: 'bisect',
      alternatives: [
        { lo: 2, suspect: 2 },
        { lo: 3, suspect: 3 },
      ],
    });
  });

  it('no bet when the gap does not fit with two slots to spare, or on a main with no green run', () => {
    const wide = new Map<number, boolean[]>([
      [0, [true]],
      [4, [true]],
      [8, [false]],
    ]);
    for (const behind of [false, true])
      expect(nextGateRound(8, wide, 4, { behind })).toEqual({
        kind: 'gate',
        prefixes: [5, 6, 7, 8],
        why: 'bisect',
      });
    const front = new Map<number, boolean[]>([[3, [false]]]);
    expect(nextGateRound(3, front, 4, { behind: false })).not.toHaveProperty('alternatives');
    expect(nextGateRound(3, new Map([...front, [0, [true]]]), 4, { behind: false })).toMatchObject({
      alternatives: [{ lo: 0, suspect: 0 }],
    });
  });

  it('the bet never changes what the bisection decides', () => {
    for (let n = 1; n <= 10; n++)
      for (let a = 0; a < n; a++)
        for (let b = a; b < n; b++) {
          for (const behind of [false, true]) {
            const { round } = simulate(n, 4, [a, b], [], { behind });
            expect(round, `n ${n} culprits ${a},${b}`).toMatchObject({ kind: 'done', land: a, culprit: a });
          }
        }
  });

  it('a flaky red prefix is re-run and does not reject anyone', () => {
    const { round } = simulate(8, 4, [], [8]);
    expect(round).toMatchObject({ kind: 'done', land: 8, culprit: null });
  });

  it('a culprit at the front checks main in the same round as its recheck', () => {
    const runs = new Map<number, boolean[]>([[1, [false]]]);
    expect(nextGateRound(4, new Map([...runs, [4, [false]]]), 2)).toEqual({
      kind: 'gate',
      prefixes: [1, 0],
      why: 'recheck',
    });
  });
});

describe('a deferred recheck', () => {
  const round1 = (main: boolean[] | null) =>
    new Map<number, boolean[]>([
      ...(main ? ([[0, main]] as const) : []),
      [1, [true]],
      [2, [false]],
      [3, [false]],
      [4, [false]],
    ]);

  it('a suspect after a green prefix: the prefix lands now, the suspect is rechecked beside the next window', () => {
    expect(deferredRecheck(4, round1([true]), 4)).toEqual({ land: 1, suspect: 1 });
    // The green prefix need not be main's: main's own tree is not needed when a prefix above it passed.
    expect(deferredRecheck(4, round1(null), 2)).toEqual({ land: 1, suspect: 1 });
  });

  it('not with one slot, not while the gap is open, not before a main with no green run is checked', () => {
    expect(deferredRecheck(4, round1([true]), 1)).toBeNull();
    expect(
      deferredRecheck(
        8,
        new Map([
          [0, [true]],
          [4, [true]],
          [8, [false]],
        ]),
        4,
      ),
    ).toBeNull();
    const front = new Map<number, boolean[]>([
      [1, [false]],
      [2, [false]],
    ]);
    expect(deferredRecheck(2, front, 4)).toBeNull();
    expect(deferredRecheck(2, new Map([...front, [0, [true]]]), 4)).toEqual({ land: 0, suspect: 0 });
  });

  it('not once the suspect has its second run (the bisection decides)', () => {
    const twice = new Map([...round1([true]), [2, [false, false]]]);
    expect(deferredRecheck(4, twice, 4)).toBeNull();
    expect(nextBisectStep(4, twice)).toMatchObject({ kind: 'done', land: 1, culprit: 1 });
  });
});
