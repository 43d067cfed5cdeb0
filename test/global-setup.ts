/**
 * Builds dist once, before any test file runs (one tsc run: the CLI and the web dashboard's browser
 * client, dist/web/client, alike; then the CLI's bundle, scripts/bundle.mjs). Tests spawn the built CLI; a build while other files
 * run rewrites modules under them, and they fail importing half-written files. Meanwhile the npm
 * projects the real-gate tests land on get their node_modules (npm ci, only when missing or stale).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { run } from '../src/exec/run.js';
import { CLI, ROOT } from './helpers/cli.js';
import { installGateProjects } from './helpers/gate-projects.js';

export default async function buildBeforeTests(): Promise<void> {
  // tsc still emits when an unrelated module fails to type-check; `npm run check` reports that. The
  // bundle step needs tsc's output, so it runs only after tsc, and a failure of its own stops the run.
  const build = builtIsCurrent()
    ? Promise.resolve()
    : run('npx', ['tsc', '-p', 'tsconfig.build.json'], {
        cwd: ROOT,
        timeoutMs: 300_000,
        allowFailure: true,
      }).then(() => run(process.execPath, ['scripts/bundle.mjs'], { cwd: ROOT, timeoutMs: 300_000 }));
  await Promise.all([build, installGateProjects()]);
  // Node loads NODE_EXTRA_CA_CERTS at every start (here ~35 ms of CPU and ~150 ms of wall a process, where a bare
  // start is ~25 ms): the tests' thousands of short processes reach 127.0.0.1 only, so they start without it.
  delete process.env.NODE_EXTRA_CA_CERTS;
  if (!existsSync(CLI)) throw new Error(`the build did not produce ${CLI}`);
}

/**
 * True when every source under src/ has its dist/ module, written after the source and after the
 * tsconfig files changed: then the build (npm ci's prepare, or the last run) already made this dist,
 * and tsc's ~15 s of CPU is skipped. tsc rewrites every output on each build, so a stale one shows.
 */
function builtIsCurrent(): boolean {
  // tsc's CLI without its bundle (a build stopped between the two) is rebuilt whole.
  if (!existsSync(CLI) || !readFileSync(CLI, 'utf8').includes('// braid: bundled')) return false;
  const configs = ['tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(path.join(ROOT, f)).mtimeMs);
  const newestConfig = Math.max(...configs);
  const src = path.join(ROOT, 'src');
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
    const source = path.join(entry.parentPath, entry.name);
    const out = path.join(ROOT, 'dist', path.relative(src, source)).replace(/\.tsx?$/, '.js');
    if (!existsSync(out)) return false;
    const built = statSync(out).mtimeMs;
    if (built < statSync(source).mtimeMs || built < newestConfig) return false;
  }
  return true;
}
