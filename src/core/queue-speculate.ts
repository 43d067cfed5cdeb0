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
 * `busy`: slots the window's first round leaves to other work.
 * At a batch size of 1 (after red batches) the slots still speculate, one change each: a round of
 * main+A, main+A+B, … costs the wall time of one gate run, and idle slots would save nothing.
 */
export function speculationWindow(batchSize: number, slots: number, queued?: number, busy = 0): number {
  const w = Math.max(1, batchSize) * Math.max(1, slots);
  if (queued === undefined || slots < 2) return w;
  // All that is queued fits a starting window: one window takes it. With S slots a red window of up
  // to S × 4 is searched in one round whatever its size, so smaller ones would only add rounds (and,
  // each round filling every slot, runs).
  if (queued <= slots * BATCH_START) return queued;
  // The window halves after red ones, but not below S² changes while that many wait: a red window of
  // up to S² is decided in one bisection round (S prefixes leave gaps of at most S, whose prefixes
  // and the red one's recheck fill the next round's S slots), and every round fills every slot, so
  // a smaller one would save neither rounds nor runs, only leave more for later windows. `busy`
  // slots run something else in the first round (a suspect's recheck): (S − busy) · S then.
  const free = Math.max(1, slots - busy);
  const sized = Math.max(w, Math.min(queued, free * slots));
  // Fewer than a window left behind would cost a round of its own: the window takes them too
  // (up to the free slots × the starting batch size), at most one more round of search when red.
  if (queued - sized >= sized) return sized;
  return Math.min(queued, Math.max(sized, free * BATCH_START));
}

export type GateRound =
  /**
   * Gate these prefixes at once, one per slot (0 is main alone); a prefix may appear twice (its recheck
   * in the same round). `alternatives`: one more slot each gates prefix `lo` plus every later change
   * outside the lane of change `suspect` (core/queue-lanes.ts), the window as it lands if that change
   * is the culprit.
   */
  | {
      kind: 'gate';
      prefixes: number[];
      why: 'batch' | 'bisect' | 'recheck' | 'main';
      alternatives?: Bet[];
    }
  | Exclude<BisectStep, { kind: 'gate' }>;

/** An alternative candidate: prefix `lo`, then the window's later changes outside the lane of change `suspect`. */
export interface Bet {
  lo: number;
  suspect: number;
}

/**
 * Whether the caller can build alternatives, and whether anything is queued behind the window (a
 * suspect's deferred recheck then has a next window to run beside).
 */
export interface BetOptions {
  behind: boolean;
}

/** Up to `count` prefixes strictly between lo and hi, evenly spaced. */
function between(lo: number, hi: number, count: number): number[] {
  const gap = hi - lo - 1;
  const m = Math.min(count, gap);
  const out: number[] = [];
  for (let i = 1; i <= m; i++) out.push(lo + Math.round((i * (hi - lo)) / (m + 1)));
  return [...new Set(out)].filter((k) => k > lo && k < hi);
}

/**
 * The next round for a window of `n` changes given every run so far, using up to `slots` gates at once.
 * `bets`: the caller can build a candidate that leaves a change (and its lane) out.
 */
export function nextGateRound(n: number, runs: PrefixRuns, slots: number, bets?: BetOptions): GateRound {
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
    const bet = bets ? betOnSuspects(lo, hi, inside, runs, s, bets.behind) : null;
    if (bet) return bet;
    // A gap that starts at a main with no green run: main first, as a culprit at the front can be
    // neither rejected nor set aside for a deferred recheck before main is known green.
    const main = lo === 0 && !ran(0) ? [0] : [];
    // Every prefix of the gap fits this round: the red one above it is re-run alongside, so the
    // recheck a culprit needs is already done when it turns out to be that one.
    const fits = inside.length === hi - lo - 1 && (runs.get(hi)?.length ?? 0) < 2;
    // Slots still free run the gap's prefixes a second time (smallest first): whichever turns out
    // the decisive red has its recheck done in this round.
    const prefixes = [...inside, ...main, ...(fits ? [hi] : []), ...inside].slice(0, s);
    return { kind: 'gate', prefixes, why: 'bisect' };
  }
  if (step.why === 'recheck' && lo === 0 && !ran(0))
    // A culprit at the very front needs main checked too: both in one round.
    return { kind: 'gate', prefixes: [hi, 0], why: 'recheck' };
  return { kind: 'gate', prefixes: [step.prefix], why: step.why };
}

/**
 * A bisection round whose whole gap fits with two slots to spare bets on its suspects: an alternative
 * candidate that leaves one out. With changes queued behind the window, on the gap's first and its
 * last change (the suspect's second run can wait: deferred, beside the next window); with none, on the
 * first only, and its prefix runs a second time in the same round (a deferred recheck would then cost
 * a round of its own). The first's alternative stands on a prefix already green; the last's on the
 * gap's top prefix, gated in this round. If the culprit is one bet on, what lands after it is gated in
 * the round that finds it. Remaining slots: the red prefix above the gap re-run, then the gap's
 * prefixes a second time. Null when the round has no room for a bet.
 */
function betOnSuspects(
  lo: number,
  hi: number,
  inside: number[],
  runs: PrefixRuns,
  s: number,
  behind: boolean,
): GateRound | null {
  const first = lo + 1;
  // Main as the base must be proven green first (a red main is never blamed on a change).
  const baseGreen = lo > 0 || (runs.get(0)?.includes(true) ?? false);
  if (!baseGreen || inside[0] !== first || inside.length !== hi - lo - 1 || inside.length + 2 > s)
    return null;
  const recheck = (runs.get(hi)?.length ?? 0) < 2 ? [hi] : [];
  if (behind) {
    const fill = [...recheck, ...inside].slice(0, s - inside.length - 2);
    const alternatives = [
      { lo, suspect: lo },
      { lo: hi - 1, suspect: hi - 1 },
    ];
    return { kind: 'gate', prefixes: [...inside, ...fill], why: 'bisect', alternatives };
  }
  const fill = [...recheck, ...inside.slice(1)].slice(0, s - inside.length - 2);
  return {
    kind: 'gate',
    prefixes: [...inside, first, ...fill],
    why: 'bisect',
    alternatives: [{ lo, suspect: lo }],
  };
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
