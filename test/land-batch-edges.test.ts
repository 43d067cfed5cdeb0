import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { CLI, requireBuiltCli, runCli } from './helpers/cli.js';
import { type LandFixture, landFixture } from './helpers/land.js';
import { processState } from './helpers/process.js';
import { GIT_TEST_ENV } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let fx: LandFixture;
afterEach(() => {
  // A gate left waiting must not outlive the test.
  if (fx && ['hold', 'hold-all'].some((f) => existsSync(path.join(fx.repo.parent, f))))
    writeFileSync(path.join(fx.repo.parent, 'go'), '');
  fx?.close();
});
beforeAll(async () => {
  await requireBuiltCli();
});

/** Once armed (a `hold` file), the first gate run records its pid and waits for a `go` file. */
const HOLD_ONCE = [
  'd="$(dirname "$0")"',
  'if [ -e "$d/hold" ] && [ ! -e "$d/held" ]; then echo $$ > "$d/held"; while [ ! -e "$d/go" ]; do sleep 0.1; done; fi',
].join('\n');

/** Once armed (a `hold-all` file), every gate run records its pid in `held.d` and waits for a `go` file. */
const HOLD_ALL = [
  'if [ -e "$d/hold-all" ] && [ ! -e "$d/go" ]; then mkdir -p "$d/held.d"; echo $$ > "$d/held.d/$$"',
  '  while [ ! -e "$d/go" ]; do sleep 0.1; done',
  'fi',
].join('\n');

/** Once armed (a `flaky-c` file), the first gate run on a tree holding c.txt fails. */
const FLAKY_C =
  'if [ -e "$d/flaky-c" ] && [ -e c.txt ] && [ ! -e "$d/flaked" ]; then touch "$d/flaked"; exit 1; fi';

/**
 * Once armed (a `barrier` file), gate runs wait until three are running at once (each records the
 * PORT it was given): gates run one after another would never get past it.
 */
const BARRIER = [
  'if [ -e "$d/barrier" ] && [ ! -e "$d/released" ]; then mkdir -p "$d/arrived"; echo "$PORT" > "$d/arrived/$$"',
  '  while [ ! -e "$d/released" ]; do [ "$(ls "$d/arrived" | wc -l)" -ge 3 ] && touch "$d/released"; sleep 0.1; done',
  'fi',
].join('\n');

/**
 * Once armed (a `pair` file): b's second run on a tree without c (its recheck) waits (up to 30 s) for
 * c's gate on a tree without b to have seen it running, and c's gate records `together` when it finds
 * b's recheck started and not yet done. Run one after the other, c finds it done.
 */
const PAIR = [
  'if [ -e "$d/pair" ] && [ -e b.txt ] && [ ! -e c.txt ]; then echo x >> "$d/b-runs"',
  '  if [ "$(wc -l < "$d/b-runs")" -ge 2 ]; then touch "$d/b-again"',
  '    i=0; while [ ! -e "$d/c-saw" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; touch "$d/b-done"',
  '  fi',
  'fi',
  'if [ -e "$d/pair" ] && [ -e c.txt ] && [ ! -e b.txt ]; then',
  '  i=0; while [ ! -e "$d/b-again" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done',
  '  [ -e "$d/b-again" ] && [ ! -e "$d/b-done" ] && touch "$d/together"; touch "$d/c-saw"',
  'fi',
].join('\n');

interface Report {
  landed: Array<{ name: string; commit: string; batch?: number; gated?: string }>;
  rejected: Array<{ name: string; reason: string; conflictFiles: string[] }>;
  handedBack: Array<{ name: string; conflictFiles: string[] }>;
}

async function setup(yaml?: string): Promise<{ env: Record<string, string>; start: string }> {
  fx = await landFixture({ gateExtra: `${HOLD_ONCE}\n${HOLD_ALL}\n${FLAKY_C}\n${BARRIER}\n${PAIR}` });
  const config = path.join(fx.repo.parent, 'braid.yaml');
  const gate = `sh ${path.join(fx.repo.parent, 'gate.sh')}`;
  writeFileSync(config, yaml?.replace('GATE', gate) ?? `gate: ${gate}\ngate_timeout: 120\ngate_slots: 1\n`);
  return { env: { BRAID_CONFIG: config }, start: await fx.repo.git('rev-parse', 'main') };
}

