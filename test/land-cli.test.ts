import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { findRepo } from '../src/git/repo.js';
import { openStore } from '../src/store/db.js';
import { insertTask } from '../src/store/tasks.js';
import { CLI, ROOT, runCli } from './helpers/cli.js';
import { gateScript, landedTrees } from './helpers/land.js';
import { GIT_TEST_ENV, g, type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());
beforeAll(async () => {
  // tsc still emits when an unrelated module fails to type-check; the CLI file is what matters.
  await run('npm', ['run', 'build'], { cwd: ROOT, timeoutMs: 120_000, allowFailure: true });
  if (!existsSync(CLI)) throw new Error(`build did not produce ${CLI}`);
}, 120_000);

/** A repo with a braid config outside it, a recording gate, and tasks made the way braid makes them. */
async function setup(files: Record<string, string>, gateExtra = '') {
  repo = await tempRepo({ files });
  const record = path.join(repo.parent, 'gate-runs.txt');
  writeFileSync(path.join(repo.parent, 'gate.sh'), gateScript(record, gateExtra));
  const config = path.join(repo.parent, 'braid.yaml');
  writeFileSync(config, `gate: sh ${path.join(repo.parent, 'gate.sh')}\ngate_timeout: 60\n`);
  const env = { BRAID_CONFIG: config };
  const info = await findRepo(repo.dir);
  const addTask = async (name: string, taskFiles: Record<string, string>) => {
    const dir = path.join(repo.parent, `wt-${name}`);
    const base = await repo.git('rev-parse', 'main');
    await repo.git('worktree', 'add', '-q', '-b', `braid/${name}`, dir, 'main');
    for (const [rel, content] of Object.entries(taskFiles)) writeFileSync(path.join(dir, rel), content);
    await g(dir, 'add', '-A');
    await g(dir, 'commit', '-q', '-m', `${name}: work`);
    const store = openStore(info.commonDir);
    insertTask(store.db, {
      name,
      branch: `braid/${name}`,
      worktree: dir,
      base: 'main',
      baseCommit: base,
      agent: 'shell',
      status: 'exited',
      prompt: `Do ${name}`,
    });
    store.close();
  };
  return { env, addTask, info };
}

describe('braid land / braid queue', () => {
  it('lands one of a conflicting pair, reports the other with its files, and exits 3', async () => {
    const { env, addTask } = await setup({ 'shared.txt': 'base\n' });
    await addTask('left', { 'shared.txt': 'left\n' });
    await addTask('right', { 'shared.txt': 'right\n' });

    const res = await runCli(repo.dir, ['land', 'left', 'right', '--json'], { env });

    expect(res.code).toBe(3);
    const report = JSON.parse(res.stdout);
    expect(report.landed).toEqual([{ name: 'left', commit: await repo.git('rev-parse', 'main') }]);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ name: 'right', conflictFiles: ['shared.txt'] });
    expect(res.stderr).toMatch(/left: landed/);

    const queue = JSON.parse((await runCli(repo.dir, ['queue', '--json'], { env })).stdout);
    expect(queue.entries.map((e: { task: string; state: string }) => [e.task, e.state])).toEqual([
      ['left', 'landed'],
      ['right', 'conflict'],
    ]);
    expect(queue.holder).toBeNull();
  });

  it('a SIGKILL mid-gate leaves main untouched, and the next land finishes the job', async () => {
    const { env, addTask, info } = await setup(
      { 'README.md': 'r\n' },
      `touch "$(dirname "$0")/started"
while [ -f "$(dirname "$0")/slow" ]; do sleep 0.05; done`,
    );
    await addTask('crash', { 'c.txt': 'c\n' });
    const before = await repo.git('rev-parse', 'main');
    const slow = path.join(repo.parent, 'slow');
    writeFileSync(slow, '');
    const landing = run(process.execPath, [CLI, 'land', 'crash'], {
      cwd: repo.dir,
      env: { ...GIT_TEST_ENV, ...env },
      allowFailure: true,
      timeoutMs: 60_000,
    });
    const deadline = Date.now() + 30_000;
    while (!existsSync(path.join(repo.parent, 'started'))) {
      if (Date.now() > deadline) throw new Error('the gate never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    const db = new Database(path.join(info.commonDir, 'braid', 'state.db'), { readonly: true });
    const holder = db.prepare("SELECT pid FROM locks WHERE name = 'queue'").get() as { pid: number };
    const state = db.prepare('SELECT state FROM queue').get() as { state: string };
    db.close();
    expect(state.state).toBe('gating');
    process.kill(holder.pid, 'SIGKILL');
    expect((await landing).signal).toBe('SIGKILL');
    rmSync(slow);
    // The orphaned gate finishes on its own; wait for it so it cannot race the next run's checkout.
    const record = path.join(repo.parent, 'gate-runs.txt');
    while (!existsSync(record)) {
      if (Date.now() > deadline) throw new Error('the orphaned gate never finished');
      await new Promise((r) => setTimeout(r, 20));
    }

    expect(await repo.git('rev-parse', 'main')).toBe(before);
    const res = await runCli(repo.dir, ['land', '--json'], { env });

    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.landed.map((l: { name: string }) => l.name)).toEqual(['crash']);
    expect(await repo.git('show', 'main:c.txt')).toBe('c');
    expect(await landedTrees(repo, before)).toHaveLength(1);
    expect(existsSync(path.join(repo.dir, 'c.txt'))).toBe(true);
  });
});
