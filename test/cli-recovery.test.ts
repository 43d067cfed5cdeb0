import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lastOperation, openOperations } from '../src/store/journal.js';
import { getTask } from '../src/store/tasks.js';
import { CLI, cliJson, runCli } from './helpers/cli.js';
import { pidWithArgs, storeOf } from './helpers/plan-run.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const CONFIG = [
  'include: [".env"]',
  'setup: ["true"]',
  'database: { kind: sqlite, path: dev.db }',
  'ports: { names: [PORT], range: [4700, 4799], block: 5 }',
  '',
].join('\n');

async function sampleRepo(): Promise<TempRepo> {
  const r = await tempRepo({ files: { 'package.json': '{}\n', '.gitignore': '.env\n' } });
  r.write('.env', 'SECRET=1\n');
  writeFileSync(path.join(r.dir, 'braid.yaml'), CONFIG);
  return r;
}

function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return null;
  }
}

/**
 * Runs braid with BRAID_PAUSE_AT=<kind>:<step>: it stops itself right after recording that step;
 * the test then SIGKILLs it there, between two real steps. `killWhen` kills at another observed moment.
 */
async function killedAt(args: string[], pauseAt: string | null, killWhen?: () => boolean): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: repo.dir,
    env: {
      ...process.env,
      ...GIT_TEST_ENV,
      BRAID_NO_SUPERVISOR: '1',
      BRAID_TMUX_SOCKET: 'braid-test-unused',
      ...(pauseAt ? { BRAID_PAUSE_AT: pauseAt } : {}),
    },
    stdio: 'ignore',
  });
  let exited = false;
  const exit = new Promise((r) => child.once('exit', r)).then(() => {
    exited = true;
  });
  const pid = child.pid as number;
  await until(
    `braid ${args.join(' ')} at ${pauseAt}`,
    () => {
      if (exited) throw new Error(`braid ${args.join(' ')} ended before ${pauseAt ?? 'the kill point'}`);
      return killWhen ? killWhen() : processState(pid) === 'T';
    },
    30_000,
  );
  child.kill('SIGKILL');
  await exit;
}

interface Observed {
  row: { status: string; statusDetail: string | null } | null;
  openOps: string[];
  lastSteps: string[] | null;
  leases: number;
  branch: boolean;
  folder: boolean;
  registered: boolean;
}

async function observe(name: string, kind = 'provision'): Promise<Observed> {
  const store = await storeOf(repo.dir);
  try {
    const task = getTask(store, name);
    const leases = store.db.prepare('SELECT COUNT(*) AS n FROM port_leases WHERE task = ?').get(name) as {
      n: number;
    };
    const worktree = path.join(repo.parent, 'repo.braid', name);
    const list = await repo.git('worktree', 'list', '--porcelain');
    const branches = await repo.git('branch', '--list', `braid/${name}`);
    return {
      row: task ? { status: task.status, statusDetail: task.statusDetail } : null,
      openOps: openOperations(store, name).map((o) => o.kind),
      lastSteps: lastOperation(store, name, kind)?.doneSteps ?? null,
      leases: leases.n,
      branch: branches.trim() !== '',
      folder: existsSync(worktree),
      registered: list.split('\n').includes(`worktree ${worktree}`),
    };
  } finally {
    store.close();
  }
}

/** Worktree, branch, leases, task row and journal agree: the task fully exists, or not at all. */
async function expectConsistent(name: string, present: boolean): Promise<void> {
  const s = await observe(name);
  expect(s.openOps).toEqual([]);
  if (!present) {
    expect(s).toMatchObject({ row: null, leases: 0, branch: false, folder: false, registered: false });
    return;
  }
  expect(s).toMatchObject({
    row: { status: 'idle' },
    leases: 5,
    branch: true,
    folder: true,
    registered: true,
  });
  const wt = path.join(repo.parent, 'repo.braid', name);
  expect(readFileSync(path.join(wt, '.env'), 'utf8')).toBe('SECRET=1\n');
  expect(await repo.git('-C', wt, 'symbolic-ref', 'HEAD')).toBe(`refs/heads/braid/${name}`);
}

