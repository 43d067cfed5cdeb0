/**
 * Speculation over several gate slots, pure: which prefixes of a batch to gate at the same time.
 *
 * A window of n queued changes is one chain of candidates (prefix k = main plus the first k). With S
 * slots the first round gates S evenly spaced prefixes at once (main+A, main+A+B, … when n = S; each
 * a batch of n/S more changes when the window is larger); a red one narrows the search to the gap
 * above the largest green prefix, which the next round splits S ways (a k-ary bisection). The
 * decisions (land, culprit, main red) are nextBisectStep's, so one slot behaves exactly as before.
 */
import {
  BATCH_START,
  type BisectStep,
  bisectBounds,
  nextBisectStep,
  type PrefixRuns,
} from './queue-batch.js';

/** The most gate slots the queue uses, whatever the machine or braid.yaml says. */
export const SLOTS_CAP = 4;

/** braid.yaml `gate.slots`, else one per core but one (left to the agents), at least 1, at most SLOTS_CAP. */
export function gateSlots(configured: number | undefined, cores: number): number {
  const wanted = configured ?? cores - 1;
  return Math.max(1, Math.min(SLOTS_CAP, Math.floor(wanted)));
}

/**
 * How many queued changes one round takes: a batch per slot (the batch size adapts, so the window does).
 * At a batch size of 1 (after red batches) the slots still speculate, one change each: a round of
 * main+A, main+A+B, … costs the wall time of one gate run, and idle slots would save nothing.
 */
export function speculationWindow(batchSize: number, slots: number, queued?: number): number {
  const w = Math.max(1, batchSize) * Math.max(1, slots);
  // Fewer than a window left behind would cost a round of its own: the window takes them too
  // (up to S × the starting batch size), which costs at most one more round of search when red.
  if (queued === undefined || slots < 2 || queued - w >= w) return w;
  return Math.min(queued, Math.max(w, slots * BATCH_START));
}

export type GateRound =
  /** Gate these prefixes at once, one per slot (0 is main alone); a prefix may appear twice (its recheck in the same round). */
  | { kind: 'gate'; prefixes: number[]; why: 'batch' | 'bisect' | 'recheck' | 'main' }
  | Exclude<BisectStep, { kind: 'gate' }>;

/** Up to `count` prefixes strictly between lo and hi, evenly spaced. */
function between(lo: number, hi: number, count: number): number[] {
  const gap = hi - lo - 1;
  const m = Math.min(count, gap);
  const out: number[] = [];
  for (let i = 1; i <= m; i++) out.push(lo + Math.round((i * (hi - lo)) / (m + 1)));
  return [...new Set(out)].filter((k) => k > lo && k < hi);
}

/** The next round for a window of `n` changes given every run so far, using up to `slots` gates at once. */
export function nextGateRound(n: number, runs: PrefixRuns, slots: number): GateRound {
  const step = nextBisectStep(n, runs);
  if (step.kind !== 'gate') return step;
  const s = Math.max(1, slots);
  if (s === 1) return { kind: 'gate', prefixes: [step.prefix], why: step.why };
  const ran = (k: number) => (runs.get(k)?.length ?? 0) > 0;
  if (step.why === 'batch') {
    // The whole window and the prefixes at each slot's share of it, all at once.
    const spread = between(0, n, s - 1).filter((k) => !ran(k));
    return { kind: 'gate', prefixes: [...spread, n], why: 'batch' };
  }
  const { lo, hi } = bisectBounds(n, runs);
  if (step.why === 'bisect') {
    const inside = between(lo, hi, s).filter((k) => !ran(k));
    // Every prefix of the gap fits this round: the red one above it is re-run alongside, so the
    // recheck a culprit needs is already done when it turns out to be that one.
    const recheck = inside.length === hi - lo - 1 && inside.length < s && (runs.get(hi)?.length ?? 0) < 2;
    const prefixes = recheck ? [...inside, hi] : inside;
    // Slots still free run the gap's prefixes a second time (smallest first), then main when the
    // gap starts there: whichever turns out the decisive red has its recheck done in this round.
    const extra = [...inside, ...(lo === 0 && !ran(0) ? [0] : [])].slice(0, Math.max(0, s - prefixes.length));
    return { kind: 'gate', prefixes: [...prefixes, ...extra], why: 'bisect' };
  }
  if (step.why === 'recheck' && lo === 0 && !ran(0))
    // A culprit at the very front needs main checked too: both in one round.
    return { kind: 'gate', prefixes: [hi, 0], why: 'recheck' };
  return { kind: 'gate', prefixes: [step.prefix], why: step.why };
}

/**
 * With slots to spare, the recheck a suspect needs (its prefix red once, the one before it green)
 * need not hold up the queue: the green prefix lands now, and the suspect's recheck runs in one slot
 * beside the next window, which is built without it. Red again: rejected as before; green: flaky,
 * and it goes back to the front of the queue. Null when the bisection does not ask for such a
 * recheck, with one slot, or when the gap starts at a main whose tree has no green run (main must be
 * checked first, so a red main is not blamed on the change).
 */
export function deferredRecheck(
  n: number,
  runs: PrefixRuns,
  slots: number,
): { land: number; suspect: number } | null {
  if (slots < 2) return null;
  const step = nextBisectStep(n, runs);
  if (step.kind !== 'gate' || step.why !== 'recheck') return null;
  const { lo, hi } = bisectBounds(n, runs);
  if (hi !== lo + 1 || (lo === 0 && !runs.get(0)?.includes(true))) return null;
  return { land: lo, suspect: hi - 1 };
}
