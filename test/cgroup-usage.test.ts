import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupSegment } from '../src/core/cgroup-layout.js';
import { probeCgroups } from '../src/isolate/sandbox/cgroup-probe.js';
import { cliJson, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

const cg = probeCgroups();
const needed = cg.version === 'v1' ? ['memory', 'cpu', 'cpuacct'] : ['memory', 'cpu'];
const missing = needed.filter((c) => !cg.controllers.includes(c));
const skipReason = !cg.writable
  ? `no writable cgroup hierarchy: ${cg.reason}`
  : missing.length
    ? `cgroup controllers not usable here (${cg.version}): ${missing.join(', ')}`
    : '';
if (skipReason) console.warn(`cgroup accounting tests skipped: ${skipReason}`);

interface Row {
  name: string;
  rssBytes: number | null;
  cpuPercent: number | null;
}

const MiB = 2 ** 20;
let repo: TempRepo;
let worktrees: string;

/** The task's own cgroup directory for a controller (v2: the single unified one). */
function groupDir(controller: string, task: string): string {
  const base = cg.version === 'v2' ? cg.bases.unified : cg.bases[controller];
  return path.join(base, 'braid', cgroupSegment(path.basename(repo.dir)), cgroupSegment(task));
}
const read = (file: string) => readFileSync(file, 'utf8').trim();
const cgroupMemory = (task: string) =>
  Number(
    read(
      path.join(groupDir('memory', task), cg.version === 'v2' ? 'memory.current' : 'memory.usage_in_bytes'),
    ),
  );

/** A headless shell-agent task: `( setsid … & )` leaves the work outside the session's process tree, inside its cgroup. */
async function task(name: string, script: string): Promise<string> {
  const res = await runCli(repo.dir, ['new', name, '--agent', 'shell', '--headless', '-p', script]);
  expect(res.code, res.stderr).toBe(0);
  return path.join(worktrees, name);
}

describe.skipIf(!!skipReason)('memory and CPU of a task from its cgroup (real cgroups)', () => {
  beforeAll(async () => {
    // A name of its own: other checkouts may run these tests on the same cgroup tree at once.
    repo = await tempRepo({
      name: `cgacct${process.pid}`,
      files: { 'braid.yaml': 'deps: none\nlimits: { memory: 768M, cpu: 1.5, pids: 256 }\n' },
    });
    worktrees = path.join(repo.parent, `${path.basename(repo.dir)}.braid`);
    const holder = path.join(repo.parent, 'hold-memory.cjs');
    writeFileSync(
      holder,
      [
        '// Touches every page, so the memory is really charged, then holds it.',
        'const block = Buffer.alloc(160 * 2 ** 20, 1);',
        "require('node:fs').writeFileSync('holding', String(block.length));",
        'setInterval(() => block[0]++, 1 << 30);',
      ].join('\n'),
    );
    const q = JSON.stringify;
    await task('hog', `( setsid ${q(process.execPath)} ${q(holder)} & ); exec sleep 300`);
    await task('busy', `( setsid sh -c 'while :; do :; done' & ); exec sleep 300`);
    await task('calm', 'exec sleep 300');
  });

  afterAll(async () => {
    if (!repo) return;
    for (const name of ['hog', 'busy', 'calm']) await runCli(repo.dir, ['rm', name, '--force']);
    repo.cleanup();
  });

  it('ls and stats report the memory of the whole cgroup, a detached daemon included', async () => {
    await until('the daemon to hold its memory', () => existsSync(path.join(worktrees, 'hog', 'holding')));
    for (const command of ['ls', 'stats']) {
      const before = cgroupMemory('hog');
      const rows = (await cliJson<{ tasks: Row[] }>(repo.dir, [command])).tasks;
      const after = cgroupMemory('hog');
      const hog = rows.find((t) => t.name === 'hog')!;
      expect(hog.rssBytes, command).toBeGreaterThanOrEqual(150 * MiB);
      // The cgroup's own counter, read just before and after, brackets what braid reported (±10 %).
      expect(hog.rssBytes!, command).toBeGreaterThanOrEqual(Math.min(before, after) * 0.9);
      expect(hog.rssBytes!, command).toBeLessThanOrEqual(Math.max(before, after) * 1.1);
      // Its session's own process tree is a shell and a sleep: far from it.
      expect(rows.find((t) => t.name === 'calm')!.rssBytes!, command).toBeLessThan(50 * MiB);
    }
  });

  it('ls and stats report the CPU of the cgroup: a busy daemon shows, an idle task is near 0', async () => {
    for (const command of ['ls', 'stats']) {
      const rows = (await cliJson<{ tasks: Row[] }>(repo.dir, [command])).tasks;
      const busy = rows.find((t) => t.name === 'busy')!;
      const calm = rows.find((t) => t.name === 'calm')!;
      // A spinning shell takes a whole core when it can; the machine is shared, so only a floor.
      expect(busy.cpuPercent, command).toBeGreaterThan(10);
      expect(calm.cpuPercent, command).not.toBeNull();
      expect(calm.cpuPercent!, command).toBeLessThan(5);
    }
  });

  it('limits.cpu sets the CFS quota: 1.5 CPUs is 150 ms every 100 ms', () => {
    if (cg.version === 'v2') {
      expect(read(path.join(groupDir('cpu', 'calm'), 'cpu.max'))).toBe('150000 100000');
    } else {
      expect(read(path.join(groupDir('cpu', 'calm'), 'cpu.cfs_quota_us'))).toBe('150000');
      expect(read(path.join(groupDir('cpu', 'calm'), 'cpu.cfs_period_us'))).toBe('100000');
    }
  });
});
