#!/usr/bin/env node
/** Entry point of a detached supervisor: `node main.js <repo>`; only the supervisor's modules load. */
import { BraidError } from '../../core/errors.js';
import { openProject } from '../../project/project.js';
import { timingsFromEnv } from './options.js';
import { runSupervisor } from './supervisor.js';

async function main(): Promise<void> {
  const repo = process.argv[2] ?? process.cwd();
  const project = await openProject(repo);
  try {
    await runSupervisor(project, { timings: timingsFromEnv(), handleSignals: true });
  } finally {
    project.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    // Detached, nobody reads stderr: a lost race for the lock is normal, anything else is in events.jsonl via the loops.
    process.exitCode = err instanceof BraidError && err.code === 'E_LOCKED' ? 0 : 1;
  },
);
