import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { selfIdentity } from '../src/exec/pid.js';
import { CLI, cliJson, runCli } from './helpers/cli.js';
import { pidWithArgs, storeOf } from './helpers/plan-run.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

interface GcJson {
  actions: { kind: string; target: string; detail: string }[];
}

async function rows<T>(sql: string): Promise<T[]> {
  const store = await storeOf(repo.dir);
  try {
    return store.db.prepare(sql).all() as T[];
  } finally {
    store.close();
  }
}

async function exec(sql: string, ...params: unknown[]): Promise<void> {
  const store = await storeOf(repo.dir);
  try {
    store.db.prepare(sql).run(...params);
  } finally {
    store.close();
  }
}

describe('braid gc repairs', () => {
  it('a braid/ worktree no task owns: backed up whole, then removed', async () => {
    repo = await tempRepo();
    const orphan = path.join(repo.parent, 'repo.braid', 'orphan');
    await repo.git('worktree', 'add', '--quiet', '-b', 'braid/orphan', orphan, 'main');
    writeFileSync(path.join(orphan, 'unsaved.txt'), 'work nobody committed\n');
    // A worktree on another branch is the user's own: gc leaves it alone.
    const mine = path.join(repo.parent, 'mine');
    await repo.git('worktree', 'add', '--quiet', '-b', 'feature', mine, 'main');
    const gc = await cliJson<GcJson>(repo.dir, ['gc']);
    const action = gc.actions.find((a) => a.kind === 'orphan-worktree');
    expect(action?.target).toBe(orphan);
    const ref = action?.detail.match(/refs\/braid\/backup\/orphan\/\S+/)?.[0] as string;
    expect(await repo.git('show', `${ref}:unsaved.txt`)).toBe('work nobody committed');
    expect(existsSync(orphan)).toBe(false);
    expect(await repo.git('worktree', 'list', '--porcelain')).not.toContain(orphan);
    expect(existsSync(mine)).toBe(true);
  });

  it('leases of tasks that are gone, and the gate’s when no queue runs; a live task’s stay', async () => {
    repo = await tempRepo();
    writeFileSync(
      path.join(repo.dir, 'braid.yaml'),
      'ports: { names: [PORT], range: [4800, 4899], block: 2 }\n',
    );
    expect((await runCli(repo.dir, ['new', 'alive', '--no-start'])).code).toBe(0);
    const lease = 'INSERT INTO port_leases (port, task, name, leased_at) VALUES (?, ?, ?, 0)';
    await exec(lease, 4890, 'ghost', 'PORT');
    await exec(lease, 4895, '(gate)', 'PORT');
    // While a live process holds the queue, the gate's ports are in use.
    const me = selfIdentity();
    await exec(
      'INSERT INTO locks (name, pid, pid_start, holder, acquired_at) VALUES (?, ?, ?, ?, 0)',
      'queue',
      me.pid,
      me.start,
      'test queue',
    );
    const first = await cliJson<GcJson>(repo.dir, ['gc']);
    expect(first.actions.map((a) => [a.kind, a.target])).toEqual([['stale-lease', 'ghost']]);
    await exec('DELETE FROM locks WHERE name = ?', 'queue');
    const second = await cliJson<GcJson>(repo.dir, ['gc']);
    expect(second.actions.map((a) => [a.kind, a.target])).toEqual([['stale-lease', '(gate)']]);
    const left = await rows<{ task: string }>('SELECT DISTINCT task FROM port_leases');
    expect(left).toEqual([{ task: 'alive' }]);
  });

  it('gate scratch worktrees nothing uses: the old place in .git, a former worktrees template, a leftover; only while no queue runs', async () => {
    repo = await tempRepo();
    const config = path.join(repo.parent, 'braid.yaml');
    const env = { BRAID_CONFIG: config };
    writeFileSync(config, 'gate: "true"\n');
    expect((await runCli(repo.dir, ['new', 'one', '--no-start'], { env })).code).toBe(0);
    const task = path.join(repo.parent, 'repo.braid', 'one');
    writeFileSync(path.join(task, 'one.txt'), 'one\n');
    const landed = await runCli(repo.dir, ['land', 'one'], { env });
    expect(landed.code, landed.stderr).toBe(0);
    const former = path.join(repo.parent, 'repo.braid', '_gate-0');
    expect(existsSync(path.join(former, 'one.txt'))).toBe(true);
    // The user moves the worktrees; braid had left a half-made folder at the new place, and an old one in .git.
    writeFileSync(config, 'gate: "true"\nworktrees: ../trees/{repo}/{task}\n');
    const leftover = path.join(repo.parent, 'trees', 'repo', '_gate-0');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(path.join(leftover, 'half.txt'), 'cut short\n');
    const common = await repo.git('rev-parse', '--path-format=absolute', '--git-common-dir');
    const old = path.join(common, 'braid', 'scratch', 'gate-0');
    await repo.git('worktree', 'add', '-q', '--detach', old, 'main');
    // The user's own worktree that happens to look like one: not made by braid, so it stays.
    const mine = path.join(repo.parent, '_gate-1');
    await repo.git('worktree', 'add', '-q', '--detach', mine, 'main');

    const me = selfIdentity();
    await exec(
      'INSERT INTO locks (name, pid, pid_start, holder, acquired_at) VALUES (?, ?, ?, ?, 0)',
      'queue',
      me.pid,
      me.start,
      'test queue',
    );
    const busy = await cliJson<GcJson>(repo.dir, ['gc'], env);
    expect(busy.actions.filter((a) => a.kind === 'orphan-scratch')).toEqual([]);
    expect(existsSync(old) && existsSync(former) && existsSync(leftover)).toBe(true);
    await exec('DELETE FROM locks WHERE name = ?', 'queue');

    const gc = await cliJson<GcJson>(repo.dir, ['gc'], env);
    const removed = gc.actions.filter((a) => a.kind === 'orphan-scratch');
    expect(removed.map((a) => a.target).sort()).toEqual([former, leftover, old].sort());
    for (const dir of [former, leftover, old]) expect(existsSync(dir), dir).toBe(false);
    expect(existsSync(path.join(common, 'braid', 'scratch'))).toBe(false);
    const list = await repo.git('worktree', 'list', '--porcelain');
    expect(list).not.toContain(former);
    expect(list).not.toContain(old);
    expect(list).toContain(`worktree ${mine}\n`);
    expect(existsSync(task)).toBe(true);
  });

  it('a lock whose holder was killed', async () => {
    repo = await tempRepo();
    const holder = spawn(process.execPath, [CLI, 'lock', 'migrations', '--', 'sleep', '307'], {
      cwd: repo.dir,
      env: { ...process.env, ...GIT_TEST_ENV, BRAID_NO_SUPERVISOR: '1' },
      stdio: 'ignore',
    });
    const locks = () => rows<{ name: string; pid: number }>('SELECT name, pid FROM locks');
    await until('the lock', async () => (await locks()).some((l) => l.pid === holder.pid), 20_000);
    const exited = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await exited;
    const orphan = pidWithArgs(['sleep', '307']);
    if (orphan) process.kill(orphan, 'SIGKILL');
    const gc = await cliJson<GcJson>(repo.dir, ['gc']);
    expect(gc.actions).toContainEqual({
      kind: 'stale-lock',
      target: 'migrations',
      detail: `holder pid ${holder.pid} is gone`,
    });
    expect(await locks()).toEqual([]);
  });

  it('a ref lock a killed git left: braid new says to run gc, which removes it (not a fresh, held or busy one)', async () => {
    repo = await tempRepo();
    const heads = path.join(repo.dir, '.git/refs/heads/braid');
    mkdirSync(heads, { recursive: true });
    const old = new Date(Date.now() - 5 * 60_000);
    const lockFile = (name: string, aged: boolean) => {
      const file = path.join(heads, `${name}.lock`);
      writeFileSync(file, '');
      if (aged) utimesSync(file, old, old);
      return file;
    };
    // What `braid new k7` SIGKILLed while git held the ref leaves behind.
    const stale = lockFile('k7', true);
    const failed = await runCli(repo.dir, ['new', 'k7', '--no-start']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/cannot lock ref 'refs\/heads\/braid\/k7'/);
    expect(failed.stderr).toMatch(/run braid gc, which removes braid's ref lock files older than a minute/);

    const fresh = lockFile('fresh', false);
    const held = lockFile('held', true);
    // A process that has the lock open (as git has while it writes the new id).
    const holder = spawn('sh', ['-c', 'exec 3<"$1"; echo ready; exec sleep 600', 'sh', held], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      await new Promise((r) => holder.stdout.once('data', r));
      const gc = await cliJson<GcJson>(repo.dir, ['gc']);
      const verdict = (file: string) =>
        gc.actions.find((a) => a.kind === 'stale-ref-lock' && a.target === file);
      expect(verdict(stale)?.detail).toMatch(/^removed: left \d+ s ago by a git that is gone$/);
      expect(verdict(fresh)?.detail).toMatch(/^kept: only \d+ s old$/);
      expect(verdict(held)?.detail).toBe(`kept: pid ${holder.pid} has it open`);
    } finally {
      holder.kill('SIGKILL');
    }
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    const again = await runCli(repo.dir, ['new', 'k7', '--no-start']);
    expect(again.code, again.stderr).toBe(0);
    expect(await repo.git('rev-parse', '--verify', 'refs/heads/braid/k7')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('keeps an old ref lock while a git process works in the repository', async () => {
    repo = await tempRepo();
    const heads = path.join(repo.dir, '.git/refs/heads/braid');
    mkdirSync(heads, { recursive: true });
    const file = path.join(heads, 'busy.lock');
    writeFileSync(file, '');
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(file, old, old);
    // A long git (a big fetch, say) in the main checkout: a process named git, whatever it does.
    const bin = path.join(repo.parent, 'slow-git');
    mkdirSync(bin);
    copyFileSync('/bin/sleep', path.join(bin, 'git'));
    chmodSync(path.join(bin, 'git'), 0o755);
    const git = spawn(path.join(bin, 'git'), ['600'], { cwd: repo.dir, stdio: 'ignore' });
    try {
      await until('the git', () => readlinkSync(`/proc/${git.pid}/exe`).endsWith('/git'), 10_000);
      const gc = await cliJson<GcJson>(repo.dir, ['gc']);
      expect(gc.actions).toContainEqual({
        kind: 'stale-ref-lock',
        target: file,
        detail: `kept: git runs in this repository (pid ${git.pid})`,
      });
    } finally {
      git.kill('SIGKILL');
    }
    expect(existsSync(file)).toBe(true);
  });
});
