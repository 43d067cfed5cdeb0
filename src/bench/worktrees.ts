/**
 * Ten ready worktrees of a project with a real node_modules: braid (`provisionTask`, deps auto) against
 * the naive way (git worktree add + npm ci in each, one after another) and a plain `cp -a` of node_modules.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../exec/run.js';
import { BRAID_IDENTITY } from '../git/snapshot.js';
import { provisionTask } from '../isolate/workspace/provision.js';
import { openProject } from '../project/project.js';

const TASKS = 10;
const SYNC = process.env.BENCH_SYNC === '1';
/** A few hundred packages: what a small TypeScript service pulls in. */
const DEPENDENCIES = {
  jest: '^30.0.0',
  eslint: '^9.0.0',
  vitest: '^4.1.0',
  typescript: '^5.9.3',
  zod: '^4.1.0',
  commander: '^14.0.0',
  yaml: '^2.8.0',
};
/** vite 8.4 names an optional dependency the registry does not have: npm install skips it, npm ci refuses the lockfile. */
const OVERRIDES = { vite: '~8.3.0' };

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export interface WorktreeBench {
  packages: number;
  nodeModulesMb: number;
  braidMs: number;
  naiveMs: number;
  copyMs: number;
  gitOnlyMs: number;
  braidOverheadPerTaskMs: number;
  /** Time braid spends before its copy starts (worktree, includes, ports, store): no copy noise in it. */
  beforeCopyPerTaskMs: number;
}

export async function benchWorktrees(): Promise<WorktreeBench> {
  // BENCH_DIR: run on another filesystem, e.g. a loop-mounted XFS with reflink.
  const parent = process.env.BENCH_DIR ?? tmpdir();
  const work = realpathSync(mkdtempSync(path.join(parent, 'braid-bench-wt-')));
  const repo = path.join(work, 'app');
  const sh = (args: string[], cwd = repo) =>
    run(args[0], args.slice(1), { cwd, env: BRAID_IDENTITY, timeoutMs: 30 * 60_000 });
  try {
    await run('mkdir', ['-p', repo], { cwd: work });
    writeFileSync(
      path.join(repo, 'package.json'),
      JSON.stringify(
        { name: 'app', private: true, dependencies: DEPENDENCIES, overrides: OVERRIDES },
        null,
        2,
      ),
    );
    writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
    writeFileSync(
      path.join(repo, 'braid.yaml'),
      'deps: auto\nsetup: ["npm ci --no-audit --no-fund --prefer-offline"]\n',
    );
    await sh(['npm', 'install', '--no-audit', '--no-fund']);
    await sh(['git', 'init', '-q', '-b', 'main']);
    await sh(['git', 'add', '-A']);
    await sh(['git', 'commit', '-q', '-m', 'app']);
    const packages = Number(
      (
        await sh(['sh', '-c', 'ls -d node_modules/* node_modules/@*/* | grep -v "/@[^/]*$" | wc -l'])
      ).stdout.trim(),
    );
    const nodeModulesMb = Number((await sh(['du', '-sm', 'node_modules'])).stdout.split('\t')[0]);

    // Interleaved (optionally each after a sync, BENCH_SYNC=1): no phase gets all the cold or all the dirty cache.
    const project = await openProject(repo, {});
    let copyMs = 0;
    let gitOnlyMs = 0;
    let braidMs = 0;
    let copyPhaseMs = 0;
    for (let i = 0; i < TASKS; i++) {
      if (SYNC) await sh(['sync']);
      copyMs += await timed(() => sh(['cp', '-a', 'node_modules', path.join(work, `copy-${i}`)]));
      if (SYNC) await sh(['sync']);
      gitOnlyMs += await timed(() =>
        sh(['git', 'worktree', 'add', '-q', '-b', `g${i}`, path.join(work, `git-${i}`)]),
      );
      if (SYNC) await sh(['sync']);
      let cloneStarted = 0;
      const t0 = performance.now();
      await provisionTask(project, {
        name: `task-${i}`,
        onProgress: (line) => {
          if (line.startsWith('cloning node_modules')) cloneStarted = performance.now();
        },
      });
      const t1 = performance.now();
      braidMs += t1 - t0;
      if (cloneStarted) copyPhaseMs += t1 - cloneStarted;
    }
    project.close();
    const naiveMs = await timed(async () => {
      for (let i = 0; i < TASKS; i++) {
        const dir = path.join(work, `naive-${i}`);
        await sh(['git', 'worktree', 'add', '-q', '-b', `n${i}`, dir]);
        await sh(['npm', 'ci', '--no-audit', '--no-fund', '--prefer-offline'], dir);
      }
    });
    return {
      packages,
      nodeModulesMb,
      braidMs,
      naiveMs,
      copyMs,
      gitOnlyMs,
      braidOverheadPerTaskMs: (braidMs - copyMs - gitOnlyMs) / TASKS,
      beforeCopyPerTaskMs: (braidMs - copyPhaseMs) / TASKS,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
