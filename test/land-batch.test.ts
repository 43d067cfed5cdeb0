import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { enqueueTasks, processQueue } from '../src/land/land.js';
import { listEvents } from '../src/store/events.js';
import { listQueue } from '../src/store/queue.js';
import { CLI, requireBuiltCli, runCli } from './helpers/cli.js';
import { type LandFixture, landFixture } from './helpers/land.js';
import { processState } from './helpers/process.js';
import { GIT_TEST_ENV } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let fx: LandFixture;
afterEach(() => fx?.close());
beforeAll(async () => {
  await requireBuiltCli();
});

/** Says which file broke the gate, so a rejection can quote it. */
const NAME_THE_BREAK = 'for f in *.txt; do grep -qs BROKEN "$f" && echo "gate: $f is BROKEN"; done';

/** Every commit main gained since `from`: none holds what the gate fails on. */
async function everyCommitGreen(from: string): Promise<void> {
  const out = await fx.repo.git('rev-list', '--reverse', `${from}..main`);
  for (const c of out ? out.split('\n') : []) {
    const broken = await fx.repo.git('grep', '-l', 'BROKEN', c, '--', '*.txt').catch(() => '');
    expect(broken, `commit ${c} on main`).toBe('');
  }
}

describe('batched landing', () => {
  it('four queued, one culprit: it is rejected with the gate output, the other three land on their own commits', async () => {
    fx = await landFixture({ gateExtra: NAME_THE_BREAK });
    const start = await fx.repo.git('rev-parse', 'main');
    await fx.addTask('a', { 'a.txt': 'a\n' });
    await fx.addTask('b', { 'b.txt': 'b\n' });
    await fx.addTask('c', { 'c.txt': 'BROKEN\n' });
    await fx.addTask('d', { 'd.txt': 'd\n' });

    enqueueTasks(fx.ctx, ['a', 'b', 'c', 'd']);
    const res = await processQueue(fx.ctx);
    if (!res.ran) throw new Error('queue lock unexpectedly held');

    const states = Object.fromEntries(res.outcomes.map((o) => [o.task, o.state]));
    expect(states).toEqual({ a: 'landed', b: 'landed', c: 'rejected', d: 'landed' });
    const c = res.outcomes.find((o) => o.task === 'c')!;
    expect(c.reason).toMatch(/gate failed twice/);
    expect(c.reason).toContain('gate: c.txt is BROKEN');
    expect(readFileSync(c.gateLog!, 'utf8')).toContain('gate: c.txt is BROKEN');
    // One commit per task, in queue order, and none of them red.
    expect((await fx.repo.git('log', '--reverse', '--format=%s', `${start}..main`)).split('\n')).toEqual([
      'Do a',
      'Do b',
      'Do d',
    ]);
    await everyCommitGreen(start);
    // Which landed commits had their own tree gated, and which lie inside a gated batch.
    const gated = Object.fromEntries(listQueue(fx.ctx.store).map((e) => [e.task, e.gated]));
    expect(gated).toEqual({ a: 'batch', b: 'own', c: null, d: 'own' });
    const batchOf = (t: string) => listQueue(fx.ctx.store).find((e) => e.task === t)?.batch;
    expect(batchOf('a')).toBe(batchOf('b'));
    // The batch (4 red, 2 green, 3 red twice) then d alone: 5 runs, one at a time they take 6.
    const runs = listEvents(fx.ctx.store, { kinds: ['land.gate-run'] });
    expect(runs).toHaveLength(5);
    expect(fx.gateRuns()).toHaveLength(5);
    const batches = listEvents(fx.ctx.store, { kinds: ['land.batch'] }).map((e) => e.data);
    expect(batches.map((b) => [b.size, b.landed, b.green])).toEqual([
      [4, 2, false],
      [1, 1, true],
    ]);
  });

  it('a flaky red batch is re-run, recorded as flaky with its output, and lands whole', async () => {
    // The very first gate run fails; every later one judges the tree.
    fx = await landFixture({
      gateExtra: 'f="$(dirname "$0")/flaked"; if [ ! -e "$f" ]; then touch "$f"; echo "flake!"; exit 1; fi',
    });
    await fx.addTask('a', { 'a.txt': 'a\n' });
    await fx.addTask('b', { 'b.txt': 'b\n' });
    await fx.addTask('c', { 'c.txt': 'c\n' });

    enqueueTasks(fx.ctx, ['a', 'b', 'c']);
    const res = await processQueue(fx.ctx);
    if (!res.ran) throw new Error('queue lock unexpectedly held');

    expect(res.outcomes.map((o) => [o.task, o.state])).toEqual([
      ['a', 'landed'],
      ['b', 'landed'],
      ['c', 'landed'],
    ]);
    const flaky = listEvents(fx.ctx.store, { kinds: ['land.gate-flaky'] });
    expect(flaky).toHaveLength(1);
    expect(flaky[0].data.tree).toBe(await fx.repo.git('rev-parse', 'main^{tree}'));
    expect(flaky[0].data.tail).toContain('flake!');
    // braid stats lists it; braid queue --json counts it in the queue's health.
    const stats = JSON.parse((await runCli(fx.repo.dir, ['stats', '--json'])).stdout);
    expect(stats.flakyGates).toMatchObject([{ task: 'c', tree: flaky[0].data.tree }]);
    const queue = JSON.parse((await runCli(fx.repo.dir, ['queue', '--json'])).stdout);
    // 3 red (the flake), 2 green, 3 green again: all three landed.
    expect(queue.health).toMatchObject({ depth: 0, landed: 3, gateRuns: 3, failureRate: 0.333 });
    expect(queue.health.flakeRate).toBe(0.333);
    // b's own prefix passed on the way (the bisection gated it), so its exact tree was gated too.
    expect(queue.entries.map((e: { gated: string }) => e.gated)).toEqual(['batch', 'own', 'own']);
  });
});

