/**
 * Builds dist once, before any test file runs. Tests spawn the built CLI; a build while other files
 * run rewrites modules under them, and they fail importing half-written files.
 */
import { existsSync } from 'node:fs';
import { run } from '../src/exec/run.js';
import { CLI, ROOT } from './helpers/cli.js';

export default async function buildBeforeTests(): Promise<void> {
  // tsc still emits when an unrelated module fails to type-check; `npm run check` reports that.
  await run('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    timeoutMs: 300_000,
    allowFailure: true,
  });
  if (!existsSync(CLI)) throw new Error(`the build did not produce ${CLI}`);
}
