import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cgroupSegment } from '../src/core/cgroup-layout.js';
import { isProcessAlive } from '../src/exec/pid.js';
import { run } from '../src/exec/run.js';
import { detectCapabilities } from '../src/isolate/sandbox/capabilities.js';
import { probeCgroups } from '../src/isolate/sandbox/cgroup-probe.js';
import { CLI, cliJson, runCli } from './helpers/cli.js';
import { GIT_TEST_ENV, g } from './helpers/repo.js';
import { until } from './helpers/wait.js';

const caps = await detectCapabilities();
const cg = probeCgroups();
const noBwrap = caps.bwrap.ok ? '' : `bubblewrap unusable here: ${caps.bwrap.reason}`;
const hasCg = (c: string) => cg.writable && cg.controllers.includes(c);
if (noBwrap) console.warn(`isolation sandbox tests skipped: ${noBwrap}`);
// The limit tests read v1 files (memory.oom_control, memory.failcnt, per-controller directories).
const cgSkip = !cg.writable
  ? `no writable cgroup hierarchy: ${cg.reason}`
  : cg.version !== 'v1'
    ? `they read cgroup v1 files and this host has ${cg.version}`
    : !hasCg('memory') || !hasCg('pids')
      ? 'the memory or pids controller is not usable'
      : '';
if (cgSkip) console.warn(`isolation cgroup tests skipped: ${cgSkip}`);

interface Ls {
  tasks: { name: string; worktree: string; status: string; rssBytes: number | null }[];
}

// Outside /tmp: a sandbox's private /tmp would hide the repository instead of protecting it.
const dirs: string[] = [];
async function sandboxRepo(yaml: string, files: Record<string, string> = {}): Promise<string> {
  const parent = realpathSync(mkdtempSync('/var/tmp/braid-iso-'));
  dirs.push(parent);
  const dir = path.join(parent, 'repo');
  mkdirSync(dir);
  await g(dir, 'init', '-q', '-b', 'main');
  for (const [k, v] of [
    ['user.name', 'Braid Test'],
    ['user.email', 'test@braid.invalid'],
    ['gc.auto', '0'],
    ['commit.gpgsign', 'false'],
  ])
    await g(dir, 'config', k, v);
  writeFileSync(path.join(dir, 'README.md'), 'hello\n');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  writeFileSync(path.join(dir, 'braid.yaml'), `deps: none\n${yaml}`);
  await g(dir, 'add', '-A');
  await g(dir, 'commit', '-qm', 'initial');
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts a headless shell-agent task running `script`; fails loudly when braid refuses. */
async function session(repo: string, name: string, script: string, extra: string[] = []) {
  const res = await runCli(repo, ['new', name, '--agent', 'shell', '--headless', '-p', script, ...extra]);
  expect(res.code, res.stderr).toBe(0);
  return path.join(path.dirname(repo), 'repo.braid', name);
}
const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
/** Dead, or a zombie waiting for a reaper (PID 1 of a container may reap late). */
const gone = (pid: number) => !isProcessAlive(pid) || /^\d+ \(.*\) Z/.test(read(`/proc/${pid}/stat`));

describe.skipIf(!!noBwrap)('sandboxed sessions through the CLI (real bwrap)', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => res.end(`reached ${req.headers.host}\n`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server?.close());

  it('writes and commits only in its own worktree; the allow-list holds', async () => {
    const repo = await sandboxRepo('sandbox: { network: [localhost] }\n');
    const other = path.join(path.dirname(repo), 'repo.braid', 'other');
    expect((await runCli(repo, ['new', 'other', '--no-start'])).code).toBe(0);
    const script = [
      'try() { if sh -c "$2" 2>/dev/null; then echo "$1 ok"; else echo "$1 refused"; fi; }',
      `try outside 'echo x > ${path.dirname(repo)}/evil.txt'`,
      `try sibling 'echo x > ${other}/evil.txt'`,
      `try main 'echo x > ${repo}/evil.txt'`,
      `try own 'echo x > own.txt && git add own.txt && git commit -qm own-work'`,
      `try allowed 'curl -sf --max-time 10 http://localhost:${port}/ | grep -q reached'`,
      `try blocked 'curl -sf --max-time 10 http://127.0.0.1:${port}/'`,
      `try direct 'curl -sf --noproxy "*" --max-time 5 http://127.0.0.1:${port}/'`,
    ].join('\n');
    const wt = await session(repo, 'boxed', `{ ${script}\n} > result.txt; touch done`, ['--sandbox']);
    await until('the sandboxed session', () => existsSync(path.join(wt, 'done')));
    const result = read(path.join(wt, 'result.txt'));
    for (const line of ['outside refused', 'sibling refused', 'main refused', 'own ok'])
      expect(result).toContain(line);
    expect(result).toContain('allowed ok');
    expect(result).toContain('blocked refused');
    expect(result).toContain('direct refused');
    for (const f of [
      path.join(path.dirname(repo), 'evil.txt'),
      path.join(other, 'evil.txt'),
      path.join(repo, 'evil.txt'),
    ])
      expect(existsSync(f)).toBe(false);
    expect(await g(repo, 'log', '-1', '--format=%s', 'braid/boxed')).toBe('own-work');
  });

  it('cannot read a secret planted in the home folder (hidden by default)', async () => {
    const repo = await sandboxRepo('sandbox: true\n');
    const home = path.join(path.dirname(repo), 'home');
    mkdirSync(home);
    writeFileSync(path.join(home, '.braid-bar-secret'), 'bar-secret\n');
    const script =
      'cat ~/.braid-bar-secret > seen.txt 2>&1; cat ~/.braid-bar-secret >> seen.txt 2>&1; echo done >> seen.txt';
    const res = await runCli(repo, ['new', 'sec', '--agent', 'shell', '--headless', '-p', script], {
      env: { HOME: home },
    });
    expect(res.code, res.stderr).toBe(0);
    const seen = path.join(path.dirname(repo), 'repo.braid', 'sec', 'seen.txt');
    await until('the session to finish', () => read(seen).includes('done'));
    expect(read(seen)).not.toContain('bar-secret\n');
    expect(read(seen)).toMatch(/No such file or directory/);
  });

  it('starts inside the sandbox in the workdir', async () => {
    const repo = await sandboxRepo('sandbox: true\nworkdir: packages/api\n', { 'packages/api/x.js': 'x\n' });
    const wt = await session(repo, 'wd', 'pwd > here.txt');
    const here = path.join(wt, 'packages/api/here.txt');
    await until('the sandboxed session wrote where it started', () => read(here));
    expect(read(here).trim()).toBe(path.join(wt, 'packages/api'));
  });

  it('--readonly runs in the main checkout and can write nothing there', async () => {
    const repo = await sandboxRepo('sandbox: { network: none }\n');
    const script =
      'pwd; cat README.md; echo x > new.txt || echo write-refused; git commit -q --allow-empty -m sneaky || echo commit-refused; echo finished';
    await session(repo, 'look', script, ['--readonly']);
    let log = '';
    await until('the read-only session', () => {
      log = read(path.join(repo, '.git', 'braid', 'logs', 'look', 'session.log'));
      return log.includes('finished');
    });
    expect(log).toContain(`${repo}\nhello\n`);
    expect(log).toContain('write-refused');
    expect(log).toContain('commit-refused');
    expect(existsSync(path.join(repo, 'new.txt'))).toBe(false);
    expect(await g(repo, 'log', '-1', '--format=%s')).toBe('initial');
  });
});

