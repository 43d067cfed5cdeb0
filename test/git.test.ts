import { existsSync, mkdirSync, readFileSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BraidError, isBraidError } from '../src/core/errors.js';
import { run } from '../src/exec/run.js';
import { openCommitWriter } from '../src/git/commit-writer.js';
import { GitError, git, parseGitVersion } from '../src/git/git.js';
import { readManifests } from '../src/git/manifests.js';
import { BranchTipsCache, branchTips } from '../src/git/refs.js';
import { findRepo, resolveCommit } from '../src/git/repo.js';
import { commonDirOf } from '../src/git/worktree-state.js';
import { runCli } from './helpers/cli.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('git runner', () => {
  it('carries command, exit code and stderr in GitError', async () => {
    repo = await tempRepo();
    const err = await git(['rev-parse', '--verify', 'no-such-branch'], { cwd: repo.dir }).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.exit).toBe(128);
    expect(err.args).toEqual(['rev-parse', '--verify', 'no-such-branch']);
    expect(err.message).toContain('no-such-branch');
  });

  it("names the common folder from the checkout's files as git does, and defers to git when steered", async () => {
    repo = await tempRepo({ name: 'my project' });
    const wt = `${repo.parent}/other tree`;
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt);
    mkdirSync(path.join(wt, 'sub', 'deeper'), { recursive: true });
    const gitSays = realpathSync(await repo.git('rev-parse', '--path-format=absolute', '--git-common-dir'));
    for (const dir of [repo.dir, wt, path.join(wt, 'sub', 'deeper')])
      expect(commonDirOf(dir, {}), dir).toBe(gitSays);
    expect(commonDirOf(repo.parent, {})).toBeNull();
    expect(commonDirOf(wt, { GIT_DIR: path.join(repo.dir, '.git') })).toBeNull();
    // One process for every branch tip.
    expect((await branchTips(repo.dir)).get('refs/heads/side')).toBe(await repo.git('rev-parse', 'side'));
  });

  it('asks git for the branch tips again only once a ref folder or packed-refs changed', async () => {
    repo = await tempRepo();
    await repo.git('branch', 'braid/t1');
    const common = path.join(repo.dir, '.git');
    const cache = new BranchTipsCache(repo.dir, common);
    const first = await repo.git('rev-parse', 'main');
    // Stamps set a minute back: settled, so the cache may stand for them.
    const settle = (at: Date) => {
      for (const dir of ['refs/heads', 'refs/heads/braid', 'packed-refs'])
        if (existsSync(path.join(common, dir))) utimesSync(path.join(common, dir), at, at);
    };
    const minuteAgo = new Date(Date.now() - 60_000);
    settle(minuteAgo);
    expect((await cache.get()).get('refs/heads/braid/t1')).toBe(first);
    // Every stamp put back as it was after a commit: the tips are kept, no git asked.
    await repo.commit('next', { 'next.txt': 'x' });
    const next = await repo.git('rev-parse', 'main');
    settle(minuteAgo);
    expect((await cache.get()).get('refs/heads/main')).toBe(first);
    // A folder's stamp moved: asked again.
    await repo.git('update-ref', 'refs/heads/braid/t1', next);
    settle(new Date(Date.now() - 30_000));
    const tips = await cache.get();
    expect(tips.get('refs/heads/braid/t1')).toBe(next);
    expect(tips.get('refs/heads/main')).toBe(next);
    // A fresh stamp (its file system may not tell two changes in it apart) is never trusted.
    await repo.git('update-ref', 'refs/heads/braid/t1', first);
    expect((await cache.get()).get('refs/heads/braid/t1')).toBe(first);
  });

  it('finds the same repository from a linked worktree in a path with spaces', async () => {
    repo = await tempRepo({ name: 'my project' });
    const wt = `${repo.parent}/other tree`;
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt);
    const fromMain = await findRepo(repo.dir);
    const fromLinked = await findRepo(wt);
    expect(fromLinked.root).toBe(repo.dir);
    expect(fromLinked.commonDir).toBe(fromMain.commonDir);
    expect(fromLinked.toplevel).toBe(wt);
    expect(fromMain.name).toBe('my project');
  });

  it('says a bare repository (or a .git folder) is not a checkout, rather than no repository', async () => {
    repo = await tempRepo();
    const bare = path.join(repo.parent, 'bare.git');
    await g(repo.parent, 'clone', '-q', '--bare', repo.dir, bare);
    const err = await findRepo(bare).catch((e: unknown) => e);
    expect(isBraidError(err, 'E_NOT_A_REPO')).toBe(true);
    expect((err as BraidError).message).toBe(
      `${bare} is a bare git repository: it has no checkout for braid to work in`,
    );
    expect((err as BraidError).hint).toMatch(/^braid needs a checkout: git clone /);
    const cli = await runCli(bare, ['ls']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('is a bare git repository');
    expect(cli.stderr).not.toContain('is not inside a git repository');

    const inside = await findRepo(path.join(repo.dir, '.git')).catch((e: unknown) => e);
    expect((inside as BraidError).message).toMatch(/is inside a repository's git folder, not its checkout$/);
    const outside = await findRepo(repo.parent).catch((e: unknown) => e);
    expect((outside as BraidError).message).toBe(`${repo.parent} is not inside a git repository`);
  });

  it("checks git's version once per git build: later commands in the repository spawn no git --version", async () => {
    repo = await tempRepo();
    // A git first on PATH that logs its arguments and runs the real one.
    const realGit = (process.env.PATH ?? '')
      .split(path.delimiter)
      .map((dir) => path.join(dir, 'git'))
      .find((file) => existsSync(file));
    const bin = path.join(repo.parent, 'bin');
    const log = path.join(repo.parent, 'git-calls.log');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`, {
      mode: 0o755,
    });
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const versionChecks = () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l === '--version').length;

    for (let i = 0; i < 2; i++) expect((await runCli(repo.dir, ['ls', '--json'], { env })).code).toBe(0);
    expect(versionChecks()).toBe(1);
    expect(readFileSync(path.join(repo.dir, '.git', 'braid', 'git-version'), 'utf8')).toMatch(
      /\ngit version /,
    );
    // Another git at that place (upgraded: new mtime) is checked again.
    utimesSync(path.join(bin, 'git'), new Date(), new Date(Date.now() + 5_000));
    expect((await runCli(repo.dir, ['ls', '--json'], { env })).code).toBe(0);
    expect(versionChecks()).toBe(2);
  });

  it('writes a commit object without a git process, byte for byte what commit-tree writes; not when signing', async () => {
    repo = await tempRepo();
    const other = await repo.commit('first', { 'b.txt': 'b\n' });
    const parent = await repo.commit('base', { 'a.txt': 'a\n' });
    const tree = await repo.git('rev-parse', `${parent}^{tree}`);
    const env = { GIT_AUTHOR_DATE: '1700000000 +0100', GIT_COMMITTER_DATE: '1700000001 +0100' };
    const message = 'Subject line\n\nBody with ünïcode\n\nBraid-Task: t\n';
    const write = await openCommitWriter(repo.dir, path.join(repo.dir, '.git'), env);
    expect(write).not.toBeNull();
    const id = write?.(tree, [parent, other], message);
    const byGit = (
      await run('git', ['commit-tree', tree, '-p', parent, '-p', other, '-F', '-'], {
        cwd: repo.dir,
        env,
        input: message,
      })
    ).stdout.trim();
    expect(id).toBe(byGit);
    expect(await repo.git('cat-file', '-t', byGit)).toBe('commit');
    await repo.git('config', 'commit.gpgsign', 'true');
    expect(await openCommitWriter(repo.dir, path.join(repo.dir, '.git'), env)).toBeNull();
  });

  it("reads the tracked package.json and tsconfig files of a commit in two processes, not node_modules' ones", async () => {
    repo = await tempRepo();
    const commit = await repo.commit('workspace', {
      'package.json': '{ "name": "röot" }\n',
      'packages/a b/package.json': '{ "name": "a" }\n',
      'packages/a b/tsconfig.json': '{ "references": [] }\n',
      'packages/a b/node_modules/x/package.json': '{}\n',
      'src/main.ts': 'x\n',
    });
    expect(await readManifests(repo.dir, commit)).toEqual([
      { path: 'package.json', text: '{ "name": "röot" }\n' },
      { path: 'packages/a b/package.json', text: '{ "name": "a" }\n' },
      { path: 'packages/a b/tsconfig.json', text: '{ "references": [] }\n' },
    ]);
  });

  it('refuses refs that look like options', async () => {
    repo = await tempRepo();
    const err = await resolveCommit(repo.dir, '--output=/tmp/x').catch((e) => e);
    expect(isBraidError(err, 'E_BAD_REF')).toBe(true);
  });

  it('parses versions', () => {
    expect(parseGitVersion('git version 2.39.5')).toEqual([2, 39, 5]);
    expect(parseGitVersion('git version 2.38.0.windows.1')).toEqual([2, 38, 0]);
  });

  it('reports a missing executable as E_TOOL_MISSING with a hint', async () => {
    const err = await run('definitely-not-a-tool-xyz', [], { cwd: '/' }).catch((e) => e);
    expect(isBraidError(err, 'E_TOOL_MISSING')).toBe(true);
  });
});
