import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isContentMerged, mergeTrees } from '../src/git/merge-tree.js';
import { snapshotWorktree, worktreeChanges } from '../src/git/snapshot.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

describe('snapshotWorktree', () => {
  it('records tracked edits and untracked files without touching the index', async () => {
    repo = await tempRepo({ files: { 'a.txt': 'one\n', '.gitignore': 'ignored/\n' } });
    repo.write('a.txt', 'two\n');
    await repo.git('add', 'a.txt');
    repo.write('a.txt', 'three\n');
    repo.write('new file.txt', 'untracked\n');
    repo.write('ignored/x', 'not me\n');
    const indexPath = path.join(repo.dir, '.git', 'index');
    const indexBefore = readFileSync(indexPath);
    const statusBefore = await repo.git('status', '--porcelain');

    const snap = await snapshotWorktree(repo.dir, { ref: 'refs/braid/backup/t/1' });

    expect(readFileSync(indexPath).equals(indexBefore)).toBe(true);
    expect(await repo.git('status', '--porcelain')).toBe(statusBefore);
    expect(await repo.git('show', `${snap.commit}:a.txt`)).toBe('three');
    expect(await repo.git('show', `${snap.commit}:new file.txt`)).toBe('untracked');
    expect(await repo.git('ls-tree', '-r', '--name-only', snap.commit)).not.toContain('ignored/x');
    expect(await repo.git('rev-parse', 'refs/braid/backup/t/1')).toBe(snap.commit);
    expect(await repo.git('rev-parse', `${snap.commit}^`)).toBe(await repo.git('rev-parse', 'HEAD'));
    expect((await worktreeChanges(repo.dir)).sort()).toEqual(['a.txt', 'new file.txt']);
  });
});

describe('mergeTrees', () => {
  it('reports conflicting files and recognises squash-landed work', async () => {
    repo = await tempRepo({ files: { 'f.txt': 'base\n', 'g.txt': 'g\n' } });
    await repo.git('checkout', '-q', '-b', 'task');
    const taskTip = await repo.commit('task', { 'f.txt': 'task\n', 'h.txt': 'h\n' });
    await repo.git('checkout', '-q', 'main');
    const mainTip = await repo.commit('main', { 'f.txt': 'main\n' });

    const merge = await mergeTrees(repo.dir, mainTip, taskTip);
    expect(merge.clean).toBe(false);
    expect(merge.conflictFiles).toEqual(['f.txt']);
    expect(await isContentMerged(repo.dir, mainTip, taskTip)).toBe(false);

    await repo.git('checkout', '-q', 'task');
    const other = await repo.commit('only h', { 'h.txt': 'h2\n' });
    await repo.git('checkout', '-q', 'main');
    await repo.git('merge', '-q', '--squash', 'task', '-X', 'theirs');
    await repo.git('commit', '-q', '-m', 'squash');
    expect(await isContentMerged(repo.dir, 'main', other)).toBe(true);
  });
});