describe('a provision killed between any two steps is repaired', () => {
  const points = ['begin', 'worktree', 'include', 'ports', 'database', 'deps'];

  it.each(points.map((p, i) => [p, i]))(
    'killed after %s: gc or a re-run rolls back, and new builds it whole',
    async (point, i) => {
      repo = await sampleRepo();
      const name = `k${i}`;
      await killedAt(['new', name, '--no-start'], `provision:${point}`);
      const killed = await observe(name);
      // The kill landed where it was meant to: the journal holds exactly the steps up to it.
      expect(killed.lastSteps).toEqual(points.slice(1, points.indexOf(point) + 1));
      expect(killed.openOps).toEqual(['provision']);
      expect(killed.row?.status).toBe('provisioning');
      if (i % 2 === 0) {
        const gc = await cliJson<{ actions: { kind: string; target: string; detail: string }[] }>(repo.dir, [
          'gc',
        ]);
        expect(gc.actions).toContainEqual({
          kind: 'operation',
          target: name,
          detail: `rolled back the unfinished creation of '${name}'`,
        });
        await expectConsistent(name, false);
      }
      const again = await runCli(repo.dir, ['new', name, '--no-start']);
      expect(again.code, again.stderr).toBe(0);
      // Run again without gc first, new itself reports the rollback it did.
      if (i % 2 === 1) expect(again.stderr).toContain(`rolled back the unfinished creation of '${name}'`);
      await expectConsistent(name, true);
    },
  );

  it('killed inside a running setup command: gc rolls it back', async () => {
    repo = await sampleRepo();
    writeFileSync(
      path.join(repo.dir, 'braid.yaml'),
      CONFIG.replace('setup: ["true"]', 'setup: ["sleep 317"]'),
    );
    const log = path.join(repo.dir, '.git/braid/logs/slow/setup.log');
    await killedAt(
      ['new', 'slow', '--no-start'],
      null,
      () => existsSync(log) && !!pidWithArgs(['sleep', '317']),
    );
    const sleeper = pidWithArgs(['sleep', '317']);
    if (sleeper) process.kill(sleeper, 'SIGKILL');
    expect((await observe('slow')).lastSteps).toEqual(['worktree', 'include', 'ports', 'database']);
    const gc = await cliJson<{ actions: { kind: string; target: string }[] }>(repo.dir, ['gc']);
    expect(gc.actions.map((a) => [a.kind, a.target])).toContainEqual(['operation', 'slow']);
    await expectConsistent('slow', false);
  });
});

describe('braid start and ls on a half-provisioned task', () => {
  it('ls reports it failed with a hint; start finishes the missing steps, then starts', async () => {
    repo = await sampleRepo();
    await killedAt(
      ['new', 'half', '--agent', 'shell', '-p', 'echo started-ok', '--no-start'],
      'provision:include',
    );
    const ls = await cliJson<{ tasks: { name: string; status: string; statusDetail: string }[] }>(repo.dir, [
      'ls',
    ]);
    expect(ls.tasks[0]).toMatchObject({ name: 'half', status: 'failed' });
    expect(ls.tasks[0].statusDetail).toContain('braid start half finishes it');
    const wt = path.join(repo.parent, 'repo.braid', 'half');
    writeFileSync(path.join(wt, 'kept.txt'), 'made before the kill\n');
    const start = await runCli(repo.dir, ['start', 'half', '--headless']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toContain("finished provisioning 'half' (after worktree, include)");
    // Finished in place, not rebuilt: the file written into the half-made worktree is still there.
    expect(readFileSync(path.join(wt, 'kept.txt'), 'utf8')).toBe('made before the kill\n');
    const s = await observe('half');
    expect(s).toMatchObject({ openOps: [], leases: 5, branch: true, registered: true });
    expect(s.lastSteps).toEqual(['worktree', 'include', 'ports', 'database', 'deps']);
    await until('started-ok in the log of half', async () => {
      const logs = await runCli(repo.dir, ['logs', 'half']);
      return logs.stdout.includes('started-ok');
    });
  });

  it('start on a task killed before its worktree existed rebuilds it, then starts', async () => {
    repo = await sampleRepo();
    await killedAt(
      ['new', 'early', '--agent', 'shell', '-p', 'echo early-ok', '--no-start'],
      'provision:begin',
    );
    const start = await runCli(repo.dir, ['start', 'early', '--headless']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toContain("rebuilt the half-provisioned task 'early'");
    const s = await observe('early');
    expect(s).toMatchObject({ openOps: [], leases: 5, branch: true, folder: true, registered: true });
    await until('early-ok in the log of early', async () =>
      (await runCli(repo.dir, ['logs', 'early'])).stdout.includes('early-ok'),
    );
  });
});

describe('a removal killed between any two steps is finished', () => {
  const points = ['begin', 'session', 'database', 'worktree', 'branch'];

  it.each(points.map((p, i) => [p, i]))('killed after %s: gc or rm again completes it', async (point, i) => {
    repo = await sampleRepo();
    const name = `r${i}`;
    expect((await runCli(repo.dir, ['new', name, '--no-start'])).code).toBe(0);
    await killedAt(['rm', name, '--force'], `remove:${point}`);
    const killed = await observe(name, 'remove');
    expect(killed.openOps).toEqual(['remove']);
    expect(killed.lastSteps).toEqual(points.slice(1, points.indexOf(point) + 1));
    expect(killed.row).not.toBeNull();
    if (i % 2 === 0) {
      const gc = await cliJson<{ actions: { kind: string; target: string; detail: string }[] }>(repo.dir, [
        'gc',
      ]);
      expect(gc.actions).toContainEqual({
        kind: 'operation',
        target: name,
        detail: `finished removing '${name}'`,
      });
    } else {
      const rm = await runCli(repo.dir, ['rm', name]);
      expect(rm.code, rm.stderr).toBe(0);
      expect(rm.stdout).toContain(`finished the interrupted removal of ${name}`);
    }
    await expectConsistent(name, false);
    expect(await repo.git('for-each-ref', '--format=%(refname)', `refs/braid/backup/${name}/`)).toMatch(
      new RegExp(`^refs/braid/backup/${name}/`),
    );
  });
});
