import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueTasks, processQueue } from '../src/land/land.js';
import { type LandFixture, landedTrees, landFixture } from './helpers/land.js';
import { g } from './helpers/repo.js';

let fx: LandFixture;
afterEach(() => fx?.close());

async function land(...names: string[]) {
  enqueueTasks(fx.ctx, names);
  const res = await processQueue(fx.ctx);
  if (!res.ran) throw new Error('queue lock unexpectedly held');
  return res.outcomes;
}

describe('resolution ladder and strategies', () => {
  it('replays a resolution recorded by rerere, and the result still goes through the gate', async () => {
    fx = await landFixture({ files: { 'shared.txt': 'base\n' } });
    await fx.addTask('left', { 'shared.txt': 'left\n' });
    await fx.addTask('right', { 'shared.txt': 'right\n' });
    // Someone resolved this very conflict before (rerere records it on commit).
    await fx.repo.git('config', 'rerere.enabled', 'true');
    const scratch = path.join(fx.repo.parent, 'resolve');
    await fx.repo.git('worktree', 'add', '-q', '--detach', scratch, 'braid/left');
    await g(scratch, 'merge', '-q', 'braid/right').catch(() => {});
    writeFileSync(path.join(scratch, 'shared.txt'), 'left and right\n');
    await g(scratch, 'commit', '-q', '-am', 'resolved');

    const outcomes = await land('left', 'right');

    expect(outcomes.map((o) => o.state)).toEqual(['landed', 'landed']);
    expect(await fx.repo.git('show', 'main:shared.txt')).toBe('left and right');
    expect(fx.lines.some((l) => /rerere replayed/.test(l))).toBe(true);
    const passed = new Set(
      fx
        .gateRuns()
        .filter((r) => r.passed)
        .map((r) => r.tree),
    );
    expect(passed.has(await fx.repo.git('rev-parse', 'main^{tree}'))).toBe(true);
  });

  it('rebase keeps each commit with its author and message on top of the moved main', async () => {
    fx = await landFixture({ config: { land: { strategy: 'rebase' } }, files: { 'a.txt': '1\n2\n3\n' } });
    const dir = await fx.addTask('multi', { 'a.txt': '1 changed\n2\n3\n' }, { commit: false });
    await g(
      dir,
      'commit',
      '-q',
      '-am',
      'first change\n\nwith a body',
      '--author',
      'Ann Author <ann@example.invalid>',
    );
    writeFileSync(path.join(dir, 'b.txt'), 'new\n');
    await g(dir, 'add', 'b.txt');
    await g(dir, 'commit', '-q', '-m', 'second change', '--author', 'Bob Author <bob@example.invalid>');
    const moved = await fx.repo.commit('main moves', { 'a.txt': '1\n2\n3 main\n' });

    const [outcome] = await land('multi');

    expect(outcome.state).toBe('landed');
    const log = await fx.repo.git('log', '--reverse', '--format=%an <%ae>|%B|%P', `${moved}..main`);
    const entries = log.split('\n').filter((l) => l.includes('|'));
    expect(entries[0]).toMatch(/^Ann Author <ann@example.invalid>\|first change/);
    expect(await fx.repo.git('log', '-1', '--format=%B', 'main~1')).toBe('first change\n\nwith a body');
    expect(await fx.repo.git('log', '-1', '--format=%an|%s', 'main')).toBe('Bob Author|second change');
    expect(await fx.repo.git('rev-parse', 'main~2')).toBe(moved);
    expect(await fx.repo.git('show', 'main:a.txt')).toBe('1 changed\n2\n3 main');
    // Every commit the rebase put on main passed the gate on exactly its tree, the first one too.
    const passed = new Set(
      fx
        .gateRuns()
        .filter((r) => r.passed)
        .map((r) => r.tree),
    );
    const trees = (await fx.repo.git('log', '--reverse', '--format=%T', `${moved}..main`)).split('\n');
    expect(trees).toHaveLength(2);
    for (const tree of trees) expect(passed.has(tree)).toBe(true);
  });

  it('rebase rejects a task whose first commit breaks the gate even though its last one fixes it', async () => {
    fx = await landFixture({ config: { land: { strategy: 'rebase' } }, files: { 'a.txt': 'ok\n' } });
    const dir = await fx.addTask('redgreen', { 'a.txt': 'BROKEN\n' }, { commit: false });
    await g(dir, 'commit', '-q', '-am', 'breaks the tests');
    writeFileSync(path.join(dir, 'a.txt'), 'fixed\n');
    await g(dir, 'commit', '-q', '-am', 'fixes them again');
    const red = await g(dir, 'rev-parse', 'HEAD~1');
    const before = await fx.repo.git('rev-parse', 'main');

    const [outcome] = await land('redgreen');

    expect(outcome.state).toBe('rejected');
    expect(outcome.reason).toMatch(
      /^the gate failed twice on replayed commit (\w{8}) \(breaks the tests\), 1 of 2/,
    );
    expect(await fx.repo.git('rev-parse', 'main')).toBe(before);
    // The red commit's replayed tree (same content as the task's) is what failed; the tip was never gated.
    const redTree = await fx.repo.git('rev-parse', `${red}^{tree}`);
    const tipTree = await fx.repo.git('rev-parse', 'braid/redgreen^{tree}');
    const runs = fx.gateRuns();
    expect(runs.filter((r) => r.tree === redTree).map((r) => r.passed)).toEqual([false, false]);
    expect(runs.some((r) => r.tree === tipTree)).toBe(false);
  });

  it('merge strategy makes a merge commit with the task tip as second parent', async () => {
    fx = await landFixture({ config: { land: { strategy: 'merge' } } });
    await fx.addTask('m', { 'm.txt': 'm\n' });
    const before = await fx.repo.git('rev-parse', 'main');
    await land('m');
    expect(await fx.repo.git('log', '-1', '--format=%P', 'main')).toBe(
      `${before} ${await fx.repo.git('rev-parse', 'braid/m')}`,
    );
  });

  it('rebuilds and re-gates the candidate when main moves during the gate (CAS fails)', async () => {
    const marker = '$(dirname "$0")/moved';
    fx = await landFixture({
      gateExtra: `if [ ! -f "${marker}" ]; then touch "${marker}"
blob=$(echo other | git hash-object -w --stdin)
t=$( (git ls-tree main; printf '100644 blob %s\\tother.txt\\n' "$blob") | git mktree)
git update-ref refs/heads/main "$(git commit-tree "$t" -p main -m other)"
fi`,
    });
    await fx.repo.git('checkout', '-q', '--detach');
    await fx.addTask('t', { 't.txt': 't\n' });

    const [outcome] = await land('t');

    expect(outcome.state).toBe('landed');
    expect(await fx.repo.git('log', '-1', '--format=%s', 'main~1')).toBe('other');
    expect(await fx.repo.git('ls-tree', '--name-only', 'main')).toMatch(/other\.txt[\s\S]*t\.txt/);
    expect(fx.lines.some((l) => /moved during the gate; rebuilding/.test(l))).toBe(true);
    const runs = fx.gateRuns();
    expect(runs.length).toBe(2);
    expect(runs[1].tree).toBe(await fx.repo.git('rev-parse', 'main^{tree}'));
  });

  it('leaves the task queued when the main checkout has local changes to the same files', async () => {
    fx = await landFixture({ files: { 'a.txt': 'a\n', 'README.md': 'readme\n' } });
    const start = await fx.repo.git('rev-parse', 'main');
    await fx.addTask('edit-a', { 'a.txt': 'task\n' });
    fx.repo.write('a.txt', 'my local edit\n');

    const [held] = await land('edit-a');

    expect(held.state).toBe('queued');
    expect(held.reason).toMatch(/local changes to a\.txt/);
    expect(await fx.repo.git('rev-parse', 'main')).toBe(start);
    expect(readFileSync(path.join(fx.repo.dir, 'a.txt'), 'utf8')).toBe('my local edit\n');

    // Local edits elsewhere are fine: they stay, and the checkout follows main.
    await fx.repo.git('checkout', 'a.txt');
    fx.repo.write('README.md', 'readme, edited locally\n');
    fx.repo.write('notes.txt', 'untracked\n');
    const [done] = await land();

    expect(done).toMatchObject({ task: 'edit-a', state: 'landed' });
    expect(readFileSync(path.join(fx.repo.dir, 'a.txt'), 'utf8')).toBe('task\n');
    expect(readFileSync(path.join(fx.repo.dir, 'README.md'), 'utf8')).toBe('readme, edited locally\n');
    expect(readFileSync(path.join(fx.repo.dir, 'notes.txt'), 'utf8')).toBe('untracked\n');
    const status = (await fx.repo.git('status', '--porcelain')).split('\n').map((l) => l.trim());
    expect(status.sort()).toEqual(['?? notes.txt', 'M README.md']);
    expect(await landedTrees(fx.repo, start)).toHaveLength(1);
  });

  it('hands a conflict back to the agent and re-queues the task when its branch gets a new commit', async () => {
    fx = await landFixture({ files: { 'shared.txt': 'base\n' } });
    await fx.addTask('first', { 'shared.txt': 'first\n' }, { prompt: 'Make it first' });
    const dir = await fx.addTask('second', { 'shared.txt': 'second\n' }, { prompt: 'Make it second' });
    const messages: string[] = [];
    fx.ctx.handBack = async (_task, message) => {
      messages.push(message);
      return true;
    };

    const outcomes = await land('first', 'second');

    expect(outcomes[1]).toMatchObject({
      task: 'second',
      state: 'waiting_agent',
      conflictFiles: ['shared.txt'],
    });
    expect(messages[0]).toMatch(/shared\.txt/);
    expect(messages[0]).toMatch(/Make it second/);
    expect(messages[0]).toMatch(/task first: Make it first/);

    // The agent resolves by merging main and committing: the next land picks it up.
    await g(dir, 'merge', '-q', 'main').catch(() => {});
    writeFileSync(path.join(dir, 'shared.txt'), 'first and second\n');
    await g(dir, 'commit', '-q', '-am', 'resolve');
    const [again] = await land();

    expect(again).toMatchObject({ task: 'second', state: 'landed' });
    expect(await fx.repo.git('show', 'main:shared.txt')).toBe('first and second');
  });

  it('uses mergiraf when it is on PATH (a stand-in that unions both sides), then gates the result', async () => {
    fx = await landFixture({ files: { 'list.txt': 'one\n' } });
    const bin = path.join(fx.repo.parent, 'bin');
    mkdirSync(bin);
    const fake = path.join(bin, 'mergiraf');
    // Same calling convention as mergiraf: merge BASE LEFT RIGHT -o OUT.
    writeFileSync(
      fake,
      '#!/bin/sh\nif [ "$1" = --version ]; then echo fake; exit 0; fi\ngit merge-file -p --union "$3" "$2" "$4" > "$6"\n',
    );
    chmodSync(fake, 0o755);
    await fx.addTask('x', { 'list.txt': 'one\nx\n' });
    await fx.addTask('y', { 'list.txt': 'one\ny\n' });
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      const outcomes = await land('x', 'y');
      expect(outcomes.map((o) => o.state)).toEqual(['landed', 'landed']);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(await fx.repo.git('show', 'main:list.txt')).toBe('one\nx\ny');
    expect(fx.lines.some((l) => /mergiraf resolved list\.txt/.test(l))).toBe(true);
  });

  it('removes a landed task through the injected removal when land.cleanup is set', async () => {
    fx = await landFixture({ config: { land: { cleanup: true } } });
    await fx.addTask('tidy', { 't.txt': 't\n' });
    const removed: string[] = [];
    fx.ctx.removeTask = async (name) => {
      removed.push(name);
    };
    await land('tidy');
    expect(removed).toEqual(['tidy']);
  });
});