function arm(): void {
  writeFileSync(path.join(fx.repo.parent, 'hold'), '');
}

/** `braid land` in the background; its pid once spawned. */
function landInBackground(args: string[], env: Record<string, string>) {
  let pid = 0;
  const done = run(process.execPath, [CLI, 'land', ...args, '--json'], {
    cwd: fx.repo.dir,
    env: { ...GIT_TEST_ENV, ...env, NO_COLOR: '1', BRAID_NO_SUPERVISOR: '1' },
    allowFailure: true,
    timeoutMs: 120_000,
    onSpawn: (p) => {
      pid = p;
    },
  });
  return { done, pid: () => pid };
}

/** Every commit main gained since `from` passes the gate (no file says BROKEN), and each task landed once. */
async function mainNeverRed(from: string): Promise<string[]> {
  const out = await fx.repo.git('rev-list', '--reverse', `${from}..main`);
  const commits = out ? out.split('\n') : [];
  for (const c of commits) {
    const broken = await fx.repo.git('grep', '-l', 'BROKEN', c, '--', '*.txt').catch(() => '');
    expect(broken, `commit ${c} on main`).toBe('');
  }
  return (await fx.repo.git('log', '--reverse', '--format=%s', `${from}..main`)).split('\n');
}

function landedCounts(): Record<string, number> {
  const db = new Database(path.join(fx.ctx.repo.commonDir, 'braid', 'state.db'), { readonly: true });
  try {
    const rows = db
      .prepare("SELECT task, COUNT(*) AS n FROM events WHERE kind = 'land.landed' GROUP BY task")
      .all() as Array<{ task: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.task, r.n]));
  } finally {
    db.close();
  }
}

