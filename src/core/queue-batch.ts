/**
 * Batching decisions for the merge queue, pure: how many queued changes to gate together, and on a
 * red batch which prefix to gate next until the first culprit is known with the fewest runs.
 *
 * A batch of n changes is a chain of candidates: prefix k is main plus the first k changes, in
 * queue order, so prefix n is what lands and every smaller prefix is already built on the way.
 * Prefix 0 is main alone, green by the queue's own invariant (it only moves main to gated trees).
 */

/** The batch size a fresh queue starts with. */
export const BATCH_START = 4;
/** The largest batch the queue ever gates (braid.yaml `land.batch` may set a smaller one). */
export const BATCH_CAP = 8;
/** How many recent batch outcomes decide the next size. */
export const BATCH_HISTORY = 20;

/**
 * The next batch size from the recent batch outcomes, oldest first: start at BATCH_START, grow by
 * two after a green batch, halve after a red one (never below 1, never above `cap`).
 */
export function nextBatchSize(history: readonly boolean[], cap: number = BATCH_CAP): number {
  const limit = Math.max(1, Math.min(cap, BATCH_CAP));
  let size = Math.min(BATCH_START, limit);
  for (const green of history.slice(-BATCH_HISTORY))
    size = green ? Math.min(limit, size + 2) : Math.max(1, Math.floor(size / 2));
  return size;
}

/** One gate run's result on a prefix: `true` green, `false` red. */
export type PrefixRuns = ReadonlyMap<number, readonly boolean[]>;

export type BisectStep =
  /** Gate prefix k (main plus the first k changes); k = 0 is main alone. */
  | { kind: 'gate'; prefix: number; why: 'batch' | 'bisect' | 'recheck' | 'main' }
  /**
   * Done: the first `land` changes land together (prefix `land` was gated green, or is main for 0);
   * `culprit` (0-based index, red twice on its own prefix) is rejected; the ones after it go back to
   * the queue, to be rebuilt without it. `flaky` lists the prefixes that were red, then green.
   */
  | { kind: 'done'; land: number; culprit: number | null; flaky: number[] }
  /** Main alone is red: nothing in the batch can be judged; the first change is rejected as before. */
  | { kind: 'main-red'; flaky: number[] };

/**
 * The next step for a batch of `n` changes given every run so far. A prefix is green once any run
 * on it passed (red then green is flaky, and does not reject); the culprit is the change that takes
 * the largest green prefix to the smallest red one above it, which is known without running it
 * alone. Before rejecting, that red prefix is re-run once; when the largest green prefix is main
 * itself, main is checked once too, so a red main is not blamed on the change.
 */
export function nextBisectStep(n: number, runs: PrefixRuns): BisectStep {
  if (n < 1) return { kind: 'done', land: 0, culprit: null, flaky: [] };
  const flaky = [...runs.entries()]
    .filter(([, r]) => r.includes(false) && r.includes(true))
    .map(([k]) => k)
    .sort((a, b) => a - b);
  if (!runs.get(n)?.length) return { kind: 'gate', prefix: n, why: 'batch' };
  const { lo, hi } = bisectBounds(n, runs);
  if (lo === n) return { kind: 'done', land: n, culprit: null, flaky };
  if (hi > lo + 1) return { kind: 'gate', prefix: (lo + hi + 1) >> 1, why: 'bisect' };
  // hi = lo + 1: change hi-1 turns green into red. Confirm once before blaming it.
  if ((runs.get(hi)?.length ?? 0) < 2) return { kind: 'gate', prefix: hi, why: 'recheck' };
  if (lo === 0) {
    const main = runs.get(0);
    if (!main?.length) return { kind: 'gate', prefix: 0, why: 'main' };
    if (!main.includes(true)) return { kind: 'main-red', flaky };
  }
  return { kind: 'done', land: lo, culprit: hi - 1, flaky };
}

/**
 * The largest green prefix (`lo`, 0 = main) and the smallest red one above it (`hi`, n when none
 * above it ran red yet): the culprit lies between them.
 */
export function bisectBounds(n: number, runs: PrefixRuns): { lo: number; hi: number } {
  const green = (k: number) => k === 0 || (runs.get(k)?.includes(true) ?? false);
  const red = (k: number) => {
    const r = runs.get(k);
    return r !== undefined && r.length > 0 && !r.includes(true);
  };
  let lo = 0;
  for (let k = n; k > 0; k--)
    if (green(k)) {
      lo = k;
      break;
    }
  let hi = n;
  for (let k = lo + 1; k <= n; k++)
    if (red(k)) {
      hi = k;
      break;
    }
  return { lo, hi };
}

/** How a landed change's tree was gated: its own exact tree, or it lies inside a batch whose final tree was. */
export type GatedAs = 'own' | 'batch';

/**
 * For the changes landing as prefix `land` of a batch: the last one's own tree was gated, and so was
 * any other whose prefix passed on its own (speculation gates several prefixes, `ownGreen` lists them).
 */
export function gatedAs(index: number, land: number, ownGreen: ReadonlySet<number> = new Set()): GatedAs {
  return index === land - 1 || ownGreen.has(index + 1) ? 'own' : 'batch';
}
