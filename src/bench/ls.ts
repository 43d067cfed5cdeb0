/**
 * CLI cost per invocation: `braid --version` (node start-up, the floor), `braid ls --json` on 0 and
 * 50 tasks (a supervisor running, and `--fresh`), and a `braid hook PreToolUse`, spawned side by side (interleaved), median of 5 each:
 * wall time and CPU (the child's user + system time, its own children included). Target: ls at 50
 * tasks within 2x of --version.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStat } from '../exec/proc.js';
import { run } from '../exec/run.js';
import { git } from '../git/git.js';
import { BRAID_IDENTITY } from '../git/snapshot.js';
import { provisionTask } from '../isolate/workspace/provision.js';
import { startSupervisor, stopSupervisor } from '../orchestrate/supervisor/control.js';
import { openProject } from '../project/project.js';
import { rewindBeforeChanges, storedChanges } from '../store/changes.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

/** The target: `ls --json` at 50 tasks within this factor of `--version`. */
export const LS_TARGET_RATIO = 2;

interface Figure {
  wallMs: number;
  cpuMs: number;
}

export interface LsBench {
  tasks: number;
  runs: number;
  version: Figure;
  lsEmpty: Figure;
  /** With a supervisor running: it keeps the figures fresh in the store. */
  ls: Figure;
  /** `ls --json --fresh`: every figure recounted, what ls costs with nothing stored. */
  lsFresh: Figure;
  hook: Figure;
  /** The same commands of another build (BENCH_BASELINE: its dist/cli/main.js), side by side, on a store without task_changes (BENCH_BASELINE_SCHEMA, default 8). */
  baseline: { version: Figure; ls: Figure; hook: Figure } | null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU of reaped children so far, in ms (clock ticks of 10 ms). */
const childCpuMs = () => (readStat(process.pid)?.childCpuTicks ?? 0) * 10;

async function timed(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  cli = CLI,
): Promise<Figure> {
  const cpu0 = childCpuMs();
  const t0 = performance.now();
  const res = await run(process.execPath, [cli, ...args], { cwd, env, input, allowFailure: true });
  const wallMs = performance.now() - t0;
  if (res.code !== 0) throw new Error(`braid ${args.join(' ')} exited ${res.code}: ${res.stderr}`);
  return { wallMs, cpuMs: childCpuMs() - cpu0 };
}

/** A repository of 300 files; each task committed a change and left one uncommitted. */
async function fixture(parent: string, name: string, tasks: number): Promise<string> {
  const dir = path.join(parent, name);
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  for (let i = 0; i < 300; i++)
    writeFileSync(path.join(dir, 'src', `f${i}.ts`), `export const v${i} = ${i};\n`);
  writeFileSync(path.join(dir, 'braid.yaml'), 'deps: none\n');
  await git(['init', '-q', '-b', 'main'], { cwd: dir });
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '-q', '-m', 'initial'], { cwd: dir, env: BRAID_IDENTITY });
  const project = await openProject(dir);
  try {
    for (let i = 0; i < tasks; i++) {
      const t = await provisionTask(project, { name: `t${i}`, prompt: `task ${i}` });
      writeFileSync(path.join(t.worktree, 'src', `f${i}.ts`), `export const v${i} = -${i};\n`);
      await git(['commit', '-q', '-am', `change ${i}`], { cwd: t.worktree, env: BRAID_IDENTITY });
      writeFileSync(path.join(t.worktree, `note-${i}.md`), 'untracked\n');
    }
  } finally {
    project.close();
  }
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchLs(tasks = 50, runs = 5): Promise<LsBench> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-bench-ls-')));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...BRAID_IDENTITY,
    BRAID_NO_SUPERVISOR: '1',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const empty = await fixture(parent, 'empty', 0);
  const full = await fixture(parent, 'full', tasks);
  const baselineCli = process.env.BENCH_BASELINE ?? null;
  const old = baselineCli ? await fixture(parent, 'old', tasks) : null;
  // A baseline that predates task_changes gets the store it knows (BENCH_BASELINE_SCHEMA=none: keep it).
  if (old && process.env.BENCH_BASELINE_SCHEMA !== 'none') {
    const oldProject = await openProject(old);
    rewindBeforeChanges(oldProject.store, Number(process.env.BENCH_BASELINE_SCHEMA ?? 8));
    oldProject.close();
  }
  const project = await openProject(full);
  try {
    // No task is live: keep the supervisor up for the whole run anyway.
    await startSupervisor(project, {
      wait: true,
      env: { ...env, BRAID_NO_SUPERVISOR: '0', BRAID_SUPERVISOR_GRACE_MS: '600000' },
    });
    const counted = () =>
      [...storedChanges(project.store).values()].filter((f) => f.dirtyBy === 'supervisor');
    while (counted().length < tasks) await sleep(200); // its first pass of the changes loop
    const hookInput = JSON.stringify({
      session_id: 'b',
      cwd: full,
      hook_event_name: 'PreToolUse',
      tool_name: 'Read',
    });
    const seen: Record<
      'version' | 'lsEmpty' | 'ls' | 'lsFresh' | 'hook' | 'oldVersion' | 'oldLs' | 'oldHook',
      Figure[]
    > = {
      version: [],
      lsEmpty: [],
      ls: [],
      lsFresh: [],
      hook: [],
      oldVersion: [],
      oldLs: [],
      oldHook: [],
    };
    await timed(full, ['ls', '--json'], env); // warm the page cache
    for (let i = 0; i < runs; i++) {
      seen.version.push(await timed(full, ['--version'], env));
      seen.lsEmpty.push(await timed(empty, ['ls', '--json'], env));
      seen.ls.push(await timed(full, ['ls', '--json'], env));
      seen.hook.push(await timed(full, ['hook', 'PreToolUse'], { ...env, BRAID_TASK: 't0' }, hookInput));
      if (!old || !baselineCli) continue;
      seen.oldVersion.push(await timed(old, ['--version'], env, undefined, baselineCli));
      seen.oldLs.push(await timed(old, ['ls', '--json'], env, undefined, baselineCli));
      const oldInput = hookInput.replace(JSON.stringify(full), JSON.stringify(old));
      seen.oldHook.push(
        await timed(old, ['hook', 'PreToolUse'], { ...env, BRAID_TASK: 't0' }, oldInput, baselineCli),
      );
    }
    // Last: a recount stores ls's own counts, which the next plain ls would not trust.
    for (let i = 0; i < runs; i++) seen.lsFresh.push(await timed(full, ['ls', '--json', '--fresh'], env));
    const fig = (xs: Figure[]): Figure => ({
      wallMs: Math.round(median(xs.map((x) => x.wallMs))),
      cpuMs: Math.round(median(xs.map((x) => x.cpuMs))),
    });
    return {
      tasks,
      runs,
      version: fig(seen.version),
      lsEmpty: fig(seen.lsEmpty),
      ls: fig(seen.ls),
      lsFresh: fig(seen.lsFresh),
      hook: fig(seen.hook),
      baseline: old ? { version: fig(seen.oldVersion), ls: fig(seen.oldLs), hook: fig(seen.oldHook) } : null,
    };
  } finally {
    await stopSupervisor(project, 5000).catch(() => {});
    project.close();
    rmSync(parent, { recursive: true, force: true });
  }
}
