/** How often each loop runs, and how long the supervisor stays once no task is live. */
export interface SupervisorTimings {
  reconcileMs: number;
  usageMs: number;
  radarMs: number;
  queueMs: number;
  budgetMs: number;
  notesMs: number;
  /** Resuming sessions whose usage limit has reset. */
  limitsMs: number;
  notifyMs: number;
  diskMs: number;
  /** Exit after this long without a live task or queued landing. */
  graceMs: number;
}

/** Modest defaults: status comes from hooks first, so the loops only catch what hooks miss. */
export const DEFAULT_TIMINGS: SupervisorTimings = {
  // Hooks report status at once; this pass catches exits, screens and what hooks miss.
  reconcileMs: 3_000,
  usageMs: 10_000,
  radarMs: 60_000,
  queueMs: 3_000,
  // Usage is sampled every 10 s: checking budgets much more often finds nothing new.
  budgetMs: 5_000,
  // A note typed into an idle hook-less session within a few seconds is soon enough.
  notesMs: 3_000,
  // A reset is known to the second; a few seconds late is fine.
  limitsMs: 5_000,
  // Told within seconds, like notes; a pass with nothing new is two indexed reads.
  notifyMs: 3_000,
  // Disk use moves slowly and du over many node_modules is not free: every 10 minutes.
  diskMs: 600_000,
  graceMs: 30_000,
};

const ENV: Record<keyof SupervisorTimings, string> = {
  reconcileMs: 'BRAID_SUPERVISOR_RECONCILE_MS',
  usageMs: 'BRAID_SUPERVISOR_USAGE_MS',
  radarMs: 'BRAID_SUPERVISOR_RADAR_MS',
  queueMs: 'BRAID_SUPERVISOR_QUEUE_MS',
  budgetMs: 'BRAID_SUPERVISOR_BUDGET_MS',
  notesMs: 'BRAID_SUPERVISOR_NOTES_MS',
  limitsMs: 'BRAID_SUPERVISOR_LIMITS_MS',
  notifyMs: 'BRAID_SUPERVISOR_NOTIFY_MS',
  diskMs: 'BRAID_SUPERVISOR_DISK_MS',
  graceMs: 'BRAID_SUPERVISOR_GRACE_MS',
};

/** The defaults, each overridable by its environment variable (tests and benchmarks shorten them). */
export function timingsFromEnv(env: NodeJS.ProcessEnv = process.env): SupervisorTimings {
  const out = { ...DEFAULT_TIMINGS };
  for (const key of Object.keys(ENV) as Array<keyof SupervisorTimings>) {
    const n = Number(env[ENV[key]]);
    if (env[ENV[key]] && Number.isFinite(n) && n >= 0) out[key] = n;
  }
  return out;
}