describe('braid land: a batch meets a conflict, a kill, a moved main', () => {
  it('a conflict inside a batch goes down the ladder alone; the rest of the batch lands', async () => {
    const { env, start } = await setup();
    await fx.addTask('a', { 'a.txt': 'a\n' });
    await fx.addTask('b', { 'shared.txt': 'from b\n' });
    await fx.addTask('c', { 'shared.txt': 'from c\n' });
    await fx.addTask('d', { 'd.txt': 'd\n' });

    const res = await runCli(fx.repo.dir, ['land', 'a', 'b', 'c', 'd', '--json'], { env });

    expect(res.code, res.stderr).toBe(3);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.landed.map((l) => l.name)).toEqual(['a', 'b', 'd']);
    // a and b were one batch: c stopped the chain, it was tried alone against the new main.
    expect(report.landed[0].batch).toBeDefined();
    expect(report.landed[0].batch).toBe(report.landed[1].batch);
    const notLanded = [...report.rejected, ...report.handedBack];
    expect(notLanded).toMatchObject([{ name: 'c', conflictFiles: ['shared.txt'] }]);
    expect(await mainNeverRed(start)).toEqual(['Do a', 'Do b', 'Do d']);
  });

  it('SIGKILLed while three gate slots run a round: gc ends every orphaned gate, land lands each change once', async () => {
    const { env, start } = await setup('gate: { command: GATE, slots: 3, timeout: 120 }\n');
    await fx.addTask('x', { 'x.txt': 'x\n' });
    await fx.addTask('y', { 'y.txt': 'BROKEN\n' });
    await fx.addTask('z', { 'z.txt': 'z\n' });
    const held = path.join(fx.repo.parent, 'held.d');
    writeFileSync(path.join(fx.repo.parent, 'hold-all'), '');
    const landing = landInBackground(['x', 'y', 'z'], env);
    await until('the round to run in three slots', () => existsSync(held) && readdirSync(held).length === 3);
    process.kill(landing.pid(), 'SIGKILL');
    expect((await landing.done).signal).toBe('SIGKILL');
    const gates = readdirSync(held).map(Number);
    for (const gate of gates) expect(processState(gate)).not.toBeNull();
    expect(await fx.repo.git('rev-parse', 'main')).toBe(start);

    const gc = JSON.parse((await runCli(fx.repo.dir, ['gc', '--json'], { env })).stdout) as {
      actions: Array<{ kind: string }>;
    };
    expect(gc.actions.filter((a) => a.kind === 'stale-gate')).toHaveLength(3);
    await until('the orphaned gates to end', () => gates.every((g) => [null, 'Z'].includes(processState(g))));
    // Disarmed: the next land's gates run through.
    writeFileSync(path.join(fx.repo.parent, 'go'), '');
    const res = await runCli(fx.repo.dir, ['land', '--json'], { env });

    expect(res.code, res.stderr).toBe(3);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.landed.map((l) => l.name)).toEqual(['x', 'z']);
    expect(report.rejected.map((r) => r.name)).toEqual(['y']);
    expect(await mainNeverRed(start)).toEqual(['Do x', 'Do z']);
    expect(landedCounts()).toEqual({ x: 1, z: 1 });
  });

  it('SIGKILLed at the compare-and-swap of a bisected batch: gc, then land records each change once', async () => {
    const { env, start } = await setup();
    for (const t of ['p', 'q']) await fx.addTask(t, { [`${t}.txt`]: `${t}\n` });
    await fx.addTask('r', { 'r.txt': 'BROKEN\n' });
    await fx.addTask('s', { 's.txt': 's\n' });
    const landing = landInBackground(['p', 'q', 'r', 's'], { ...env, BRAID_PAUSE_AT: 'land:cas' });
    await until('the batch to move main', () => landing.pid() > 0 && processState(landing.pid()) === 'T');
    process.kill(landing.pid(), 'SIGKILL');
    expect((await landing.done).signal).toBe('SIGKILL');
    // The green prefix (p, q) moved main at once; nothing was recorded yet.
    expect(await fx.repo.git('rev-parse', 'main~2')).toBe(start);

    expect((await runCli(fx.repo.dir, ['gc', '--json'], { env })).code).toBe(0);
    const res = await runCli(fx.repo.dir, ['land', '--json'], { env });

    expect(res.code, res.stderr).toBe(3);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.landed.map((l) => [l.name, l.gated])).toEqual([
      ['p', 'batch'],
      ['q', 'own'],
      ['s', undefined],
    ]);
    expect(report.rejected.map((r) => r.name)).toEqual(['r']);
    expect(await mainNeverRed(start)).toEqual(['Do p', 'Do q', 'Do s']);
    expect(landedCounts()).toEqual({ p: 1, q: 1, s: 1 });
  });

  it('a bisection bets on the first suspect: the window without it lands in the same round; SIGKILLed at that compare-and-swap, nothing is lost or landed twice', async () => {
    const { env, start } = await setup('gate: { command: GATE, slots: 4, timeout: 120 }\n');
    for (const t of ['a', 'b', 'c']) await fx.addTask(t, { [`${t}.txt`]: `${t}\n` });
    await fx.addTask('d', { 'd.txt': 'BROKEN\n' });
    for (const t of ['e', 'f']) await fx.addTask(t, { [`${t}.txt`]: `${t}\n` });
    // Round 1 gates prefixes 2, 3, 5, 6: 3 green, 5 red; round 2 runs prefix 4 twice, 5 again, and a+b+c+e+f.
    const landing = landInBackground(['a', 'b', 'c', 'd', 'e', 'f'], { ...env, BRAID_PAUSE_AT: 'land:cas' });
    await until(
      'the alternative to move main',
      () => landing.pid() > 0 && processState(landing.pid()) === 'T',
    );
    process.kill(landing.pid(), 'SIGKILL');
    expect((await landing.done).signal).toBe('SIGKILL');
    // Main moved straight past the culprit to a tree that was gated as it is.
    expect(await mainNeverRed(start)).toEqual(['Do a', 'Do b', 'Do c', 'Do e', 'Do f']);
    const db = new Database(path.join(fx.ctx.repo.commonDir, 'braid', 'state.db'), { readonly: true });
    const runs = db
      .prepare("SELECT data FROM events WHERE kind = 'land.gate-run' ORDER BY id")
      .all()
      .map(
        (r) =>
          JSON.parse((r as { data: string }).data) as { prefix: number; passed: boolean; without?: string[] },
      );
    db.close();
    expect(runs.filter((r) => r.without)).toEqual([
      expect.objectContaining({ prefix: 5, passed: true, without: ['d'] }),
    ]);
    expect(runs).toHaveLength(8);

    expect((await runCli(fx.repo.dir, ['gc', '--json'], { env })).code).toBe(0);
    const res = await runCli(fx.repo.dir, ['land', '--json'], { env });

    expect(res.code, res.stderr).toBe(3);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.landed.map((l) => [l.name, l.gated])).toEqual([
      ['a', 'batch'],
      // b's prefix and c's passed on their own in round 1.
      ['b', 'own'],
      ['c', 'own'],
      ['e', 'batch'],
      ['f', 'own'],
    ]);
    expect(report.rejected.map((r) => r.name)).toEqual(['d']);
    expect(await mainNeverRed(start)).toEqual(['Do a', 'Do b', 'Do c', 'Do e', 'Do f']);
    expect(landedCounts()).toEqual({ a: 1, b: 1, c: 1, e: 1, f: 1 });
  });

  it('main moved outside during the batch gate: the compare-and-swap fails, the batch is rebuilt on it', async () => {
    const { env, start } = await setup();
    for (const t of ['u', 'v', 'w']) await fx.addTask(t, { [`${t}.txt`]: `${t}\n` });
    arm();
    const landing = landInBackground(['u', 'v', 'w'], env);
    await until('the batch gate to run', () => existsSync(path.join(fx.repo.parent, 'held')));
    // Someone commits straight to main in the main checkout while the gate runs.
    fx.repo.write('outside.txt', 'outside\n');
    await fx.repo.git('add', 'outside.txt');
    await fx.repo.git('commit', '-q', '-m', 'outside');
    const outside = await fx.repo.git('rev-parse', 'main');
    writeFileSync(path.join(fx.repo.parent, 'go'), '');

    const res = await landing.done;
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.landed.map((l) => [l.name, l.gated])).toEqual([
      ['u', 'batch'],
      ['v', 'batch'],
      ['w', 'own'],
    ]);
    // Rebuilt as one batch on top of the outside commit, which is kept.
    expect(new Set(report.landed.map((l) => l.batch)).size).toBe(1);
    expect(await fx.repo.git('rev-parse', 'main~3')).toBe(outside);
    expect(await mainNeverRed(start)).toEqual(['outside', 'Do u', 'Do v', 'Do w']);
    expect(landedCounts()).toEqual({ u: 1, v: 1, w: 1 });
    expect(res.stderr).toContain('moved during the gate');
  });

  it('speculation: main+a, main+a+b, main+a+b+c gated at once in three slots; the red middle one is dropped', async () => {
    const { env, start } = await setup('gate: { command: GATE, slots: 3, timeout: 120 }\n');
    await fx.addTask('a', { 'a.txt': 'a\n' });
    await fx.addTask('b', { 'b.txt': 'BROKEN\n' });
    await fx.addTask('c', { 'c.txt': 'c\n' });
    writeFileSync(path.join(fx.repo.parent, 'barrier'), '');

    const res = await runCli(fx.repo.dir, ['land', 'a', 'b', 'c', '--json'], { env, timeoutMs: 120_000 });

    expect(res.code, res.stderr).toBe(3);
    const report = JSON.parse(res.stdout) as Report;
    // a's prefix passed on its own; c was rebuilt on main without b and gated on its own tree, beside b's recheck.
    expect(report.landed.map((l) => [l.name, l.gated])).toEqual([
      ['a', 'own'],
      ['c', 'own'],
    ]);
    expect(report.rejected).toMatchObject([{ name: 'b' }]);
    expect(report.rejected[0].reason).toMatch(/gate failed twice/);
    expect(await mainNeverRed(start)).toEqual(['Do a', 'Do c']);
    // The first round: three prefixes, three slots, each its own worktree beside the tasks' and its own ports.
    const db = new Database(path.join(fx.ctx.repo.commonDir, 'braid', 'state.db'), { readonly: true });
    const runs = db
      .prepare("SELECT data FROM events WHERE kind = 'land.gate-run' ORDER BY id")
      .all()
      .map((r) => JSON.parse((r as { data: string }).data) as { prefix?: number; slot?: number });
    db.close();
    expect(
      runs
        .slice(0, 3)
        .map((r) => [r.prefix, r.slot])
        .sort(),
    ).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
    ]);
    const arrived = path.join(fx.repo.parent, 'arrived');
    const ports = readdirSync(arrived).map((f) => readFileSync(path.join(arrived, f), 'utf8').trim());
    expect(new Set(ports).size).toBe(3);
    for (const slot of [0, 1, 2])
      expect(existsSync(path.join(fx.repo.parent, 'repo.braid', `_gate-${slot}`, '.git'))).toBe(true);
  });

  it('a suspect red once is rechecked after the green prefix before it lands; green then: flaky, and it lands next', async () => {
    const { env, start } = await setup('gate: { command: GATE, slots: 2, timeout: 120 }\n');
    for (const t of ['a', 'b', 'c']) await fx.addTask(t, { [`${t}.txt`]: `${t}\n` });
    writeFileSync(path.join(fx.repo.parent, 'flaky-c'), '');

    const res = await runCli(fx.repo.dir, ['land', 'a', 'b', 'c', '--json'], { env, timeoutMs: 120_000 });

    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.landed.map((l) => l.name)).toEqual(['a', 'b', 'c']);
    expect(res.stderr).toContain('its recheck runs beside the next window');
    expect(await mainNeverRed(start)).toEqual(['Do a', 'Do b', 'Do c']);
    expect(landedCounts()).toEqual({ a: 1, b: 1, c: 1 });
    const db = new Database(path.join(fx.ctx.repo.commonDir, 'braid', 'state.db'), { readonly: true });
    const flaky = db.prepare("SELECT task FROM events WHERE kind = 'land.gate-flaky'").all();
    db.close();
    expect(flaky).toEqual([{ task: 'c' }]);
  });
  it("a suspect's recheck runs beside the gate of the one change left, not before it", async () => {
    const { env, start } = await setup('gate: { command: GATE, slots: 2, timeout: 120 }\n');
    await fx.addTask('a', { 'a.txt': 'a\n' });
    await fx.addTask('b', { 'b.txt': 'BROKEN\n' });
    await fx.addTask('c', { 'c.txt': 'c\n' });
    writeFileSync(path.join(fx.repo.parent, 'pair'), '');
    // Round 1 gates a+b and a+b+c (red), round 2 a and main (green): a lands, b is set aside red once,
    // and c is all that is left: its gate and b's recheck go in one round, in the two slots.
    const res = await runCli(fx.repo.dir, ['land', 'a', 'b', 'c', '--json'], { env, timeoutMs: 120_000 });

    expect(res.code, res.stderr).toBe(3);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.landed.map((l) => l.name)).toEqual(['a', 'c']);
    expect(report.rejected.map((r) => r.name)).toEqual(['b']);
    expect(report.rejected[0].reason).toContain('failed twice');
    expect(existsSync(path.join(fx.repo.parent, 'together')), 'c gated while b was rechecked').toBe(true);
    expect(await mainNeverRed(start)).toEqual(['Do a', 'Do c']);
    expect(landedCounts()).toEqual({ a: 1, c: 1 });
  });
});
