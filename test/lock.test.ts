import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db.js';
import { clearStaleLocks, listLocks, releaseLock, tryAcquireLock } from '../src/store/locks.js';
import { CLI, runCli } from './helpers/cli.js';
import { GIT_TEST_ENV, g, type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
let commonDir: string;

beforeAll(async () => {
  repo = await tempRepo();
  commonDir = path.join(repo.dir, '.git');
});
afterAll(() => repo.cleanup());

/** `braid lock <name> -- sh -c SCRIPT sh ARGS…` as a child whose stderr the test can watch. */
function startLocked(name: string, script: string, args: string[]) {
  const child = spawn(process.execPath, [CLI, 'lock', name, '--', 'sh', '-c', script, 'sh', ...args], {
    cwd: repo.dir,
    env: { ...process.env, ...GIT_TEST_ENV, BRAID_NO_SUPERVISOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { exit, stderr: () => stderr };
}

describe('lock store API', () => {
  it('refuses a live holder, takes over a dead one, and clears stale locks', () => {
    const store = openStore(commonDir);
    try {
      const me = { pid: process.pid, pidStart: 'x', label: 'me' };
      // pidStart 'x' never matches the real start time: recorded as a recycled pid, so stale.
      expect(tryAcquireLock(store, 'a', me).acquired).toBe(true);
      const real = { pid: process.pid, pidStart: null, label: 'real' };
      expect(tryAcquireLock(store, 'a', real).acquired).toBe(true);
      const other = { pid: 999_999_999, pidStart: null, label: 'other' };
      const res = tryAcquireLock(store, 'a', { ...other, pid: process.ppid });
      expect(res).toMatchObject({ acquired: false, holder: { label: 'real', pid: process.pid } });
      expect(tryAcquireLock(store, 'dead', other).acquired).toBe(true);
      expect(clearStaleLocks(store).map((l) => l.name)).toEqual(['dead']);
      expect(releaseLock(store, 'a', real)).toBe(true);
      expect(listLocks(store)).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('braid lock', () => {
  it('serialises two commands: the second waits until the first let go', async () => {
    const log = path.join(repo.parent, 'race.log');
    const go = path.join(repo.parent, 'race.go');
    writeFileSync(log, '');
    // The first holds the lock until the test lets it go: only after the second was seen waiting.
    const first = startLocked(
      'race',
      `echo start a >> "$1"; while [ ! -e "$2" ]; do sleep 0.05; done; echo end a >> "$1"`,
      [log, go],
    );
    await until('the first command to hold the lock', () => readFileSync(log, 'utf8') === 'start a\n');
    const second = startLocked('race', 'echo start b >> "$1"; echo end b >> "$1"', [log]);
    await until('the second to wait', () =>
      /waiting for lock 'race', held by .*sh -c .* \(pid \d+\)/.test(second.stderr()),
    );
    // Still waiting: the second command has not run while the first holds the lock.
    expect(readFileSync(log, 'utf8')).toBe('start a\n');
    writeFileSync(go, '');
    expect([await first.exit, await second.exit]).toEqual([0, 0]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('takes over the lock of a holder killed with SIGKILL', async () => {
    const marker = path.join(repo.parent, 'holder-started');
    const holder = spawn(
      process.execPath,
      [CLI, 'lock', 'kill', '--', 'sh', '-c', `echo $$ > "$1"; exec sleep 30`, 'sh', marker],
      {
        cwd: repo.dir,
        env: { ...process.env, ...GIT_TEST_ENV },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((r) => holder.on('exit', r));
    let started = false;
    await until('the holder to start', () => {
      try {
        readFileSync(marker);
        started = true;
      } catch {}
      return started;
    });
    holder.kill('SIGKILL');
    await exited;
    const res = await runCli(repo.dir, ['lock', 'kill', '--timeout', '20', '--', 'true']);
    process.kill(Number(readFileSync(marker, 'utf8')), 'SIGKILL'); // the orphaned command
    expect(res.code).toBe(0);
    const store = openStore(commonDir);
    expect(listLocks(store).map((l) => l.name)).not.toContain('kill');
    store.close();
  });

  it('passes the exit code through, and 128+n for a signal', async () => {
    expect((await runCli(repo.dir, ['lock', 'x', '--', 'sh', '-c', 'exit 7'])).code).toBe(7);
    const killed = await runCli(repo.dir, ['lock', 'x', '--', 'sh', '-c', 'kill -TERM $$']);
    expect(killed.code, killed.stderr).toBe(143);
    const missing = await runCli(repo.dir, ['lock', 'x', '--', 'no-such-command-braid']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not installed/);
  });

  it('forwards SIGTERM to the command, exits 143 and releases the lock', async () => {
    const marker = path.join(repo.parent, 'term-started');
    const holder = spawn(
      process.execPath,
      [CLI, 'lock', 'term', '--', 'sh', '-c', `echo $$ > "$1"; exec sleep 30`, 'sh', marker],
      {
        cwd: repo.dir,
        env: { ...process.env, ...GIT_TEST_ENV },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((r) => holder.on('exit', (code) => r(code)));
    await until('the command to start', () => {
      try {
        return readFileSync(marker, 'utf8').trim() !== '';
      } catch {
        return false;
      }
    });
    holder.kill('SIGTERM');
    expect(await exited).toBe(143);
    const store = openStore(commonDir);
    expect(listLocks(store).map((l) => l.name)).not.toContain('term');
    store.close();
  });

  it('passes arguments literally (spaces, $(...), quotes), in the current directory', async () => {
    const sub = path.join(repo.dir, 'sub dir');
    repo.write('sub dir/.keep', '');
    const out = path.join(repo.parent, 'args.json');
    const weird = ['a b', '$(touch pwned)', "it's", '*', '--json'];
    const res = await runCli(sub, [
      'lock',
      'args',
      '--',
      process.execPath,
      '-e',
      'require("fs").writeFileSync(process.argv[1], JSON.stringify({argv: process.argv.slice(2), cwd: process.cwd()}))',
      out,
      ...weird,
    ]);
    expect(res.code).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    expect(got).toEqual({ argv: weird, cwd: sub });
    expect(await g(repo.dir, 'ls-files', '--others', '--', 'pwned', 'sub dir/pwned')).toBe('');
  });

  it('gives up after --timeout with exit 1 and names the holder', async () => {
    const store = openStore(commonDir);
    // This test process holds the lock, so it is alive for the whole wait.
    expect(
      tryAcquireLock(store, 'busy', { pid: process.pid, pidStart: null, label: 'the test' }).acquired,
    ).toBe(true);
    try {
      const res = await runCli(repo.dir, ['lock', 'busy', '--timeout', '0.2', '--', 'touch', 'ran']);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/lock 'busy' is held by the test \(pid \d+\)/);
      expect(await g(repo.dir, 'ls-files', '--others', '--', 'ran')).toBe('');
    } finally {
      releaseLock(store, 'busy', { pid: process.pid, pidStart: null });
      store.close();
    }
  });

  it('refuses a bad lock name with exit 2', async () => {
    const res = await runCli(repo.dir, ['lock', 'Bad Name', '--', 'true']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/not a valid lock name/);
  });
});

describe('braid locks', () => {
  it('lists held locks as JSON, with the task in the holder label', async () => {
    const marker = path.join(repo.parent, 'list-started');
    const holder = spawn(
      process.execPath,
      [CLI, 'lock', 'listed', '--', 'sh', '-c', 'echo $$ > "$1"; exec sleep 30', 'sh', marker],
      { cwd: repo.dir, env: { ...process.env, ...GIT_TEST_ENV, BRAID_TASK: 'fix-login' }, stdio: 'ignore' },
    );
    const exited = new Promise((r) => holder.on('exit', r));
    await until('the holder to start', () => {
      try {
        return readFileSync(marker, 'utf8').trim() !== '';
      } catch {
        return false;
      }
    });
    const res = await runCli(repo.dir, ['locks', '--json']);
    const { locks } = JSON.parse(res.stdout) as {
      locks: Array<{ name: string; label: string; pid: number }>;
    };
    expect(locks).toContainEqual(
      expect.objectContaining({
        name: 'listed',
        pid: holder.pid,
        label: expect.stringMatching(/^task fix-login: /),
      }),
    );
    holder.kill('SIGTERM');
    await exited;
  });
});