describe('--sandbox on a host without bubblewrap', () => {
  it('fails before creating anything, saying what to install', async () => {
    const repo = await sandboxRepo('');
    const bin = path.join(path.dirname(repo), 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    symlinkSync(
      (await run('sh', ['-c', 'command -v git'], { cwd: '/' })).stdout.trim(),
      path.join(bin, 'git'),
    );
    const res = await runCli(repo, ['new', 'x', '--sandbox', '--no-start'], { env: { PATH: bin } });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('apt-get install bubblewrap');
    expect((await cliJson<Ls>(repo, ['ls'])).tasks).toEqual([]);
  });
});

describe.skipIf(!!cgSkip)('resource limits through cgroups (real cgroups v1)', () => {
  const repos: string[] = [];
  afterEach(async () => {
    for (const repo of repos.splice(0)) {
      for (const t of (await cliJson<Ls>(repo, ['ls'])).tasks) await runCli(repo, ['rm', t.name, '--force']);
    }
  });
  const groupDir = (controller: string, repo: string, task: string) =>
    path.join(cg.bases[controller], 'braid', cgroupSegment(path.basename(repo)), cgroupSegment(task));

  it('a memory hog dies by its cgroup; a neighbour session and braid carry on', async () => {
    const repo = await sandboxRepo('limits: { memory: 64M, pids: 64 }\n');
    repos.push(repo);
    const calm = await session(repo, 'calm', 'while [ ! -e go ]; do sleep 0.05; done; echo alive > calm.txt');
    const hog = await session(repo, 'hog', 'tail /dev/zero; echo "hog exit $?" > hog.txt');
    await until('the hog to be killed', () => existsSync(path.join(hog, 'hog.txt')), 30_000);
    expect(read(path.join(hog, 'hog.txt'))).toBe('hog exit 137\n');
    const mem = groupDir('memory', repo, 'hog');
    const oomKills = Number(/oom_kill (\d+)/.exec(read(path.join(mem, 'memory.oom_control')))?.[1] ?? 0);
    const fails =
      Number(read(path.join(mem, 'memory.failcnt'))) + Number(read(path.join(mem, 'memory.memsw.failcnt')));
    expect(oomKills + fails).toBeGreaterThan(0);
    writeFileSync(path.join(calm, 'go'), '');
    await until('the neighbour session', () => existsSync(path.join(calm, 'calm.txt')));
    const ls = await cliJson<Ls>(repo, ['ls']);
    expect(ls.tasks.map((t) => t.name).sort()).toEqual(['calm', 'hog']);
  });

  it('a fork bomb is held by pids; stop kills the whole cgroup, setsid daemons too', async () => {
    const repo = await sandboxRepo('limits: { pids: 40 }\n');
    repos.push(repo);
    const wt = await session(
      repo,
      'bomb',
      'setsid sleep 300 & echo $! > daemon.pid; b() { b | b & }; b; sleep 300',
    );
    const pidsDir = groupDir('pids', repo, 'bomb');
    // The limit held once a fork was refused (pids.events counts them): wait for that, not for a count.
    const refusedForks = () => Number(/max (\d+)/.exec(read(path.join(pidsDir, 'pids.events')))?.[1] ?? 0);
    await until('the bomb to meet its pids limit', () => refusedForks() > 0);
    expect(Number(read(path.join(pidsDir, 'pids.current')))).toBeLessThanOrEqual(40);
    const daemon = Number(read(path.join(wt, 'daemon.pid')));
    expect(isProcessAlive(daemon)).toBe(true);
    const stop = await runCli(repo, ['stop', 'bomb']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(read(path.join(pidsDir, 'cgroup.procs')).trim()).toBe('');
    expect(gone(daemon)).toBe(true);
    expect((await runCli(repo, ['rm', 'bomb', '--force'])).code).toBe(0);
    expect(existsSync(pidsDir)).toBe(false);
  });
  // Memory and CPU from the cgroup in ls and stats: test/cgroup-usage.test.ts.
});

describe('migrations', () => {
  it('two sessions racing for the migration lock never overlap', async () => {
    const repo = await sandboxRepo('migrations: { glob: "db/migrations/*" }\n');
    const log = path.join(path.dirname(repo), 'migrate.log');
    const step = `echo "start $BRAID_TASK" >> ${log}; sleep 0.2; echo "end $BRAID_TASK" >> ${log}`;
    const script = (n: number) =>
      `for i in ${Array.from({ length: n }, (_, i) => i).join(' ')}; do "${process.execPath}" "${CLI}" lock migrations -- sh -c '${step}'; done; touch done`;
    const a = await session(repo, 'ma', script(4));
    const b = await session(repo, 'mb', script(4));
    await until(
      'both sessions',
      () => existsSync(path.join(a, 'done')) && existsSync(path.join(b, 'done')),
      40_000,
    );
    const lines = read(log).trim().split('\n');
    expect(lines).toHaveLength(16);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]).toMatch(/^start m[ab]$/);
      expect(lines[i + 1]).toBe(lines[i].replace('start', 'end'));
    }
  });

  it('landing two tasks with colliding migration numbers rejects the second with the reason', async () => {
    const repo = await sandboxRepo('migrations: { glob: "db/migrations/*" }\n');
    for (const [name, file] of [
      ['first', '003_users.sql'],
      ['second', '003_orders.sql'],
    ]) {
      expect((await runCli(repo, ['new', name, '--no-start'])).code).toBe(0);
      const wt = path.join(path.dirname(repo), 'repo.braid', name);
      mkdirSync(path.join(wt, 'db', 'migrations'), { recursive: true });
      writeFileSync(path.join(wt, 'db', 'migrations', file), 'create table x ();\n');
      await run('git', ['add', '-A'], { cwd: wt, env: GIT_TEST_ENV });
      await run('git', ['commit', '-qm', `add ${file}`], { cwd: wt, env: GIT_TEST_ENV });
    }
    const res = await runCli(repo, ['land', 'first', 'second', '--json']);
    const out = JSON.parse(res.stdout) as {
      landed: { name: string }[];
      rejected: { name: string; reason: string }[];
    };
    expect(out.landed.map((l) => l.name)).toEqual(['first']);
    expect(out.rejected.map((r) => r.name)).toEqual(['second']);
    expect(out.rejected[0].reason).toMatch(/003_orders\.sql collides with db\/migrations\/003_users\.sql/);
    expect(res.code).toBe(3);
    expect(await g(repo, 'ls-tree', '-r', '--name-only', 'main', 'db/migrations')).toBe(
      'db/migrations/003_users.sql',
    );
  });
});
