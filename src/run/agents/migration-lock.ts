import type { HookResponder } from './hook-responders.js';

/**
 * Tells a Claude Code session, as it starts (and after a compaction wiped its context), to run
 * migrations under braid's repo-wide lock. The lock's name reaches the hook through the session's
 * own environment (BRAID_MIGRATIONS_LOCK, set where `migrations:` is configured).
 */
export const migrationLockResponder: HookResponder = (_task, event) => {
  if (event !== 'SessionStart') return null;
  const lock = process.env.BRAID_MIGRATIONS_LOCK;
  if (!lock) return null;
  return [
    'Other agents work on this repository in parallel, each with its own database, and two migrations run at once can corrupt a shared schema.',
    `Run every database migration command through braid's lock: \`braid lock ${lock} -- <command>\` (e.g. \`braid lock ${lock} -- npm run migrate\`); it waits while another session migrates.`,
  ].join(' ');
};
