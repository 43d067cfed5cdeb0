/** The shortest wait before giving up, whatever a caller asks (e2e tests themselves time out at 120 s). */
const HANG_GUARD_MS = 60_000;

/**
 * Between probes the wait is this many times the last probe's time: a probe that spawns braid (~0.4 s
 * of CPU) then takes a third of a core from what it waits for, not half. The suite is CPU-bound.
 */
const PAUSE_PER_PROBE = 2;

/** What a probe returns while the condition does not hold yet. */
type NotYet = undefined | null | false | '';

/**
 * Waits until `probe` returns something other than undefined, null, false or '' and returns it.
 * Fails after `timeoutMs` (60 s at least), naming `what` and the probe's last error (a probe may throw while the thing
 * is not there yet: a file half-written, a store busy). Between probes it waits twice as long as
 * the last probe took (50 ms at least), so a probe that spawns braid takes at most a third of the
 * CPU from what it waits for. The one wait the tests use: no sleeps standing in for conditions.
 */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = HANG_GUARD_MS,
): Promise<Exclude<T, NotYet>> {
  const started = Date.now();
  // A deadline only guards against a hang: a busy 2-core machine may be many times slower, never wrong.
  const deadline = started + Math.max(timeoutMs, HANG_GUARD_MS);
  let lastError: unknown;
  let probes = 0;
  for (;;) {
    const probeStart = Date.now();
    try {
      probes++;
      const value = await probe();
      if (value !== undefined && value !== null && value !== false && value !== '')
        return value as Exclude<T, NotYet>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const took = Date.now() - probeStart;
    if (Date.now() >= deadline) {
      const last = lastError ? `; the last probe threw: ${(lastError as Error)?.message ?? lastError}` : '';
      throw new Error(
        `timed out after ${((Date.now() - started) / 1000).toFixed(1)} s (${probes} probes) waiting for ${what}${last}`,
      );
    }
    await new Promise((r) =>
      setTimeout(r, Math.min(Math.max(50, PAUSE_PER_PROBE * took), Math.max(0, deadline - Date.now()))),
    );
  }
}
