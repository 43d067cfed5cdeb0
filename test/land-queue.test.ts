import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueTasks, processQueue } from '../src/land/land.js';
import { listQueue, updateEntry } from '../src/store/queue.js';
import { getTask } from '../src/store/tasks.js';
import { type LandFixture, landedTrees, landFixture } from './helpers/land.js';

let fx: LandFixture;
afterEach(() => fx?.close());

async function land(...names: string[]) {
  enqueueTasks(fx.ctx, names);
  const res = await processQueue(fx.ctx);
  if (!res.ran) throw new Error('queue lock unexpectedly held');
  return res.outcomes;
}

describe('the merge queue', () => {
  it('lands independent changes in order; every commit on main passed the gate on its exact tree', async () => {
    fx = await landFixture({ config: { land: { batch: 1 } } });
    const start = await fx.repo.git('rev-parse', 'main');
    await fx.addTask('alpha', { 'a.txt': 'alpha\n' });
    await fx.addTask('beta', { 'b.txt': 'beta\n' });
    await fx.addTask('gamma', { 'c.txt': 'gamma\n' }, { prompt: 'Add gamma\n\nWith details.' });

    const outcomes = await land('alpha', 'beta', 'gamma');

    expect(outcomes.map((o) => [o.task, o.state])).toEqual([
      ['alpha', 'landed'],
      ['beta', 'landed'],
      ['gamma', 'landed'],
    ]);
    const subjects = await fx.repo.git('log', '--reverse', '--format=%s', `${start}..main`);
    expect(subjects.split('\n')).toEqual(['Do alpha', 'Do beta', 'Add gamma']);
    expect(await fx.repo.git('log', '-1', '--format=%(trailers:key=Braid-Task,valueonly)', 'main')).toBe(
      'gamma',
    );
    const passed = new Set(
      fx
        .gateRuns()
        .filter((r) => r.passed)
        .map((r) => r.tree),
    );
    for (const tree of await landedTrees(fx.repo, start)) expect(passed.has(tree)).toBe(true);
    // The main checkout followed, clean.
    for (const f of ['a.txt', 'b.txt', 'c.txt']) expect(existsSync(path.join(fx.repo.dir, f))).toBe(true);
    expect(await fx.repo.git('status', '--porcelain')).toBe('');
    const gamma = getTask(fx.ctx.store, 'gamma')!;
    expect(gamma.status).toBe('landed');
    expect(gamma.landedCommit).toBe(await fx.repo.git('rev-parse', 'main'));
  });

  it('lands one of a conflicting pair and records the other as a conflict with its files', async () => {
    fx = await landFixture({ files: { 'shared.txt': 'base\n' } });
    await fx.addTask('left', { 'shared.txt': 'left\n' });
    await fx.addTask('right', { 'shared.txt': 'right\n', 'extra.txt': 'x\n' });

    const outcomes = await land('left', 'right');

    expect(outcomes[0]).toMatchObject({ task: 'left', state: 'landed' });
    expect(outcomes[1]).toMatchObject({ task: 'right', state: 'conflict', conflictFiles: ['shared.txt'] });
    expect(outcomes[1].reason).toMatch(/shared\.txt/);
    expect(await fx.repo.git('show', 'main:shared.txt')).toBe('left');
    expect(getTask(fx.ctx.store, 'right')!.status).toBe('conflict');
  });

  it('rejects a change that breaks the gate and leaves main unchanged', async () => {
    fx = await landFixture();
    const before = await fx.repo.git('rev-parse', 'main');
    await fx.addTask('bad', { 'bad.txt': 'BROKEN\n' });

    const [outcome] = await land('bad');

    expect(outcome.state).toBe('rejected');
    expect(outcome.reason).toMatch(/gate failed twice/);
    expect(await fx.repo.git('rev-parse', 'main')).toBe(before);
    // Two runs on the candidate, one on main alone (which passed).
    expect(fx.gateRuns().map((r) => r.passed)).toEqual([false, false, true]);
    expect(readFileSync(outcome.gateLog!, 'utf8')).toMatch(/# exit 1/);
    expect(getTask(fx.ctx.store, 'bad')!.status).toBe('exited');
  });

  it('says main itself is red instead of blaming the task', async () => {
    fx = await landFixture();
    await fx.repo.commit('break main', { 'main.txt': 'BROKEN\n' });
    const before = await fx.repo.git('rev-parse', 'main');
    await fx.addTask('innocent', { 'i.txt': 'fine\n' });

    const [outcome] = await land('innocent');

    expect(outcome.state).toBe('rejected');
    expect(outcome.reason).toMatch(/main itself is red/);
    expect(await fx.repo.git('rev-parse', 'main')).toBe(before);
  });

  it('commits uncommitted work in the task worktree before landing it', async () => {
    fx = await landFixture();
    const dir = await fx.addTask('dirty', { 'd.txt': 'uncommitted\n' }, { commit: false });

    const [outcome] = await land('dirty');

    expect(outcome.state).toBe('landed');
    expect(await fx.repo.git('show', 'main:d.txt')).toBe('uncommitted');
    expect(await fx.repo.git('-C', dir, 'status', '--porcelain')).toBe('');
    expect(listQueue(fx.ctx.store).map((e) => e.state)).toEqual(['landed']);
  });

  it('prepares the pooled gate worktree through the injected callback; its node_modules survive between runs', async () => {
    fx = await landFixture({
      files: { '.gitignore': 'node_modules\n', 'README.md': '# sample\n' },
      gateExtra: 'test -e node_modules/.prepared || exit 1',
      config: { land: { batch: 1 } },
    });
    const dirs: string[] = [];
    fx.ctx.prepareGate = async (dir) => {
      dirs.push(dir);
      const marker = path.join(dir, 'node_modules', '.prepared');
      if (existsSync(marker)) return;
      mkdirSync(path.dirname(marker), { recursive: true });
      writeFileSync(marker, String(dirs.length));
    };
    await fx.addTask('one', { 'one.txt': 'one\n' });
    await fx.addTask('two', { 'two.txt': 'two\n' });

    const outcomes = await land('one', 'two');

    expect(outcomes.map((o) => o.state)).toEqual(['landed', 'landed']);
    const scratch = path.join(fx.repo.parent, 'repo.braid', '_gate-0');
    expect(dirs).toEqual([scratch, scratch]);
    // Installed once, by the first run: the second run found it still there.
    expect(readFileSync(path.join(scratch, 'node_modules', '.prepared'), 'utf8')).toBe('1');
  });

  it('refuses a task with nothing to land', async () => {
    fx = await landFixture();
    await fx.addTask('empty', {}, { commit: false });
    const [outcome] = await land('empty');
    expect(outcome).toMatchObject({
      state: 'rejected',
      reason: 'nothing to land: no commits and no changes',
    });
  });

  it('records a landing that a crashed holder completed after its CAS, and brings the checkout along', async () => {
    fx = await landFixture();
    await fx.addTask('half', { 'h.txt': 'h\n' });
    const [entry] = enqueueTasks(fx.ctx, ['half']);
    const before = await fx.repo.git('rev-parse', 'main');
    // What the dead holder did: a gated candidate, main moved by CAS, then the crash.
    const tree = await fx.repo.git('rev-parse', 'braid/half^{tree}');
    const candidate = await fx.repo.git('commit-tree', tree, '-p', before, '-m', 'Do half');
    await fx.repo.git('update-ref', 'refs/heads/main', candidate, before);
    updateEntry(fx.ctx.store, entry.id, { state: 'gating', candidate, mainBefore: before });

    const res = await processQueue(fx.ctx);

    expect(res.ran && res.outcomes[0]).toMatchObject({ task: 'half', state: 'landed', commit: candidate });
    expect(await fx.repo.git('rev-parse', 'main')).toBe(candidate);
    expect(existsSync(path.join(fx.repo.dir, 'h.txt'))).toBe(true);
    expect(await fx.repo.git('status', '--porcelain')).toBe('');
    expect(getTask(fx.ctx.store, 'half')!.landedCommit).toBe(candidate);
  });
});
