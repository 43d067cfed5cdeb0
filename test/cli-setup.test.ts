import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/exec/pid.js';
import { cliJson, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

interface NewJson {
  task: { worktree: string; options: { deps: string; depsReason: string } };
}

/** A repository whose main checkout has node_modules, and a branch `other` with another lockfile. */
async function npmRepo(config: string): Promise<TempRepo> {
  const r = await tempRepo({
    files: {
      'package.json': '{"name":"x"}\n',
      'package-lock.json': '{"v":1}\n',
      '.gitignore': 'node_modules\nran-*\n',
    },
  });
  r.write('node_modules/dep/index.js', 'module.exports = 1;\n');
  await r.git('branch', 'other');
  await r.git('worktree', 'add', '--quiet', path.join(r.parent, 'other'), 'other');
  writeFileSync(path.join(r.parent, 'other', 'package-lock.json'), '{"v":2}\n');
  await r.git('-C', path.join(r.parent, 'other'), 'commit', '-q', '-am', 'new lockfile');
  writeFileSync(path.join(r.dir, 'braid.yaml'), config);
  return r;
}

describe('setup and dependencies through braid new', () => {
  it('a chatty setup writes every line to the task log and one progress line per command to stderr', async () => {
    repo = await tempRepo({ files: { 'package.json': '{}\n' } });
    writeFileSync(
      path.join(repo.dir, 'braid.yaml'),
      'setup: ["for i in $(seq 1 300); do echo chatty-line-$i; echo err-line-$i >&2; done", "true"]\n',
    );
    const res = await runCli(repo.dir, ['new', 'chat', '--no-start']);
    expect(res.code, res.stderr).toBe(0);
    const log = readFileSync(path.join(repo.dir, '.git/braid/logs/chat/setup.log'), 'utf8');
    expect(log).toContain('chatty-line-1\n');
    expect(log).toContain('chatty-line-300\n');
    expect(log).toContain('err-line-300\n');
    expect(res.stderr).not.toMatch(/(chatty|err)-line-\d/);
    expect(res.stderr).toMatch(/setup 1\/2: for i in .* \(done in \d+\.\ds\)/);
    expect(res.stderr).toMatch(/setup 2\/2: true \(done in \d+\.\ds\)/);
    expect(res.stderr.split('\n').length).toBeLessThan(12);
  });

  it('deps auto: an equal lockfile clones node_modules, a different one runs setup', async () => {
    repo = await npmRepo('deps: auto\nsetup: ["echo installed > ran-setup"]\n');
    const same = await cliJson<NewJson>(repo.dir, ['new', 'same', '--no-start']);
    expect(same.task.options.deps).toBe('clone');
    const copied = path.join(same.task.worktree, 'node_modules/dep/index.js');
    expect(readFileSync(copied, 'utf8')).toBe('module.exports = 1;\n');
    expect(lstatSync(path.join(same.task.worktree, 'node_modules')).isSymbolicLink()).toBe(false);
    expect(statSync(copied).ino).not.toBe(statSync(path.join(repo.dir, 'node_modules/dep/index.js')).ino);
    expect(existsSync(path.join(same.task.worktree, 'ran-setup'))).toBe(false);

    const differs = await cliJson<NewJson>(repo.dir, ['new', 'differs', '--base', 'other', '--no-start']);
    expect(differs.task.options).toMatchObject({ deps: 'install', depsReason: 'lockfile differs' });
    expect(readFileSync(path.join(differs.task.worktree, 'ran-setup'), 'utf8')).toBe('installed\n');
    expect(existsSync(path.join(differs.task.worktree, 'node_modules'))).toBe(false);
  });

  it('deps: clone copies node_modules even when the lockfile differs, and runs no setup', async () => {
    repo = await npmRepo('deps: clone\nsetup: ["echo installed > ran-setup"]\n');
    const res = await cliJson<NewJson>(repo.dir, ['new', 'forced', '--base', 'other', '--no-start']);
    expect(res.task.options.deps).toBe('clone');
    expect(readFileSync(path.join(res.task.worktree, 'node_modules/dep/index.js'), 'utf8')).toBe(
      'module.exports = 1;\n',
    );
    expect(existsSync(path.join(res.task.worktree, 'ran-setup'))).toBe(false);
  });
});

describe('setup_timeout', () => {
  it('ends the whole setup (a background child holding the pipes too) and names the log and the key', async () => {
    repo = await tempRepo({ files: { 'package.json': '{}\n' } });
    // The child in the background keeps stdout open: killing sh alone would leave braid waiting on it.
    writeFileSync(
      path.join(repo.dir, 'braid.yaml'),
      'setup: ["sleep 600 & echo sleeper $!; wait"]\nsetup_timeout: 2\n',
    );
    const res = await runCli(repo.dir, ['new', 'slow', '--no-start'], { timeoutMs: 120_000 });
    expect(res.code).toBe(1);
    const log = path.join(repo.dir, '.git/braid/logs/slow/setup.log');
    expect(res.stderr).toMatch(/setup command timed out after 2 s \(setup_timeout in braid\.yaml\)/);
    expect(res.stderr).toContain(log);
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(/\[braid\] timed out after 2 s \(setup_timeout\)/);
    const sleeper = Number(/sleeper (\d+)/.exec(text)?.[1]);
    expect(sleeper).toBeGreaterThan(0);
    // Its group was ended before braid returned (the pipes it held are closed): no sleep 600 is left.
    expect(isProcessAlive(sleeper)).toBe(false);
  });
});
