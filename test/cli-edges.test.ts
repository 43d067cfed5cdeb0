import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/store/schema.js';
import { cliJson, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

interface LsJson {
  tasks: { name: string; worktree: string; base: string; status: string }[];
}

describe('edges of braid new and the store', () => {
  it('an old git first on PATH gives E_GIT_TOO_OLD with the version it found', async () => {
    repo = await tempRepo();
    const bin = path.join(repo.parent, 'old-git');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'git'), '#!/bin/sh\necho "git version 2.30.0"\n');
    chmodSync(path.join(bin, 'git'), 0o755);
    const res = await runCli(repo.dir, ['ls'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('braid needs git 2.38');
    expect(res.stderr).toContain('found git version 2.30.0');
    expect(res.stderr).toMatch(/Upgrade git/);
  });

  it('a shell task whose command runs is working (not starting), and exited once it is done', async () => {
    repo = await tempRepo();
    const marker = path.join(repo.parent, 'go');
    // The command runs until the test lets it end.
    const prompt = `while [ ! -e '${marker}' ]; do sleep 0.1; done`;
    const res = await runCli(repo.dir, ['new', 'sh1', '--agent', 'shell', '--headless', '-p', prompt]);
    expect(res.code, res.stderr).toBe(0);
    const status = async () => (await cliJson<LsJson>(repo.dir, ['ls'])).tasks[0].status;
    expect(await status()).toBe('working');
    writeFileSync(marker, '');
    await until('sh1 exited', async () => (await status()) === 'exited', 20_000);
  });

  it('works while main is checked out in another worktree', async () => {
    repo = await tempRepo();
    await repo.git('checkout', '-q', '-b', 'side');
    await repo.git('worktree', 'add', '--quiet', path.join(repo.parent, 'main-elsewhere'), 'main');
    const res = await runCli(repo.dir, ['new', 'from-main', '--base', 'main', '--no-start']);
    expect(res.code, res.stderr).toBe(0);
    const { tasks } = await cliJson<LsJson>(repo.dir, ['ls']);
    expect(tasks[0]).toMatchObject({ name: 'from-main', base: 'main', status: 'idle' });
    expect(await repo.git('-C', tasks[0].worktree, 'rev-parse', 'HEAD')).toBe(
      await repo.git('rev-parse', 'main'),
    );
  });

  it('task names: the rule is stated for each bad one; 40 characters is fine', async () => {
    repo = await tempRepo();
    const bad: Array<[string, string]> = [
      ['a'.repeat(41), 'it is 41 characters long'],
      ['.', 'characters outside'],
      ['..', 'characters outside'],
      ['a.b', 'characters outside'],
      ['a:b', 'characters outside'],
      ['a--b', 'it contains "--"'],
      ['fix-', 'it ends in "-"'],
      ['_x', 'starts with one of'],
      ['Upper', 'characters outside'],
    ];
    for (const [name, why] of bad) {
      const res = await runCli(repo.dir, ['new', name, '--no-start']);
      expect(res.code, name).toBe(2);
      expect(res.stderr, name).toContain(why);
      expect(res.stderr, name).toContain('1–40 characters of lowercase letters');
    }
    expect(await repo.git('branch', '--list', 'braid/*')).toBe('');
    const ok = await runCli(repo.dir, ['new', 'a'.repeat(40), '--no-start']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('an include reaching outside the repository with .. is a config error (exit 2)', async () => {
    repo = await tempRepo();
    writeFileSync(path.join(repo.parent, 'secret.env'), 'TOKEN=1\n');
    writeFileSync(path.join(repo.dir, 'braid.yaml'), 'include: [".env", "../secret.env", "conf/../../x"]\n');
    const res = await runCli(repo.dir, ['new', 'esc', '--no-start']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('include.1:');
    expect(res.stderr).toContain('include.2:');
    expect(res.stderr).toContain('no ".."');
    expect(existsSync(path.join(repo.parent, 'repo.braid'))).toBe(false);
  });

  it('a custom worktrees: location is used', async () => {
    repo = await tempRepo();
    writeFileSync(path.join(repo.dir, 'braid.yaml'), 'worktrees: ../trees/{repo}-{task}\n');
    expect((await runCli(repo.dir, ['new', 'placed', '--no-start'])).code).toBe(0);
    const { tasks } = await cliJson<LsJson>(repo.dir, ['ls']);
    expect(tasks[0].worktree).toBe(path.join(repo.parent, 'trees', 'repo-placed'));
    expect(existsSync(path.join(tasks[0].worktree, 'README.md'))).toBe(true);
  });

  it('a state.db at an older schema is migrated on open; a newer one is refused', async () => {
    repo = await tempRepo();
    const file = path.join(repo.dir, '.git/braid/state.db');
    mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    old.exec(MIGRATIONS[0]);
    old.pragma('user_version = 1');
    old.close();
    expect((await runCli(repo.dir, ['new', 'migrated', '--no-start'])).code).toBe(0);
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect((await cliJson<LsJson>(repo.dir, ['ls'])).tasks.map((t) => t.name)).toEqual(['migrated']);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    const res = await runCli(repo.dir, ['ls']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`written by a newer braid (schema ${MIGRATIONS.length + 1})`);
    expect(res.stderr).toContain('Upgrade braid');
  });
});
