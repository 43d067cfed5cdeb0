import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { liveGroupMembers } from '../src/exec/process-group.js';
import { run } from '../src/exec/run.js';
import { findRepo } from '../src/git/repo.js';
import { CLI, requireBuiltCli, runCli } from './helpers/cli.js';
import { addFinishedTask, gateScript, landedTrees } from './helpers/land.js';
import { processState } from './helpers/process.js';
import { GIT_TEST_ENV, g, type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());
beforeAll(async () => {
  await requireBuiltCli();
});

/** A repo with a braid config outside it, a recording gate, and tasks made the way braid makes them. */
async function setup(files: Record<string, string>, gateExtra = '') {
  repo = await tempRepo({ files });
  const record = path.join(repo.parent, 'gate-runs.txt');
  writeFileSync(path.join(repo.parent, 'gate.sh'), gateScript(record, gateExtra));
  const config = path.join(repo.parent, 'braid.yaml');
  writeFileSync(config, `gate: sh ${path.join(repo.parent, 'gate.sh')}\ngate_timeout: 60\n`);
  const env = { BRAID_CONFIG: config };
  const info = await findRepo(repo.dir);
  const addTask = (name: string, taskFiles: Record<string, string>) =>
    addFinishedTask(repo.dir, info.commonDir, name, path.join(repo.parent, `wt-${name}`), taskFiles);
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

  it('a SIGKILL mid-gate leaves main untouched; the next land ends the orphaned gate and finishes the job', async () => {
    const { env, addTask, info } = await setup({ 'README.md': 'r\n' }, HANG_FIRST_GATE);
    await addTask('crash', { 'c.txt': 'c\n' });
    const before = await repo.git('rev-parse', 'main');
    const orphan = await killLandMidGate(env, info.commonDir, 'crash');

    expect(await repo.git('rev-parse', 'main')).toBe(before);
    // Without waiting for the orphan (it would hang forever): the next land must end it first.
    const res = await runCli(repo.dir, ['land', '--json'], { env });

    expect(res.code).toBe(0);
    expect(groupMembers(orphan)).toEqual([]);
    expect(res.stderr).toMatch(new RegExp(`ended an orphaned gate \\(process group ${orphan}`));
    const report = JSON.parse(res.stdout);
    expect(report.landed.map((l: { name: string }) => l.name)).toEqual(['crash']);
    expect(await repo.git('show', 'main:c.txt')).toBe('c');
    expect(await landedTrees(repo, before)).toHaveLength(1);
    expect(existsSync(path.join(repo.dir, 'c.txt'))).toBe(true);
  });

  it('braid gc ends a gate orphaned by a killed land', async () => {
    const { env, addTask, info } = await setup({ 'README.md': 'r\n' }, HANG_FIRST_GATE);
    await addTask('crash', { 'c.txt': 'c\n' });
    const orphan = await killLandMidGate(env, info.commonDir, 'crash');

    const res = await runCli(repo.dir, ['gc', '--json'], { env });

    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).actions).toContainEqual({
      kind: 'stale-gate',
      target: 'gate-0',
      detail: expect.stringContaining(`process group ${orphan}`),
    });
    expect(groupMembers(orphan)).toEqual([]);
  });
  it('never wipes a checkout it did not make where the gate worktree goes: on a branch, or of another repository', async () => {
    const { env, addTask } = await setup({ 'README.md': 'r\n' });
    await addTask('feat', { 'f.txt': 'f\n' });
    const before = await repo.git('rev-parse', 'main');
    const place = path.join(repo.parent, 'repo.braid', '_gate-0');
    await repo.git('worktree', 'add', '-q', '-b', 'mine', place, 'main');
    writeFileSync(path.join(place, 'work.txt'), 'not committed yet\n');

    const onBranch = await runCli(repo.dir, ['land', 'feat'], { env });

    expect(onBranch.code).toBe(2);
    expect(onBranch.stderr).toContain(`the gate's scratch folder ${place} is a checkout on a branch`);
    expect(readFileSync(path.join(place, 'work.txt'), 'utf8')).toBe('not committed yet\n');
    expect(await g(place, 'symbolic-ref', '--short', 'HEAD')).toBe('mine');

    await repo.git('worktree', 'remove', '--force', place);
    const other = await tempRepo();
    try {
      await g(other.dir, 'worktree', 'add', '-q', '--detach', place, 'main');
      const foreign = await runCli(repo.dir, ['land', 'feat'], { env });
      expect(foreign.code).toBe(2);
      expect(foreign.stderr).toContain(
        `the gate's scratch folder ${place} is a checkout of another repository`,
      );
      expect(await g(place, 'rev-parse', 'HEAD')).toBe(await other.git('rev-parse', 'main'));
    } finally {
      other.cleanup();
    }
    expect(await repo.git('rev-parse', 'main')).toBe(before);
  });

  it('SIGKILLed the moment main moves, several times: main is before or after, and the next land records it once', async () => {
    const { env, addTask, info } = await setup({ 'README.md': 'r\n' });
    const mainRef = path.join(info.commonDir, 'refs', 'heads', 'main');
    const record = path.join(repo.parent, 'gate-runs.txt');
    // The first land stops itself right after the compare-and-swap (the window that matters), the
    // others are killed once the test sees main move, wherever their bookkeeping got to by then.
    for (const [name, pauseAt] of [
      ['cas0', 'land:cas'],
      ['cas1', ''],
      ['cas2', ''],
    ]) {
      await addTask(name, { [`${name}.txt`]: `${name}\n` });
      const before = await repo.git('rev-parse', 'main');
      let pid = 0;
      const landing = run(process.execPath, [CLI, 'land', name], {
        cwd: repo.dir,
        env: { ...GIT_TEST_ENV, ...env, BRAID_NO_SUPERVISOR: '1', BRAID_PAUSE_AT: pauseAt },
        allowFailure: true,
        timeoutMs: 60_000,
        onSpawn: (p) => {
          pid = p;
        },
      });
      await until(`main to move for ${name}`, () =>
        pauseAt ? processState(pid) === 'T' : readFileSync(mainRef, 'utf8').trim() !== before,
      );
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already: an unpaused land may finish before the kill, its bookkeeping whole.
      }
      const killed = await landing;

      if (pauseAt) expect(killed.signal).toBe('SIGKILL');
      else expect(killed.signal === 'SIGKILL' || killed.code === 0, JSON.stringify(killed)).toBe(true);
      // Never in between: main is exactly one commit past before, whose tree passed the gate.
      expect(await repo.git('rev-parse', 'main~1')).toBe(before);
      expect(readFileSync(record, 'utf8')).toContain(`${await repo.git('rev-parse', 'main^{tree}')} pass`);
      const seen = new Database(path.join(info.commonDir, 'braid', 'state.db'), { readonly: true });
      const status = seen.prepare('SELECT status FROM tasks WHERE name = ?').get(name) as { status: string };
      seen.close();
      // The paused land was killed after the CAS and before recording it.
      if (pauseAt) expect(status.status).not.toBe('landed');
      const res = await runCli(repo.dir, ['land', '--json'], { env });

      expect(res.code).toBe(0);
      const after = await repo.git('rev-parse', 'main');
      expect(await landedTrees(repo, before)).toHaveLength(1);
      expect(await repo.git('show', `main:${name}.txt`)).toBe(name);
      const db = new Database(path.join(info.commonDir, 'braid', 'state.db'), { readonly: true });
      const task = db.prepare('SELECT status, landed_commit FROM tasks WHERE name = ?').get(name) as {
        status: string;
        landed_commit: string;
      };
      const landings = db
        .prepare("SELECT COUNT(*) AS n FROM events WHERE task = ? AND kind = 'land.landed'")
        .get(name) as { n: number };
      db.close();
      expect(task).toEqual({ status: 'landed', landed_commit: after });
      expect(landings.n).toBe(1);
    }
  });
});

