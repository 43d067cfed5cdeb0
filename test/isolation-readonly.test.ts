import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/core/errors.js';
import { isProcessAlive } from '../src/exec/pid.js';
import { detectCapabilities } from '../src/isolate/sandbox/capabilities.js';
import { cliJson, runCli } from './helpers/cli.js';
import { g } from './helpers/repo.js';
import { until } from './helpers/wait.js';

const caps = await detectCapabilities();
const noBwrap = caps.bwrap.ok ? '' : `bubblewrap unusable here: ${caps.bwrap.reason}`;
if (noBwrap) console.warn(`read-only session tests skipped: ${noBwrap}`);

interface Ls {
  tasks: { name: string; worktree: string; status: string; pid: number | null }[];
}

// Outside /tmp: a sandbox's private /tmp would hide the repository.
const dirs: string[] = [];
async function repoWith(yaml: string): Promise<string> {
  const parent = realpathSync(mkdtempSync('/var/tmp/braid-ro-'));
  dirs.push(parent);
  const dir = path.join(parent, 'repo');
  mkdirSync(dir);
  await g(dir, 'init', '-q', '-b', 'main');
  await g(dir, 'config', 'user.name', 'Braid Test');
  await g(dir, 'config', 'user.email', 'test@braid.invalid');
  writeFileSync(path.join(dir, 'README.md'), 'hello\n');
  // A setup that would leave a trace if a read-only task ran it.
  writeFileSync(path.join(dir, 'braid.yaml'), `deps: install\nsetup: ["touch setup-ran"]\n${yaml}`);
  await g(dir, 'add', '-A');
  await g(dir, 'commit', '-qm', 'initial');
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

describe.skipIf(!!noBwrap)('braid new --readonly (real bwrap, real git)', () => {
  it('makes no worktree, branch, ports or setup; writes fail; rm, gc and land leave the checkout alone', async () => {
    const repo = await repoWith('sandbox: { network: none }\n');
    const script =
      'pwd; cat README.md; echo x > new.txt || echo write-refused; echo y >> README.md || echo edit-refused; echo finished';
    const res = await runCli(repo, [
      'new',
      'look',
      '--readonly',
      '--agent',
      'shell',
      '--headless',
      '-p',
      script,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const log = path.join(repo, '.git', 'braid', 'logs', 'look', 'session.log');
    await until('the read-only session', () => read(log).includes('finished'));
    expect(read(log)).toContain(`${repo}\nhello\n`);
    expect(read(log)).toContain('write-refused');
    expect(read(log)).toContain('edit-refused');
    expect(existsSync(path.join(repo, 'new.txt'))).toBe(false);
    expect(read(path.join(repo, 'README.md'))).toBe('hello\n');

    // Nothing provisioned: git knows one worktree and one branch; no setup ran; no ports.
    expect(await g(repo, 'worktree', 'list', '--porcelain')).toBe(
      `worktree ${repo}\nHEAD ${await g(repo, 'rev-parse', 'HEAD')}\nbranch refs/heads/main`,
    );
    expect(await g(repo, 'branch', '--format=%(refname)')).toBe('refs/heads/main');
    expect(existsSync(path.join(path.dirname(repo), 'repo.braid'))).toBe(false);
    expect(existsSync(path.join(repo, 'setup-ran'))).toBe(false);
    expect((await cliJson<Ls>(repo, ['ls'])).tasks).toMatchObject([
      { name: 'look', worktree: repo, ports: {} },
    ]);

    // The user's own uncommitted work in the main checkout, which nothing may touch.
    writeFileSync(path.join(repo, 'README.md'), 'hello\nmine\n');
    writeFileSync(path.join(repo, 'notes.txt'), 'untracked\n');

    const land = await runCli(repo, ['land', 'look']);
    expect(land.code).toBe(EXIT.usage);
    expect(land.stderr).toMatch(/read-only session in the main checkout/);
    expect(await g(repo, 'rev-list', '--count', 'main')).toBe('1');

    const gc = await cliJson<{ actions: unknown[] }>(repo, ['gc']);
    expect(gc.actions).toEqual([]);
    expect((await cliJson<Ls>(repo, ['ls'])).tasks.map((t) => t.name)).toEqual(['look']);

    const rm = await runCli(repo, ['rm', 'look']);
    expect(rm.code, rm.stderr).toBe(0);
    expect((await cliJson<Ls>(repo, ['ls'])).tasks).toEqual([]);
    expect(read(path.join(repo, 'README.md'))).toBe('hello\nmine\n');
    expect(read(path.join(repo, 'notes.txt'))).toBe('untracked\n');
    expect(read(path.join(repo, 'braid.yaml'))).toContain('network: none');
    expect(await g(repo, 'branch', '--format=%(refname)')).toBe('refs/heads/main');
    expect(await g(repo, 'for-each-ref', '--format=%(refname)', 'refs/braid/')).toBe('');

    // rm of a live read-only session stops it, and still only drops its row.
    const live = await runCli(repo, [
      'new',
      'watch',
      '--readonly',
      '--agent',
      'shell',
      '--headless',
      '-p',
      'sleep 300',
    ]);
    expect(live.code, live.stderr).toBe(0);
    const pid = (await cliJson<Ls>(repo, ['ls'])).tasks[0].pid as number;
    expect(isProcessAlive(pid)).toBe(true);
    expect((await runCli(repo, ['rm', 'watch'])).code).toBe(0);
    await until(
      'the session to stop',
      () => !isProcessAlive(pid) || /^\d+ \(.*\) Z/.test(read(`/proc/${pid}/stat`)),
    );
    expect(read(path.join(repo, 'README.md'))).toBe('hello\nmine\n');
    expect((await g(repo, 'status', '--porcelain')).split('\n').map((l) => l.trim())).toEqual([
      'M README.md',
      '?? notes.txt',
    ]);
  });
});

describe('limits where no cgroup is usable (BRAID_CGROUP_ROOT = an empty folder)', () => {
  const noCgroups = () => {
    const empty = mkdtempSync('/var/tmp/braid-nocg-');
    dirs.push(empty);
    return { BRAID_CGROUP_ROOT: empty };
  };

  it('limits.required: true refuses before creating anything, with a hint', async () => {
    const repo = await repoWith('limits: { memory: 64M, required: true }\n');
    const res = await runCli(repo, ['new', 'strict', '--agent', 'shell', '--headless', '-p', 'true'], {
      env: noCgroups(),
    });
    expect(res.code).toBe(EXIT.failed);
    expect(res.stderr).toMatch(/limits\.required is set, but this host has no writable cgroup hierarchy/);
    expect(res.stderr).toMatch(/hint: .*limits\.required: false/);
    expect((await cliJson<Ls>(repo, ['ls'])).tasks).toEqual([]);
    expect(await g(repo, 'branch', '--format=%(refname)')).toBe('refs/heads/main');
  });

  it('limits without required start the session with a note', async () => {
    const repo = await repoWith('limits: { memory: 64M }\n');
    const res = await runCli(
      repo,
      ['new', 'loose', '--agent', 'shell', '--headless', '-p', 'echo ran > ran.txt'],
      { env: noCgroups() },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/note: limits not applied: no writable cgroup hierarchy/);
    const wt = path.join(path.dirname(repo), 'repo.braid', 'loose');
    await until('the unlimited session', () => read(path.join(wt, 'ran.txt')) === 'ran\n');
    expect((await runCli(repo, ['rm', 'loose', '--force'])).code).toBe(0);
  });
});
