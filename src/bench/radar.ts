/**
 * Radar latency with 5 live tasks on a repository of ~2000 files: the single-task rescan, what the
 * agent waits for in its edit hook (target: within ~300 ms), and how long until the finding is stored.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { run } from '../exec/run.js';
import { git } from '../git/git.js';
import { BRAID_IDENTITY } from '../git/snapshot.js';
import { openProject } from '../project/project.js';
import type { Store } from '../store/db.js';
import { lastCoveredEdit, lastEditEventId } from '../store/events.js';
import { insertTask } from '../store/tasks.js';
import { rescanRunning } from '../watch/radar/rescan.js';
import { scanRadar } from '../watch/radar/scan.js';

const FILES = 2000;
const TASKS = 5;

function body(tag: string, n = 40): string {
  return `${Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`).join('\n')}\n`;
}

function editLine(file: string, lineNo: number, text: string): void {
  const all = readFileSync(file, 'utf8').split('\n');
  all[lineNo - 1] = text;
  writeFileSync(file, all.join('\n'));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function makeRepo(parent: string): Promise<string> {
  const dir = path.join(parent, 'repo');
  for (let i = 0; i < FILES; i++) {
    const file = path.join(dir, `src/m${i % 40}/file${i}.ts`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body(`file${i}`));
  }
  const env = { ...BRAID_IDENTITY, GIT_CONFIG_NOSYSTEM: '1' };
  await git(['init', '-q', '-b', 'main'], { cwd: dir });
  await git(['config', 'gc.auto', '0'], { cwd: dir });
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '-q', '-m', 'initial'], { cwd: dir, env });
  return dir;
}

export interface RadarBench {
  /** scanRadar in-process. */
  medianMs: number;
  p95Ms: number;
  /** The whole spawned `braid hook PostToolUse` after an edit: node start-up, CLI, store, starting the rescan. */
  hookMedianMs: number;
  hookP95Ms: number;
  /** From that hook's start until its detached rescan stored the findings. */
  storedMedianMs: number;
  storedP95Ms: number;
  /** A spawned `braid hook PreToolUse` that edits nothing: the floor every tool use pays. */
  quietHookMedianMs: number;
}

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

/** Runs `braid hook <event>` as Claude Code would; returns how long the agent waited for it. */
async function timeHook(
  wt: string,
  task: string,
  event: string,
  tool: string,
  file: string,
): Promise<number> {
  const payload = {
    session_id: `bench-${task}`,
    cwd: wt,
    hook_event_name: event,
    tool_name: tool,
    tool_input: { file_path: file },
  };
  const start = performance.now();
  const res = await run(process.execPath, [CLI, 'hook', event], {
    cwd: wt,
    env: { BRAID_TASK: task, BRAID_NO_SUPERVISOR: '1' },
    input: JSON.stringify(payload),
    allowFailure: true,
  });
  const ms = performance.now() - start;
  if (res.code !== 0) throw new Error(`braid hook exited ${res.code}: ${res.stderr}`);
  return ms;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the store until a finished rescan of `task` covers edit event `edit`; resolves when it did. */
async function rescanStored(store: Store, task: string, edit: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (lastCoveredEdit(store, task) < edit || rescanRunning(store, task)) {
    if (Date.now() > deadline) throw new Error(`no rescan of ${task} covered edit ${edit} within 60 s`);
    await sleep(2);
  }
}

export const stats = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)) };
};

export async function benchRadar(iterations = 20): Promise<RadarBench> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-bench-radar-')));
  try {
    const dir = await makeRepo(parent);
    const project = await openProject(dir);
    try {
      const base = await git(['rev-parse', 'main'], { cwd: dir });
      for (let t = 0; t < TASKS; t++) {
        const name = `t${t}`;
        const wt = path.join(parent, name);
        await git(['worktree', 'add', '-q', '-b', `braid/${name}`, wt, 'main'], { cwd: dir });
        insertTask(project.store, {
          ...{ name, branch: `braid/${name}`, worktree: wt, base: 'main', baseCommit: base, agent: 'shell' },
          status: 'working',
        });
        // Every task edits a shared file and a few of its own, so pairs carry real findings.
        editLine(path.join(wt, 'src/m0/file0.ts'), 1 + t * 8, `edited by ${name}`);
        for (let k = 1; k <= 3; k++) editLine(path.join(wt, `src/m${k}/file${t * 40 + k}.ts`), 5, name);
      }
      await scanRadar(project);
      const times: number[] = [];
      const hot = path.join(parent, 't0', 'src/m0/file0.ts');
      for (let i = 0; i < iterations; i++) {
        editLine(hot, 2 + (i % 5), `t0 edit ${i}`);
        const start = performance.now();
        const report = await scanRadar(project, { tasks: ['t0'] });
        times.push(performance.now() - start);
        // A measurement that silently hit the cache would flatter the radar: insist on real work.
        if (report.recomputed.length !== TASKS)
          throw new Error(`expected ${TASKS} pairs recomputed, got ${report.recomputed.length}`);
      }
      const hookTimes: number[] = [];
      const storedTimes: number[] = [];
      const quietTimes: number[] = [];
      const wt = path.join(parent, 't0');
      for (let i = 0; i < iterations; i++) {
        editLine(hot, 2 + (i % 5), `t0 hook edit ${i}`);
        const before = await git(['rev-parse', 'refs/braid/radar/t0'], { cwd: dir });
        const start = performance.now();
        hookTimes.push(await timeHook(wt, 't0', 'PostToolUse', 'Edit', hot));
        await rescanStored(project.store, 't0', lastEditEventId(project.store, 't0'));
        storedTimes.push(performance.now() - start);
        // A rescan that did not happen would flatter the figure: the snapshot must have moved.
        if ((await git(['rev-parse', 'refs/braid/radar/t0'], { cwd: dir })) === before)
          throw new Error('the rescan after braid hook PostToolUse did not re-snapshot the task');
        quietTimes.push(await timeHook(wt, 't0', 'PreToolUse', 'Read', hot));
      }
      const scan = stats(times);
      const hookRun = stats(hookTimes);
      const stored = stats(storedTimes);
      return {
        medianMs: scan.median,
        p95Ms: scan.p95,
        hookMedianMs: hookRun.median,
        hookP95Ms: hookRun.p95,
        storedMedianMs: stored.median,
        storedP95Ms: stored.p95,
        quietHookMedianMs: stats(quietTimes).median,
      };
    } finally {
      project.close();
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchRadar().then((r) => process.stdout.write(`radar single-task rescan: ${JSON.stringify(r)}\n`));
}
