import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCgroupMounts, parseProcCgroup } from '../src/core/cgroup-layout.js';
import { parseSize } from '../src/core/size.js';
import { isProcessAlive } from '../src/exec/pid.js';
import { run } from '../src/exec/run.js';
import { sandboxArgv } from '../src/isolate/sandbox/bwrap.js';
import { detectCapabilities } from '../src/isolate/sandbox/capabilities.js';
import { probeCgroups } from '../src/isolate/sandbox/cgroup-probe.js';
import { createTaskCgroup, openTaskCgroup, type TaskCgroup } from '../src/isolate/sandbox/cgroups.js';
import { execInCgroupArgv } from '../src/isolate/sandbox/exec-in-cgroup.js';
import { until } from './helpers/wait.js';

const support = probeCgroups();
const skipReason = support.writable ? '' : `no writable cgroups here: ${support.reason}`;
const has = (...cs: string[]) => support.writable && cs.every((c) => support.controllers.includes(c));
if (skipReason) console.warn(`cgroups tests skipped: ${skipReason}`);

const repo = `cgtest-${randomBytes(3).toString('hex')}`;
const made: TaskCgroup[] = [];
afterEach(async () => {
  for (const g of made.splice(0)) await g.remove();
});

async function group(task: string, limits = {}): Promise<TaskCgroup> {
  const g = await createTaskCgroup(repo, task, limits);
  made.push(g);
  return g;
}

/** Runs argv inside the cgroup through the join-then-exec wrapper. */
function inCgroup(procsFiles: string[], argv: string[], options: Parameters<typeof run>[2]) {
  const [command, ...args] = execInCgroupArgv(procsFiles, argv);
  return run(command, args, options);
}

describe('sizes', () => {
  it('parses binary sizes and refuses nonsense', () => {
    expect(parseSize('4G')).toBe(4 * 1024 ** 3);
    expect(parseSize('512m')).toBe(512 * 1024 ** 2);
    expect(parseSize('1.5G')).toBe(Math.floor(1.5 * 1024 ** 3));
    expect(parseSize('100')).toBe(100);
    expect(() => parseSize('4 gigs')).toThrow(/not a size/);
    expect(() => parseSize('0')).toThrow(/positive/);
  });
});

describe('cgroup layout parsing', () => {
  it('reads v1 and v2 lines and mounts', () => {
    const own = parseProcCgroup('4:memory:/process_api/abc\n1:cpu,cpuacct:/\n0::/user.slice\n');
    expect(own.get('memory')).toBe('/process_api/abc');
    expect(own.get('cpuacct')).toBe('/');
    expect(own.get('')).toBe('/user.slice');
    const mounts = parseCgroupMounts(
      '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n',
    );
    expect(mounts.map((m) => [m.fstype, m.mountPoint, m.controllers])).toEqual([
      ['cgroup', '/sys/fs/cgroup/memory', ['memory']],
      ['cgroup2', '/sys/fs/cgroup/unified', []],
    ]);
  });
});

