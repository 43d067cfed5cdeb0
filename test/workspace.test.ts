import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { provisionTask } from '../src/isolate/workspace/provision.js';
import { removeTask } from '../src/isolate/workspace/remove.js';
import type { Project } from '../src/project/project.js';
import { taskPorts } from '../src/store/ports.js';
import { getTask, listTasks } from '../src/store/tasks.js';
import { projectFor } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
let project: Project | undefined;
afterEach(() => {
  project?.close();
  project = undefined;
  repo?.cleanup();
});

const CONFIG =
  'include: [".env", "config/*.local.json"]\nports: { names: [PORT, API_PORT], range: [4100, 4199], block: 5 }\n';

describe('provisionTask', () => {
  it('gives a task its worktree, branch, includes and ports, in a path with spaces', async () => {
    repo = await tempRepo({
      name: 'my repo',
      files: { 'a.txt': 'a\n', '.gitignore': '.env\n*.local.json\n' },
    });
    repo.write('.env', 'SECRET=1\n');
    repo.write('config/dev.local.json', '{}\n');
    project = await projectFor(repo.dir, CONFIG);
    const task = await provisionTask(project, { name: 'fix-login', prompt: 'do it' });

    expect(task.status).toBe('idle');
    expect(task.worktree).toBe(path.join(repo.parent, 'my repo.braid', 'fix-login'));
    expect(readFileSync(path.join(task.worktree, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(existsSync(path.join(task.worktree, 'config/dev.local.json'))).toBe(true);
    expect(await repo.git('-C', task.worktree, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('braid/fix-login');
    const ports = taskPorts(project.store, 'fix-login');
    expect(ports).toEqual({ PORT: 4100, API_PORT: 4101 });
  });

  it('refuses bad names, taken names, a detached HEAD without --base, and an empty repository', async () => {
    repo = await tempRepo();
    project = await projectFor(repo.dir);
    await expect(provisionTask(project, { name: 'Bad Name' })).rejects.toMatchObject({ code: 'E_BAD_NAME' });
    await provisionTask(project, { name: 'one' });
    await expect(provisionTask(project, { name: 'one' })).rejects.toMatchObject({ code: 'E_TASK_EXISTS' });
    await repo.git('checkout', '-q', '--detach');
    await expect(provisionTask(project, { name: 'two' })).rejects.toMatchObject({ code: 'E_DETACHED_HEAD' });
    expect((await provisionTask(project, { name: 'two', base: 'main' })).base).toBe('main');
    project.close();
    repo.cleanup();
    repo = await tempRepo({ empty: true });
    project = await projectFor(repo.dir);
    await expect(provisionTask(project, { name: 'x' })).rejects.toMatchObject({ code: 'E_NO_COMMITS' });
  });

  it('refuses an include that links outside the repository', async () => {
    repo = await tempRepo();
    const outside = path.join(repo.parent, 'outside.txt');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, path.join(repo.dir, '.env'));
    project = await projectFor(repo.dir, 'include: [".env"]\n');
    await expect(provisionTask(project, { name: 'esc' })).rejects.toMatchObject({ code: 'E_PATH_ESCAPE' });
    expect(getTask(project.store, 'esc')?.status).toBe('failed');
    await removeTask(project, 'esc', { force: true });
    expect(getTask(project.store, 'esc')).toBeNull();
  });

  it(".worktreeinclude: copies the ignored files its gitignore patterns name, beside braid.yaml's include", async () => {
    repo = await tempRepo({
      files: {
        '.gitignore': '.env*\nconfig/local/\n*.key\nbuild/\n',
        '.worktreeinclude':
          '# the shared convention\n.env*\n!.env.test\nconfig/local/\n/top.key\nuntracked.txt\n',
        'src/app.js': 'app\n',
      },
    });
    for (const [rel, text] of Object.entries({
      '.env': 'A=1',
      '.env.local': 'B=2',
      '.env.test': 'left out by the negation',
      'config/local/db.json': '{}',
      'config/local/deep/x.json': '{}',
      'top.key': 'anchored',
      'sub/top.key': 'not the anchored one',
      'build/out.js': 'ignored but not named',
      'untracked.txt': 'named but not ignored',
      'extra.cfg': 'from braid.yaml include',
    }))
      repo.write(rel, text);
    project = await projectFor(repo.dir, 'include: [extra.cfg]\n');
    const task = await provisionTask(project, { name: 'wti' });
    const has = (rel: string) => existsSync(path.join(task.worktree, rel));
    for (const rel of [
      '.env',
      '.env.local',
      'config/local/db.json',
      'config/local/deep/x.json',
      'top.key',
      'extra.cfg',
    ])
      expect(has(rel), rel).toBe(true);
    for (const rel of ['.env.test', 'sub/top.key', 'build/out.js', 'untracked.txt'])
      expect(has(rel), rel).toBe(false);
    expect(readFileSync(path.join(task.worktree, '.env.local'), 'utf8')).toBe('B=2');
  });

  it('.worktreeinclude: an ignored file linking outside the repository is refused', async () => {
    repo = await tempRepo({ files: { '.gitignore': 'secret.txt\n', '.worktreeinclude': 'secret.txt\n' } });
    const outside = path.join(repo.parent, 'outside.txt');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, path.join(repo.dir, 'secret.txt'));
    project = await projectFor(repo.dir);
    await expect(provisionTask(project, { name: 'esc2' })).rejects.toMatchObject({ code: 'E_PATH_ESCAPE' });
  });

  it('a failing setup leaves the task failed with its log, and rm still works', async () => {
    repo = await tempRepo({ files: { 'package.json': '{}\n' } });
    project = await projectFor(repo.dir, 'setup: ["echo installing; exit 7"]\n');
    await expect(provisionTask(project, { name: 'bad-setup' })).rejects.toMatchObject({
      code: 'E_SETUP_FAILED',
    });
    const task = getTask(project.store, 'bad-setup');
    expect(task?.status).toBe('failed');
    expect(readFileSync(task?.logPath as string, 'utf8')).toContain('installing');
    await removeTask(project, 'bad-setup');
    expect(existsSync(task?.worktree as string)).toBe(false);
  });

  it('clones node_modules as real files when the lockfile matches', async () => {
    repo = await tempRepo({
      files: { 'package.json': '{}\n', 'package-lock.json': '{"v":1}\n', '.gitignore': 'node_modules/\n' },
    });
    mkdirSync(path.join(repo.dir, 'node_modules/pkg'), { recursive: true });
    writeFileSync(path.join(repo.dir, 'node_modules/pkg/index.js'), 'x');
    project = await projectFor(repo.dir, 'setup: ["false"]\n');
    const task = await provisionTask(project, { name: 'deps' });
    expect(task.options.deps).toBe('clone');
    const copy = path.join(task.worktree, 'node_modules/pkg/index.js');
    expect(readFileSync(copy, 'utf8')).toBe('x');
    writeFileSync(copy, 'changed');
    expect(readFileSync(path.join(repo.dir, 'node_modules/pkg/index.js'), 'utf8')).toBe('x');
  });
});

describe('removeTask', () => {
  it('refuses to lose work, backs up first, and the backup restores the exact tree', async () => {
    repo = await tempRepo({ files: { 'a.txt': 'a\n' } });
    project = await projectFor(repo.dir);
    const task = await provisionTask(project, { name: 'work' });
    writeFileSync(path.join(task.worktree, 'a.txt'), 'edited\n');
    writeFileSync(path.join(task.worktree, 'new.txt'), 'new\n');

    const refused = await removeTask(project, 'work').catch((e) => e);
    expect(refused.code).toBe('E_UNLANDED_WORK');
    expect(refused.message).toContain('new.txt');
    expect(existsSync(task.worktree)).toBe(true);

    const res = await removeTask(project, 'work', { force: true });
    expect(existsSync(task.worktree)).toBe(false);
    expect(listTasks(project.store)).toEqual([]);
    expect(await repo.git('branch', '--list', 'braid/work')).toBe('');
    expect(await repo.git('show', `${res.backupRef}:a.txt`)).toBe('edited');
    expect(await repo.git('show', `${res.backupRef}:new.txt`)).toBe('new');
    expect(taskPorts(project.store, 'work')).toEqual({});
  });

  it("removes a task whose worktree creation was killed (HEAD still git's placeholder id)", async () => {
    repo = await tempRepo({ files: { 'a.txt': 'a\n' } });
    project = await projectFor(repo.dir);
    const task = await provisionTask(project, { name: 'cut' });
    // What a killed `git worktree add` leaves behind: its admin HEAD not yet pointed at a commit.
    const gitDir = await repo.git('-C', task.worktree, 'rev-parse', '--absolute-git-dir');
    writeFileSync(path.join(gitDir, 'HEAD'), `${'0'.repeat(40)}\n`);

    const res = await removeTask(project, 'cut', { force: true });
    expect(existsSync(task.worktree)).toBe(false);
    expect(listTasks(project.store)).toEqual([]);
    // The branch tip was still there to keep.
    expect(await repo.git('rev-parse', res.backupRef as string)).toBe(await repo.git('rev-parse', 'main'));
  });

  it('refuses commits not on the base, and accepts squash-landed ones', async () => {
    repo = await tempRepo({ files: { 'a.txt': 'a\n' } });
    project = await projectFor(repo.dir);
    const task = await provisionTask(project, { name: 'feat' });
    writeFileSync(path.join(task.worktree, 'b.txt'), 'b\n');
    await repo.git('-C', task.worktree, 'add', '-A');
    await repo.git('-C', task.worktree, 'commit', '-q', '-m', 'b');
    await expect(removeTask(project, 'feat')).rejects.toMatchObject({ code: 'E_UNLANDED_WORK' });
    await repo.git('merge', '-q', '--squash', 'braid/feat');
    await repo.git('commit', '-q', '-m', 'squashed feat');
    const res = await removeTask(project, 'feat');
    expect(res.backupRef).toMatch(/^refs\/braid\/backup\/feat\//);
  });
});
