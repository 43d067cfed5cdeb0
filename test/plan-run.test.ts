import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnDetached } from '../src/exec/detached.js';
import { isProcessAlive } from '../src/exec/pid.js';
import type { RunReport } from '../src/orchestrate/plan/report.js';
import { CLI, requireBuiltCli, runCli } from './helpers/cli.js';
import { gitEnv, type PlanRepo, pidWithArgs, planRepo, planYaml, snapshot } from './helpers/plan-run.js';
import { tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

let ctx: PlanRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

async function runPlanJson(p: PlanRepo, file: string, args: string[] = []) {
  const res = await runCli(p.repo.dir, ['run', file, '--json', ...args], { env: p.env, timeoutMs: 90_000 });
  let report: RunReport;
  try {
    report = JSON.parse(res.stdout) as RunReport;
  } catch {
    throw new Error(`braid run did not print JSON (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
  }
  const outcome = (name: string) => report.tasks.find((t) => t.name === name);
  return { res, report, outcome };
}

describe('braid run: plans', () => {
  it('starts a dependent task from main after its need landed, and a stacked one from its branch', async () => {
    ctx = await planRepo();
    const file = ctx.plan(
      planYaml([
        { name: 'alpha', script: '@write a.txt from alpha ;; @commit alpha' },
        { name: 'beta', script: '@run cp a.txt b.txt ;; @commit beta', needs: ['alpha'] },
        { name: 'gamma', script: '@run cp a.txt c.txt ;; @commit gamma', needs: ['alpha'], stack: true },
      ]),
    );
    const { res, outcome } = await runPlanJson(ctx, file);
    expect(res.code, res.stderr).toBe(0);
    for (const name of ['alpha', 'beta', 'gamma']) expect(outcome(name)?.outcome).toBe('landed');
    expect(await ctx.repo.git('show', 'main:b.txt')).toBe('from alpha');
    expect(await ctx.repo.git('show', 'main:c.txt'), await ctx.repo.git('log', '--stat', 'main')).toBe(
      'from alpha',
    );
    const { byName } = await snapshot(ctx.repo.dir);
    expect(byName.get('beta')?.base).toBe('main');
    expect(byName.get('gamma')?.base).toBe('main');
    expect(byName.get('gamma')?.options.stackedOn).toBe('braid/alpha');
    expect(byName.get('gamma')?.baseCommit).toBe(await ctx.repo.git('rev-parse', 'braid/alpha'));
    // beta started from main after alpha landed: main's alpha commit is beta's base commit.
    const alphaLanded = byName.get('alpha')?.landedCommit;
    expect(byName.get('beta')?.baseCommit).toBe(alphaLanded);
  });

  it('a failing task does not stop the others; its dependents are skipped with the reason', async () => {
    ctx = await planRepo();
    const file = ctx.plan(
      planYaml([
        { name: 'broken', script: '@fail the tests do not pass' },
        { name: 'after-broken', script: '@write x.txt x ;; @commit x', needs: ['broken'] },
        { name: 'after-after', script: '@write y.txt y ;; @commit y', needs: ['after-broken'] },
        { name: 'fine', script: '@write f.txt f ;; @commit f' },
      ]),
    );
    const { res, outcome } = await runPlanJson(ctx, file);
    expect(res.code).toBe(1);
    expect(outcome('broken')?.outcome).toBe('failed');
    expect(outcome('after-broken')).toMatchObject({
      outcome: 'skipped',
      reason: "needs 'broken', which failed",
    });
    expect(outcome('after-after')).toMatchObject({ outcome: 'skipped' });
    expect(outcome('after-after')?.reason).toContain('after-broken');
    expect(outcome('fine')?.outcome).toBe('landed');
    const { byName } = await snapshot(ctx.repo.dir);
    expect(byName.has('after-broken')).toBe(false);
    expect(await ctx.repo.git('show', 'main:f.txt')).toBe('f');
  });

  it('--interactive runs agents in tmux; one at rest with committed work is done and lands', async () => {
    ctx = await planRepo();
    const server = tmuxServer();
    try {
      const file = ctx.plan(
        planYaml([{ name: 'chat', script: '@write chat.txt hello ;; @commit chat', agent: 'fake' }]),
      );
      const env = { ...ctx.env, BRAID_TMUX_SOCKET: server.socket, TMUX: '' };
      const res = await runCli(ctx.repo.dir, ['run', file, '--interactive', '--json'], {
        env,
        timeoutMs: 90_000,
      });
      expect(res.code, res.stderr).toBe(0);
      const report = JSON.parse(res.stdout) as RunReport;
      expect(report.tasks.map((t) => [t.name, t.outcome])).toEqual([['chat', 'landed']]);
      expect(await ctx.repo.git('show', 'main:chat.txt')).toBe('hello');
      // The agent is still at its prompt in its tmux window: interactive sessions are the user's to end.
      const windows = await server.run(['list-windows', '-a', '-F', '#{window_name} #{pane_dead}']);
      expect(windows).toContain('chat 0');
    } finally {
      await server.kill();
    }
  });

  it('refuses a bad plan with exit 2, listing every problem, and starts nothing', async () => {
    ctx = await planRepo();
    const file = ctx.plan(
      [
        'tasks:',
        '  - { name: a, prompt: x, needs: [c] }',
        '  - { name: b, prompt: x, needs: [a, ghost] }',
        '  - { name: c, prompt: x, needs: [b] }',
        '  - { name: a, prompt: x }',
        '  - { name: "Bad Name", prompt: x }',
        '',
      ].join('\n'),
    );
    const res = await runCli(ctx.repo.dir, ['run', file], { env: ctx.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("duplicate task name 'a'");
    expect(res.stderr).toContain("'b' needs unknown task 'ghost'");
    expect(res.stderr).toMatch(/dependency cycle (a -> c -> b -> a|c -> b -> a -> c|b -> a -> c -> b)/);
    expect(res.stderr).toContain("'Bad Name' is not a valid task name");
    // Schema problems do not hide the others: unknown fields, a cycle and a bad name in one report.
    const mixed = ctx.plan(
      [
        'tasks:',
        '  - { name: a, prompt: x, colour: red, needs: [b] }',
        '  - { name: b, prompt: x, needs: [a] }',
        '  - { name: "-bad", prompt: x }',
        'max_paralel: 2',
        '',
      ].join('\n'),
      'p2.yaml',
    );
    const res2 = await runCli(ctx.repo.dir, ['run', mixed], { env: ctx.env });
    expect(res2.code).toBe(2);
    expect(res2.stderr).toContain("tasks.0: unknown key 'colour'");
    expect(res2.stderr).toContain("unknown key 'max_paralel'");
    expect(res2.stderr).toMatch(/dependency cycle (a -> b -> a|b -> a -> b)/);
    expect(res2.stderr).toContain("'-bad' is not a valid task name");
    expect(res2.stderr).toContain('has 4 problems');
    expect(existsSync(path.join(ctx.repo.parent, 'repo.braid'))).toBe(false);
    expect((await snapshot(ctx.repo.dir)).tasks).toEqual([]);
  });
});

describe('braid run: resuming and many tasks', () => {
  it('killed with SIGKILL and started again, it adopts live sessions and does not redo landed tasks', async () => {
    const p = await planRepo();
    ctx = p;
    // slow-one works until the test has killed braid run and seen it still alive.
    const release = path.join(p.repo.parent, 'release-slow-one');
    const file = p.plan(
      planYaml([
        { name: 'quick-one', script: '@write q.txt q ;; @commit q' },
        { name: 'slow-one', script: `@waitfile ${release} ;; @write s.txt s ;; @commit s` },
      ]),
    );
    const pid = await spawnDetached(process.execPath, [CLI, 'run', file], {
      cwd: p.repo.dir,
      env: { ...process.env, ...gitEnv, ...p.env, NO_COLOR: '1' },
    });
    await until('quick-one landed while slow-one works', async () => {
      const { byName } = await snapshot(p.repo.dir);
      return byName.get('quick-one')?.status === 'landed' && byName.get('slow-one')?.pid;
    });
    process.kill(pid, 'SIGKILL');
    const before = await snapshot(p.repo.dir);
    const slowPid = before.byName.get('slow-one')?.pid;
    expect(isProcessAlive(slowPid)).toBe(true);
    writeFileSync(release, '');

    const { res, outcome } = await runPlanJson(p, file);
    expect(res.code, res.stderr).toBe(0);
    expect(outcome('quick-one')?.outcome).toBe('landed');
    expect(outcome('slow-one')?.outcome).toBe('landed');
    const after = await snapshot(p.repo.dir);
    expect(after.byName.get('quick-one')?.landedCommit).toBe(before.byName.get('quick-one')?.landedCommit);
    // One session each: nothing was started a second time.
    expect(after.events('quick-one', 'session.started')).toHaveLength(1);
    expect(after.events('slow-one', 'session.started')).toHaveLength(1);
    expect(after.byName.get('slow-one')?.pid).toBe(slowPid);
    expect(await p.repo.git('show', 'main:s.txt')).toBe('s');
  });

  it('on Ctrl-C starts nothing new, leaves sessions running, exits 130, and the same command continues', async () => {
    const p = await planRepo();
    ctx = p;
    // long works until the test has interrupted braid run and seen it still alive.
    const release = path.join(p.repo.parent, 'release-long');
    const file = p.plan(
      planYaml([
        { name: 'first', script: '@write f.txt f ;; @commit f' },
        { name: 'long', script: `@waitfile ${release} ;; @write l.txt l ;; @commit l` },
        { name: 'then', script: '@write t.txt t ;; @commit t', needs: ['long'] },
      ]),
    );
    const running = runCli(p.repo.dir, ['run', file], { env: p.env, timeoutMs: 60_000 });
    await until('first landed while long works', async () => {
      const { byName } = await snapshot(p.repo.dir);
      return byName.get('first')?.status === 'landed' && byName.get('long')?.pid;
    });
    const braidPid = pidWithArgs(['run', file]);
    expect(braidPid).not.toBeNull();
    process.kill(braidPid as number, 'SIGINT');
    const res = await running;
    expect(res.code, res.stderr).toBe(130);
    expect(res.stdout, res.stderr).toMatch(/first\s+landed/);
    expect(res.stdout).toMatch(/long\s+running/);
    expect(res.stdout).toMatch(/then\s+pending/);
    expect(res.stdout).toContain('Interrupted: 1 landed, 1 still running');
    expect(res.stdout).toContain('run the same command again');
    const before = await snapshot(p.repo.dir);
    const longPid = before.byName.get('long')?.pid;
    expect(isProcessAlive(longPid)).toBe(true);
    expect(before.byName.has('then')).toBe(false);
    // Exactly one line per landing in the live progress.
    expect(res.stderr.match(/first: landed/g)).toHaveLength(1);
    writeFileSync(release, '');

    const { res: again, outcome } = await runPlanJson(p, file);
    expect(again.code, again.stderr).toBe(0);
    for (const name of ['first', 'long', 'then']) expect(outcome(name)?.outcome).toBe('landed');
    const after = await snapshot(p.repo.dir);
    expect(after.events('long', 'session.started')).toHaveLength(1);
    expect(after.byName.get('long')?.pid).toBe(longPid);
    expect(await p.repo.git('show', 'main:t.txt')).toBe('t');
  });

  it('runs 12 small tasks three at a time and lands every one', async () => {
    ctx = await planRepo();
    const tasks = Array.from({ length: 12 }, (_, i) => ({
      name: `t${String(i + 1).padStart(2, '0')}`,
      script: `@write f${i + 1}.txt task ${i + 1} ;; @commit t${i + 1}`,
    }));
    const file = ctx.plan(planYaml(tasks, 'max_parallel: 3'));
    const { res, report } = await runPlanJson(ctx, file);
    expect(res.code, res.stderr).toBe(0);
    expect(report.tasks.map((t) => t.outcome)).toEqual(Array(12).fill('landed'));
    const files = (await ctx.repo.git('ls-tree', '--name-only', 'main')).split('\n');
    for (let i = 1; i <= 12; i++) expect(files).toContain(`f${i}.txt`);
    // Never more than three sessions at once: each start came after at most two others were live.
    const { events } = await snapshot(ctx.repo.dir);
    const spans = tasks.map((t) => {
      const started = events(t.name, 'session.started')[0]?.at ?? 0;
      const ended = events(t.name, 'plan.task-state').find(
        (e) => e.data.state !== 'running' && e.data.state !== 'pending',
      )?.at;
      return { started, ended: ended ?? Number.POSITIVE_INFINITY };
    });
    for (const s of spans) {
      const overlapping = spans.filter((o) => o.started <= s.started && o.ended > s.started).length;
      expect(overlapping).toBeLessThanOrEqual(3);
    }
  });
});
