/**
 * Hook latency with braid's store locked by another connection: the hook waits ~250 ms, spools its
 * event and exits 0. Compared with the same hook on a free store, and the time to apply the spool.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { run } from '../exec/run.js';
import { git } from '../git/git.js';
import { BRAID_IDENTITY } from '../git/snapshot.js';
import { openProject } from '../project/project.js';
import { drainHookSpool } from '../run/agents/hook-spool.js';
import { holdStoreExclusively } from '../store/db.js';
import { insertTask } from '../store/tasks.js';
import { stats } from './radar.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

export interface HookSpoolBench {
  freeMedianMs: number;
  freeP95Ms: number;
  lockedMedianMs: number;
  lockedP95Ms: number;
  /** How many of the locked hooks' events the drain applied (must be all of them). */
  drained: number;
  drainMs: number;
}

async function timeHook(wt: string, i: number): Promise<number> {
  const payload = { session_id: 'bench', cwd: wt, hook_event_name: 'PreToolUse', tool_name: 'Read', n: i };
  const start = performance.now();
  const res = await run(process.execPath, [CLI, 'hook', 'PreToolUse'], {
    cwd: wt,
    env: { BRAID_TASK: 't0', BRAID_NO_SUPERVISOR: '1' },
    input: JSON.stringify(payload),
    allowFailure: true,
  });
  const ms = performance.now() - start;
  if (res.code !== 0) throw new Error(`braid hook exited ${res.code}: ${res.stderr}`);
  return ms;
}

export async function benchHookSpool(iterations = 20): Promise<HookSpoolBench> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-bench-spool-')));
  try {
    const dir = path.join(parent, 'repo');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'README.md'), 'bench\n');
    const env = { ...BRAID_IDENTITY, GIT_CONFIG_NOSYSTEM: '1' };
    await git(['init', '-q', '-b', 'main'], { cwd: dir });
    await git(['add', '-A'], { cwd: dir });
    await git(['commit', '-q', '-m', 'initial'], { cwd: dir, env });
    const wt = path.join(parent, 't0');
    await git(['worktree', 'add', '-q', '-b', 'braid/t0', wt, 'main'], { cwd: dir });
    const project = await openProject(dir);
    try {
      const base = await git(['rev-parse', 'main'], { cwd: dir });
      insertTask(project.store, {
        ...{ name: 't0', branch: 'braid/t0', worktree: wt, base: 'main', baseCommit: base, agent: 'shell' },
        status: 'working',
      });
      const free: number[] = [];
      for (let i = 0; i < iterations; i++) free.push(await timeHook(wt, i));
      const locked: number[] = [];
      const release = holdStoreExclusively(project.repo.commonDir);
      try {
        for (let i = 0; i < iterations; i++) locked.push(await timeHook(wt, i));
      } finally {
        release();
      }
      const start = performance.now();
      const { applied } = drainHookSpool(project.store, project.repo.commonDir);
      const drainMs = performance.now() - start;
      const f = stats(free);
      const l = stats(locked);
      return {
        freeMedianMs: f.median,
        freeP95Ms: f.p95,
        lockedMedianMs: l.median,
        lockedP95Ms: l.p95,
        drained: applied,
        drainMs: Math.round(drainMs * 10) / 10,
      };
    } finally {
      project.close();
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchHookSpool().then((r) => process.stdout.write(`hook with a locked store: ${JSON.stringify(r)}\n`));
}
