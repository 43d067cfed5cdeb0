/**
 * Builds dist once, before any test file runs (one tsc run: the CLI and the web dashboard's browser
 * client, dist/web/client, alike). Tests spawn the built CLI; a build while other files
 * run rewrites modules under them, and they fail importing half-written files. Meanwhile the npm
 * projects the real-gate tests land on get their node_modules (npm ci, only when missing or stale).
 */
import { existsSync } from 'node:fs';
import { run } from '../src/exec/run.js';
import { CLI, ROOT } from './helpers/cli.js';
import { installGateProjects } from './helpers/gate-projects.js';

export default async function buildBeforeTests(): Promise<void> {
  // tsc still emits when an unrelated module fails to type-check; `npm run check` reports that.
  const build = run('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    timeoutMs: 300_000,
    allowFailure: true,
  });
  await Promise.all([build, installGateProjects()]);
  if (!existsSync(CLI)) throw new Error(`the build did not produce ${CLI}`);
}
