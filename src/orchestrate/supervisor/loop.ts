import { setTimeout as sleep } from 'node:timers/promises';
import type { LoopState } from './state-file.js';

/** A named job the supervisor repeats: run, then sleep its interval (never overlapping itself). */
export interface LoopSpec {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
}

/** Runs `spec` until `signal` aborts; errors are reported and the loop carries on. */
export async function runLoop(
  spec: LoopSpec,
  state: LoopState,
  signal: AbortSignal,
  onError: (loop: string, err: unknown) => void,
  /** After each run; `notable` when it was the first or its error state changed (worth telling soon). */
  onRan: (notable: boolean) => void,
): Promise<void> {
  while (!signal.aborted) {
    const began = Date.now();
    const errorBefore = state.lastError;
    try {
      await spec.run();
      state.lastError = null;
    } catch (err) {
      state.lastError = (err as Error).message ?? String(err);
      onError(spec.name, err);
    }
    state.runs += 1;
    state.lastRunAt = began;
    state.lastDurationMs = Date.now() - began;
    state.totalMs = (state.totalMs ?? 0) + state.lastDurationMs;
    onRan(state.runs === 1 || state.lastError !== errorBefore);
    try {
      await sleep(spec.intervalMs, undefined, { signal });
    } catch {
      return; // aborted while asleep
    }
  }
}

export function initialLoopState(spec: LoopSpec): LoopState {
  return {
    name: spec.name,
    intervalMs: spec.intervalMs,
    runs: 0,
    lastRunAt: null,
    lastDurationMs: null,
    totalMs: 0,
    lastError: null,
  };
}
