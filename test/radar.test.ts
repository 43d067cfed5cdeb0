import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { enqueueTasks, processQueue } from '../src/land/land.js';
import { openProject, type Project } from '../src/project/project.js';
import { listCachedPairs } from '../src/store/radar.js';
import { insertTask, updateTask } from '../src/store/tasks.js';
import { pendingRadarMessages } from '../src/watch/radar/notify.js';
import { scanRadar } from '../src/watch/radar/scan.js';
import { cliJson, runCli } from './helpers/cli.js';
import { GIT_TEST_ENV, g, type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
let project: Project;
afterEach(() => {
  project?.close();
  repo?.cleanup();
});

const lines = (n: number, tag = 'line') =>
  `${Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`).join('\n')}\n`;

function editLine(file: string, lineNo: number, text: string): void {
  const all = readFileSync(file, 'utf8').split('\n');
  all[lineNo - 1] = text;
  writeFileSync(file, all.join('\n'));
}

async function setup(
  files: Record<string, string> = { 'a.txt': lines(30), 'b.txt': lines(30) },
): Promise<void> {
  repo = await tempRepo({ files });
  project = await openProject(repo.dir);
}

/** A task worktree the way braid makes one: its own branch from main, a task row. */
async function addTask(name: string): Promise<string> {
  const dir = path.join(repo.parent, name);
  await repo.git('worktree', 'add', '-q', '-b', `braid/${name}`, dir, 'main');
  const baseCommit = await repo.git('rev-parse', 'main');
  insertTask(project.store, {
    name,
    branch: `braid/${name}`,
    worktree: dir,
    base: 'main',
    baseCommit,
    agent: 'shell',
    status: 'working',
  });
  return dir;
}

const kinds = (report: { pairs: Array<{ a: string; b: string; kind: string }> }) =>
  report.pairs.map((p) => `${p.a}×${p.b}:${p.kind}`).sort();

describe('radar snapshots', () => {
  it('leaves the agent index byte-identical and sees uncommitted and untracked changes', async () => {
    await setup();
    const t1 = await addTask('t1');
    const t2 = await addTask('t2');
    editLine(path.join(t1, 'a.txt'), 3, 'staged change');
    await g(t1, 'add', 'a.txt');
    editLine(path.join(t1, 'a.txt'), 5, 'unstaged change');
    writeFileSync(path.join(t1, 'new.txt'), 'from t1\n');
    writeFileSync(path.join(t2, 'new.txt'), 'from t2\n');
    const indexFile = path.resolve(t1, await g(t1, 'rev-parse', '--git-path', 'index'));
    const before = readFileSync(indexFile);
    const statusBefore = await g(t1, 'status', '--porcelain');

    const report = await scanRadar(project);

    expect(readFileSync(indexFile).equals(before)).toBe(true);
    expect(await g(t1, 'status', '--porcelain')).toBe(statusBefore);
    expect(await g(t1, 'show', 'refs/braid/radar/t1:a.txt')).toContain('unstaged change');
    expect(report.pairs).toEqual([
      expect.objectContaining({ a: 't1', b: 't2', kind: 'textual', files: ['new.txt'] }),
    ]);
  });
});

describe('radar findings', () => {
  it('same lines → textual, with each side line ranges', async () => {
    await setup();
    const t1 = await addTask('t1');
    const t2 = await addTask('t2');
    editLine(path.join(t1, 'a.txt'), 10, 'one');
    editLine(path.join(t2, 'a.txt'), 10, 'two');
    editLine(path.join(t2, 'a.txt'), 11, 'two');
    await g(t2, 'commit', '-qam', 'committed on the task branch');
    const report = await scanRadar(project);
    expect(report.pairs).toEqual([
      {
        a: 't1',
        b: 't2',
        kind: 'textual',
        files: ['a.txt'],
        lines: { 'a.txt': { a: [[10, 10]], b: [[10, 11]] } },
      },
    ]);
    expect(report.vsMain).toEqual([]);
  });

  it('same file, other regions → overlap; other files → nothing', async () => {
    await setup();
    const t1 = await addTask('t1');
    const t2 = await addTask('t2');
    const t3 = await addTask('t3');
    editLine(path.join(t1, 'a.txt'), 2, 'top');
    editLine(path.join(t2, 'a.txt'), 25, 'bottom');
    editLine(path.join(t3, 'b.txt'), 2, 'elsewhere');
    const report = await scanRadar(project);
    expect(kinds(report)).toEqual(['t1×t2:overlap']);
  });

  it('a task against main when main moved', async () => {
    await setup();
    const t1 = await addTask('t1');
    editLine(path.join(t1, 'a.txt'), 5, 'task');
    expect((await scanRadar(project)).vsMain).toEqual([]);
    editLine(path.join(repo.dir, 'a.txt'), 5, 'main');
    await repo.git('commit', '-qam', 'main moves');
    const report = await scanRadar(project);
    expect(report.vsMain).toEqual([
      expect.objectContaining({ a: 't1', b: 'main', kind: 'textual', files: ['a.txt'] }),
    ]);
    expect(pendingRadarMessages(project.store, 't1')).toContain(
      'main (moved since your base) also changes a.txt line 5',
    );
  });

  it('equal migration numbers collide', async () => {
    await setup({ 'db/migrations/0001_init.sql': 'create table a;\n' });
    project.config.migrations = { glob: 'db/migrations/*', lock: 'migrations' };
    const t1 = await addTask('t1');
    const t2 = await addTask('t2');
    const t3 = await addTask('t3');
    writeFileSync(path.join(t1, 'db/migrations/0002_users.sql'), 'create table users;\n');
    writeFileSync(path.join(t2, 'db/migrations/0002_posts.sql'), 'create table posts;\n');
    writeFileSync(path.join(t3, 'db/migrations/0003_tags.sql'), 'create table tags;\n');
    const report = await scanRadar(project);
    expect(report.pairs).toEqual([
      {
        a: 't1',
        b: 't2',
        kind: 'migration',
        files: ['db/migrations/0002_users.sql', 'db/migrations/0002_posts.sql'],
        collisions: [{ number: '2', a: 'db/migrations/0002_users.sql', b: 'db/migrations/0002_posts.sql' }],
      },
    ]);
    expect(pendingRadarMessages(project.store, 't2')).toContain(
      'task t1 also adds migration db/migrations/0002_users.sql, numbered like your db/migrations/0002_posts.sql',
    );
  });
});

describe('radar cache and messages', () => {
  it('recomputes only the pairs whose side changed', async () => {
    await setup();
    const t1 = await addTask('t1');
    await addTask('t2');
    const t3 = await addTask('t3');
    const first = await scanRadar(project);
    expect(first.recomputed).toHaveLength(6);
    const snapAt = () =>
      project.store.db.prepare('SELECT task, taken_at FROM radar_snapshots ORDER BY task').all();
    const snapsBefore = snapAt();
    expect((await scanRadar(project)).recomputed).toEqual([]);

    editLine(path.join(t1, 'a.txt'), 1, 'changed');
    const before = new Map(listCachedPairs(project.store).map((p) => [`${p.a}×${p.b}`, p.computedAt]));
    const scoped = await scanRadar(project, { tasks: ['t1'] });
    expect(scoped.recomputed.map((p) => p.join('×')).sort()).toEqual(['t1×@main', 't1×t2', 't1×t3']);
    const after = new Map(listCachedPairs(project.store).map((p) => [`${p.a}×${p.b}`, p.computedAt]));
    for (const untouched of ['t2×t3', 't2×@main', 't3×@main'])
      expect(after.get(untouched)).toBe(before.get(untouched));
    const snapsAfter = snapAt() as Array<{ task: string; taken_at: number }>;
    expect(snapsAfter.filter((s) => s.task !== 't1')).toEqual(
      (snapsBefore as typeof snapsAfter).filter((s) => s.task !== 't1'),
    );

    // Committing the same content moves HEAD but not the tree: nothing to recompute.
    await g(t1, 'commit', '-qam', 'commit it');
    expect((await scanRadar(project)).recomputed).toEqual([]);
    editLine(path.join(t3, 'b.txt'), 1, 'changed');
    expect((await scanRadar(project)).recomputed.map((p) => p.join('×')).sort()).toEqual([
      't1×t3',
      't2×t3',
      't3×@main',
    ]);
  });

  it('tells each agent about a finding once, and again only when something new appears', async () => {
    await setup();
    const t1 = await addTask('t1');
    const t2 = await addTask('t2');
    editLine(path.join(t1, 'a.txt'), 10, 'one');
    editLine(path.join(t2, 'a.txt'), 10, 'two');
    await scanRadar(project);
    const first = pendingRadarMessages(project.store, 't2');
    expect(first).toContain(
      'task t1 also changes a.txt line 10 (your changes conflict with it); coordinate or stay out',
    );
    expect(pendingRadarMessages(project.store, 't2')).toBeNull();
    expect(pendingRadarMessages(project.store, 't1')).toContain('task t2 also changes a.txt line 10');

    editLine(path.join(t1, 'a.txt'), 11, 'more');
    await scanRadar(project, { tasks: ['t1'] });
    expect(pendingRadarMessages(project.store, 't2')).toBeNull();

    editLine(path.join(t1, 'b.txt'), 3, 'b one');
    editLine(path.join(t2, 'b.txt'), 20, 'b two');
    await scanRadar(project);
    const second = pendingRadarMessages(project.store, 't2');
    expect(second).toContain('task t1 also changes b.txt line 3 (no conflict yet)');
    expect(second).not.toContain('a.txt');
  });
});

describe('radar and finished tasks', () => {
  it('forgets a landed task: no findings, no snapshot ref', async () => {
    await setup();
    const t1 = await addTask('t1');
    const t2 = await addTask('t2');
    editLine(path.join(t1, 'a.txt'), 1, 'one');
    editLine(path.join(t2, 'a.txt'), 1, 'two');
    expect((await scanRadar(project)).pairs).toHaveLength(1);
    updateTask(project.store, 't1', { status: 'landed' });
    const report = await scanRadar(project);
    expect(report.tasks).toEqual(['t2']);
    expect(report.pairs).toEqual([]);
    expect(await repo.git('for-each-ref', '--format=%(refname)', 'refs/braid/radar/')).toBe(
      'refs/braid/radar/t2',
    );
    expect(pendingRadarMessages(project.store, 't2')).toBeNull();
  });
});

describe('braid radar', () => {
  it('prints a matrix and the findings, and --json the pairs', async () => {
    await setup();
    const t1 = await addTask('t1');
    const t2 = await addTask('t2');
    await addTask('t3');
    editLine(path.join(t1, 'a.txt'), 4, 'one');
    editLine(path.join(t2, 'a.txt'), 4, 'two');
    editLine(path.join(t2, 'b.txt'), 4, 'two');
    editLine(path.join(t1, 'b.txt'), 24, 'one');
    project.close();
    const json = await cliJson<{ pairs: Array<Record<string, unknown>>; vsMain: unknown[] }>(repo.dir, [
      'radar',
    ]);
    expect(json.pairs.map((p) => [p.a, p.b, p.kind, p.files])).toEqual([
      ['t1', 't2', 'textual', ['a.txt']],
      ['t1', 't2', 'overlap', ['b.txt']],
    ]);
    expect(json.vsMain).toEqual([]);
    const text = await runCli(repo.dir, ['radar', '--task', 't1']);
    expect(text.code).toBe(0);
    const rows = text.stdout.split('\n');
    expect(rows[0].split(/\s+/).filter(Boolean)).toEqual(['t1', 't2', 't3', 'main']);
    expect(rows[1].split(/\s+/)).toEqual(['t1', '-', 'X', '.', '.']);
    expect(rows[2].split(/\s+/)).toEqual(['t2', 'X', '-', '.', '.']);
    expect(text.stdout).toContain('t1 × t2  textual  a.txt [t1:4 t2:4]');
    // Every symbol of the matrix is in the legend, the dot and the dash too.
    expect(text.stdout).toContain(
      '~ same files, merges cleanly   . no overlap (independent)   - the task itself',
    );
    const missing = await runCli(repo.dir, ['radar', '--task', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no live task named 'nope'");
    project = await openProject(repo.dir);
  });
});

/** A small deterministic PRNG so a failing scenario can be replayed from its seed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** What `git merge` really does with two committed task branches, in a throwaway worktree. */
async function realConflicts(scratch: string, a: string, b: string): Promise<string[]> {
  await g(scratch, 'checkout', '-q', '--detach', `braid/${a}`);
  const merge = await run('git', ['merge', '-q', '--no-edit', '--no-ff', `braid/${b}`], {
    cwd: scratch,
    env: GIT_TEST_ENV,
    allowFailure: true,
  });
  if (merge.code === 0) return [];
  const files = (await g(scratch, 'diff', '--name-only', '--diff-filter=U')).split('\n').filter(Boolean);
  await g(scratch, 'merge', '--abort');
  return files.sort();
}

describe('radar on generated scenarios', () => {
  it('finds exactly the textual conflicts that git merge meets', async () => {
    const FILES = ['f0.txt', 'f1.txt', 'f2.txt'];
    await setup(Object.fromEntries(FILES.map((f) => [f, lines(12, f)])));
    const names = ['t1', 't2', 't3'];
    // One after another: git itself races on concurrent `worktree add` (braid serialises its own).
    const dirs: string[] = [];
    for (const n of names) dirs.push(await addTask(n));
    const scratch = path.join(repo.parent, 'scratch');
    await repo.git('worktree', 'add', '-q', '--detach', scratch, 'main');
    let conflictsSeen = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const rand = prng(seed * 7919);
      for (const dir of dirs) await g(dir, 'reset', '-q', '--hard', 'main');
      names.forEach((name, i) => {
        const files = FILES.filter(() => rand() < 0.5);
        for (const file of files) {
          const edits = 1 + Math.floor(rand() * 3);
          for (let e = 0; e < edits; e++)
            editLine(path.join(dirs[i], file), 1 + Math.floor(rand() * 12), `${name} s${seed}`);
        }
        if (rand() < 0.3) writeFileSync(path.join(dirs[i], `new-${Math.floor(rand() * 2)}.txt`), `${name}\n`);
      });
      // Some tasks commit part of their work; the radar must see committed and uncommitted alike.
      for (const dir of dirs) if (rand() < 0.5) await g(dir, 'commit', '-qam', 'partial', '--allow-empty');

      const report = await scanRadar(project);
      const predicted = report.pairs
        .filter((p) => p.kind === 'textual')
        .map((p) => `${p.a}×${p.b}:${[...p.files].sort().join(',')}`)
        .sort();

      for (const dir of dirs) {
        await g(dir, 'add', '-A');
        await g(dir, 'commit', '-qm', 'everything', '--allow-empty');
      }
      const actual: string[] = [];
      for (let i = 0; i < names.length; i++) {
        for (let j = i + 1; j < names.length; j++) {
          const files = await realConflicts(scratch, names[i], names[j]);
          if (files.length) actual.push(`${names[i]}×${names[j]}:${files.join(',')}`);
        }
      }
      conflictsSeen += actual.length;
      expect(predicted, `scenario seed ${seed}`).toEqual(actual.sort());
    }
    // The generator must actually produce conflicts, or the comparison proves nothing.
    expect(conflictsSeen).toBeGreaterThan(3);
  });

  it('for two tasks, finds exactly the conflicts the real queue meets landing the second after the first', async () => {
    const FILES = ['f0.txt', 'f1.txt', 'f2.txt'];
    let conflictsSeen = 0;
    for (let seed = 1; seed <= 8; seed++) {
      // A fresh repository per scenario: landing changes main, the store and the tasks for good.
      await setup(Object.fromEntries(FILES.map((f) => [f, lines(12, f)])));
      const names = ['t1', 't2'];
      const dirs: string[] = [];
      for (const n of names) dirs.push(await addTask(n));
      const rand = prng(seed * 104729);
      names.forEach((name, i) => {
        for (const file of FILES.filter(() => rand() < 0.6)) {
          const edits = 1 + Math.floor(rand() * 3);
          for (let e = 0; e < edits; e++)
            editLine(path.join(dirs[i], file), 1 + Math.floor(rand() * 12), `${name} s${seed}`);
        }
        if (rand() < 0.3) writeFileSync(path.join(dirs[i], 'new.txt'), `${name}\n`);
      });
      for (const dir of dirs) if (rand() < 0.5) await g(dir, 'commit', '-qam', 'partial', '--allow-empty');

      const report = await scanRadar(project);
      const predicted = report.pairs
        .filter((p) => p.kind === 'textual')
        .flatMap((p) => p.files)
        .sort();

      // The queue commits the uncommitted work itself (land.commit_uncommitted), as braid land does.
      enqueueTasks({ repo: project.repo, config: project.config, store: project.store }, names);
      const res = await processQueue({ repo: project.repo, config: project.config, store: project.store });
      if (!res.ran) throw new Error('queue lock unexpectedly held');
      const [first, second] = res.outcomes;
      expect(first.state, `scenario seed ${seed}`).toBe('landed');
      const met = second.state === 'conflict' ? [...second.conflictFiles].sort() : [];
      if (second.state !== 'conflict') expect(second.state, `scenario seed ${seed}`).toBe('landed');
      conflictsSeen += met.length ? 1 : 0;
      expect(predicted, `scenario seed ${seed}`).toEqual(met);
      project.close();
      repo.cleanup();
    }
    // The generator must produce both outcomes, or the comparison proves little.
    expect(conflictsSeen).toBeGreaterThan(1);
    expect(conflictsSeen).toBeLessThan(8);
  });
});