describe.skipIf(!!skipReason)('task cgroups (real kernel)', () => {
  it.skipIf(!has('memory'))('kills a memory hog at its limit while a sibling task survives', async () => {
    const hog = await group('hog', { memory: '64M' });
    const sibling = await group('sibling', { memory: '64M' });
    const sleeper = inCgroup(sibling.procsFiles, ['sleep', '30'], {
      cwd: '/',
      allowFailure: true,
    });
    await until('the sibling to join its cgroup', () => sibling.pids().length === 1);
    // Touch every page so the memory is really charged; ends normally if nothing stops it.
    const alloc =
      'const a=[];for(let i=0;i<40;i++){const b=Buffer.alloc(8<<20);b.fill(1);a.push(b)}console.log("survived")';
    const res = await inCgroup(hog.procsFiles, [process.execPath, '-e', alloc], {
      cwd: '/',
      allowFailure: true,
    });
    expect(res.signal ?? res.code).toBe('SIGKILL');
    expect(res.stdout).not.toContain('survived');
    // The kernel's own count: the OOM killer acted inside this cgroup.
    const memDir = hog.ref.paths.find((p) => p.includes('/memory/')) ?? hog.ref.paths[0];
    const events = readFileSync(
      `${memDir}/${support.version === 'v2' ? 'memory.events' : 'memory.oom_control'}`,
      'utf8',
    );
    expect(events).toMatch(/^oom_kill [1-9]/m);
    expect(sibling.pids()).toHaveLength(1);
    await sibling.killAll();
    expect((await sleeper).signal).toBe('SIGKILL');
  });

  it.skipIf(!has('pids'))('contains a fork loop with the pids limit, then kills it all', async () => {
    const g = await group('forks', { pids: 16 });
    // Bounded on purpose (200 children): harmless even where the limit would not hold.
    const forks = 'i=0; while [ $i -lt 200 ]; do sleep 60 & i=$((i+1)); done; wait';
    const pending = inCgroup(g.procsFiles, ['sh', '-c', forks], {
      cwd: '/',
      allowFailure: true,
    });
    await until('the pids limit to refuse a fork', () =>
      /max [1-9]/.test(readFileSync(`${g.ref.paths.find((p) => /pids/.test(p))}/pids.events`, 'utf8')),
    );
    expect(g.pids().length).toBeLessThanOrEqual(16);
    expect(g.stats().pids).toBeLessThanOrEqual(16);
    await g.killAll();
    await pending;
    expect(g.pids()).toEqual([]);
  });

  it('killAll kills a daemon started with setsid, and stats read the cgroup', async () => {
    const g = await group('daemon', {});
    const start = 'setsid -f sleep 300 </dev/null >/dev/null 2>&1';
    const res = await inCgroup(g.procsFiles, ['sh', '-c', start], { cwd: '/' });
    expect(res.code).toBe(0);
    await until('the daemon to show in the cgroup', () => g.pids().length === 1);
    const [daemon] = g.pids();
    expect(isProcessAlive(daemon)).toBe(true);
    const stats = g.stats();
    if (has('memory')) expect(stats.memoryBytes).toBeGreaterThan(0);
    if (has('cpuacct') || support.version === 'v2') expect(stats.cpuUsageNs).toBeGreaterThan(0);
    // A later braid process finds the cgroup from its recorded ref.
    await openTaskCgroup({ ref: g.ref }).killAll();
    await until('the daemon to die', () => !isProcessAlive(daemon));
    expect(g.pids()).toEqual([]);
  });

  it('refuses with E_LIMITS a limit whose controller is missing', async () => {
    const fake = { memory: '1G', cpu: 1, pids: 10 };
    if (has('memory', 'cpu', 'pids')) {
      const g = await group('all', fake);
      expect(g.ref.paths.length).toBeGreaterThan(0);
    } else {
      await expect(createTaskCgroup(repo, 'x', fake)).rejects.toMatchObject({ code: 'E_LIMITS' });
    }
  });

  it('a sandboxed session in its cgroup dies whole with killAll', async () => {
    const caps = await detectCapabilities();
    if (!caps.bwrap.ok) return console.warn(`skipped: ${caps.bwrap.reason}`);
    const g = await group('boxed', has('pids') ? { pids: 64 } : {});
    const launch = sandboxArgv(['sh', '-c', 'sleep 300 & sleep 300'], {
      worktree: '/',
      gitCommonDir: '/nonexistent-git',
      writable: [],
      network: 'none',
      home: '/nonexistent-home',
      readonlyAll: true,
    });
    const session = inCgroup(g.procsFiles, launch.argv, { cwd: '/', allowFailure: true });
    // bwrap, its init, sh and two sleeps
    await until('the sandboxed processes', () => g.pids().length >= 4);
    await g.killAll();
    const res = await session;
    expect(res.signal).toBe('SIGKILL');
    expect(g.pids()).toEqual([]);
  });
});