/** The first gate run records its process group id and never ends by itself; later runs go on. */
const HANG_FIRST_GATE = `if [ ! -f "$(dirname "$0")/started" ]; then
  read -r _ _ _ _ pgrp _ < /proc/$$/stat
  echo "$pgrp" > "$(dirname "$0")/started"
  while :; do sleep 0.05; done
fi`;

/** Starts `braid land <task>`, SIGKILLs it once its gate runs, and returns the gate's (recorded) group. */
async function killLandMidGate(env: NodeJS.ProcessEnv, commonDir: string, task: string): Promise<number> {
  const landing = run(process.execPath, [CLI, 'land', task], {
    cwd: repo.dir,
    env: { ...GIT_TEST_ENV, ...env },
    allowFailure: true,
    timeoutMs: 60_000,
  });
  const started = path.join(repo.parent, 'started');
  const pgid = Number(
    await until('the gate to start and write its group id', () =>
      existsSync(started) ? readFileSync(started, 'utf8').trim() : undefined,
    ),
  );
  const db = new Database(path.join(commonDir, 'braid', 'state.db'), { readonly: true });
  const holder = db.prepare("SELECT pid FROM locks WHERE name = 'queue'").get() as { pid: number };
  const state = db.prepare('SELECT state FROM queue').get() as { state: string };
  const gate = db.prepare("SELECT pid FROM locks WHERE name = 'gate-0'").get() as { pid: number };
  db.close();
  expect(state.state).toBe('gating');
  expect(gate.pid).toBe(pgid);
  process.kill(holder.pid, 'SIGKILL');
  expect((await landing).signal).toBe('SIGKILL');
  expect(groupMembers(pgid).length).toBeGreaterThan(0);
  return pgid;
}

/** Live (non-zombie) members of a process group. */
const groupMembers = (pgid: number): number[] => liveGroupMembers(pgid) ?? [];