describe('braid land with batches, killed', () => {
  it('SIGKILLed right after a batch moved main: the next land records each change once', async () => {
    fx = await landFixture();
    const { repo } = fx;
    const config = path.join(repo.parent, 'braid.yaml');
    writeFileSync(config, `gate: sh ${path.join(repo.parent, 'gate.sh')}\ngate_timeout: 60\ngate_slots: 1\n`);
    const env = { BRAID_CONFIG: config };
    for (const t of ['x', 'y', 'z']) await fx.addTask(t, { [`${t}.txt`]: `${t}\n` });
    const before = await repo.git('rev-parse', 'main');
    let pid = 0;
    const landing = run(process.execPath, [CLI, 'land', 'x', 'y', 'z'], {
      cwd: repo.dir,
      env: { ...GIT_TEST_ENV, ...env, BRAID_NO_SUPERVISOR: '1', BRAID_PAUSE_AT: 'land:cas' },
      allowFailure: true,
      timeoutMs: 60_000,
      onSpawn: (p) => {
        pid = p;
      },
    });
    await until('the batch to move main', () => pid > 0 && processState(pid) === 'T');
    process.kill(pid, 'SIGKILL');
    expect((await landing).signal).toBe('SIGKILL');
    // Main moved by the whole batch at once, to a tree the gate passed.
    expect(await repo.git('rev-parse', 'main~3')).toBe(before);
    const passed = fx
      .gateRuns()
      .filter((r) => r.passed)
      .map((r) => r.tree);
    expect(passed).toContain(await repo.git('rev-parse', 'main^{tree}'));

    const res = await runCli(repo.dir, ['land', '--json'], { env });

    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { landed: Array<{ name: string; gated?: string }> };
    expect(report.landed.map((l) => [l.name, l.gated])).toEqual([
      ['x', 'batch'],
      ['y', 'batch'],
      ['z', 'own'],
    ]);
    expect(await repo.git('rev-parse', 'main~3')).toBe(before);
    const db = new Database(path.join(fx.ctx.repo.commonDir, 'braid', 'state.db'), { readonly: true });
    const landings = db
      .prepare("SELECT task, COUNT(*) AS n FROM events WHERE kind = 'land.landed' GROUP BY task")
      .all();
    db.close();
    expect(landings).toEqual([
      { task: 'x', n: 1 },
      { task: 'y', n: 1 },
      { task: 'z', n: 1 },
    ]);
  });
});
