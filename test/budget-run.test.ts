import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { budgetAction, checkBudget, mergeBudgets } from '../src/core/budget.js';
import type { RunReport } from '../src/orchestrate/plan/report.js';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import {
  claudeOnPath,
  type PlanRepo,
  pidWithArgs,
  planRepo,
  planYaml,
  snapshot,
} from './helpers/plan-run.js';
import { until } from './helpers/wait.js';

let ctx: PlanRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

describe('budget decisions', () => {
  it('merges the plan over braid.yaml and decides warn once, then stop', () => {
    expect(mergeBudgets({ task_usd: 5, run_usd: 20 }, { task_usd: 1, task_tokens: 10 })).toEqual({
      task_usd: 1,
      run_usd: 20,
      task_tokens: 10,
    });
    expect(mergeBudgets(undefined, undefined)).toBeUndefined();
    const warn = checkBudget({ spentUsd: 0.85, tokens: null }, { task_usd: 1 });
    expect(budgetAction(warn, false, true)).toEqual({
      kind: 'warn',
      reason: 'task spent $0.85 of $1.00 (85 %)',
    });
    expect(budgetAction(warn, true, true)).toEqual({ kind: 'none' });
    const over = checkBudget({ spentUsd: 0.1, tokens: null, runSpentUsd: 3 }, { task_usd: 1, run_usd: 2 });
    expect(budgetAction(over, true, true)).toMatchObject({ kind: 'stop', wholeRun: true });
    expect(budgetAction(over, true, false)).toEqual({ kind: 'none' });
  });
});

describe('braid run with a budget', () => {
  it('warns at 80 %, stops a session at 100 % keeping its work, and skips what needs it', async () => {
    ctx = await planRepo();
    const file = ctx.plan(
      planYaml(
        [
          {
            name: 'spender',
            script:
              '@write partial.txt half done ;; @tokens 5000 0 ;; @waitfile never-released ;; @commit never',
          },
          { name: 'after-spender', script: '@write z.txt z ;; @commit z', needs: ['spender'] },
          { name: 'thrifty', script: '@tokens 850 0 ;; @write t.txt t ;; @commit t' },
        ],
        'budget: { task_tokens: 1000 }',
      ),
    );
    const res = await runCli(ctx.repo.dir, ['run', file], { env: ctx.env, timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/thrifty: budget warning: task used 85\d tokens of 1,000 tokens \(85 %\)/);
    expect(res.stderr).toMatch(/spender: stopping for budget: task used 5,00\d tokens of 1,000 tokens/);
    expect(res.stdout).toMatch(/spender\s+stopped/);
    expect(res.stdout).toMatch(/thrifty\s+landed/);

    const { byName, events } = await snapshot(ctx.repo.dir);
    const spender = byName.get('spender');
    expect(spender && existsSync(spender.worktree)).toBe(true);
    expect(readFileSync(path.join(spender?.worktree ?? '', 'partial.txt'), 'utf8')).toBe('half done\n');
    // The work is committed on the task's branch, not landed.
    expect(await ctx.repo.git('show', 'braid/spender:partial.txt')).toBe('half done');
    expect(events('spender', 'budget.stopped')).toHaveLength(1);
    expect(events('thrifty', 'budget.warned')).toHaveLength(1);
    expect(byName.has('after-spender')).toBe(false);

    // Run again: the stop is remembered from its event (stopped, not failed) and nothing restarts.
    const again = await runCli(ctx.repo.dir, ['run', file, '--json'], { env: ctx.env, timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(1);
    const report = JSON.parse(again.stdout) as RunReport;
    const spenderReport = report.tasks.find((t) => t.name === 'spender');
    expect(spenderReport?.outcome).toBe('stopped');
    expect(spenderReport?.reason).toMatch(/^stopped for budget: task used 5,00\d tokens of 1,000 tokens/);
    expect(report.tasks.find((t) => t.name === 'thrifty')?.outcome).toBe('landed');
    expect(report.tasks.find((t) => t.name === 'after-spender')?.outcome).toBe('skipped');
    const later = await snapshot(ctx.repo.dir);
    expect(later.events('spender', 'session.started')).toHaveLength(1);
    expect(later.events('spender', 'budget.stopped')).toHaveLength(1);
  });

  it('headless Claude Code gets --max-budget-usd from task_usd; its own stop is reported as a budget stop', async () => {
    ctx = await planRepo();
    const env = claudeOnPath(ctx);
    // 2 x 175,000 input tokens at $3 per million (under the 200k long-context price): $1.05, over the
    // task's $1. fake-claude honours --max-budget-usd; braid leaves a small overshoot to the agent.
    const file = ctx.plan(
      planYaml(
        [
          {
            name: 'pricey',
            script: '@write work.txt kept ;; @tokens 175000 0 ;; @tokens 175000 0',
            agent: 'claude',
          },
        ],
        'budget: { task_usd: 1 }',
      ),
    );
    const res = await runCli(ctx.repo.dir, ['run', file, '--json'], { env, timeoutMs: 60_000 });
    expect(res.code, `${res.stderr}\n${res.stdout}`).toBe(1);
    const report = JSON.parse(res.stdout) as RunReport;
    expect(report.tasks[0]).toMatchObject({ name: 'pricey', outcome: 'stopped' });
    expect(report.tasks[0].reason).toBe(
      'stopped for budget: the agent stopped at its --max-budget-usd limit of $1.00 (error_max_budget_usd)',
    );
    const { byName, events } = await snapshot(ctx.repo.dir);
    const task = byName.get('pricey');
    expect(task?.agent).toBe('claude');
    expect(readFileSync(task?.logPath ?? '', 'utf8')).toContain('"subtype":"error_max_budget_usd"');
    expect(events('pricey', 'budget.stopped')).toHaveLength(1);
    // Straight to paused: no failed (or finished) on the way for a notification to tell first.
    const ends = events('pricey', 'status.changed').map((e) => e.data.to);
    expect(ends).toContain('paused');
    expect(ends.filter((to) => to === 'failed' || to === 'exited')).toEqual([]);
    // Its work is committed on its branch, not landed.
    expect(await ctx.repo.git('show', 'braid/pricey:work.txt')).toBe('kept');
    expect(await ctx.repo.git('ls-tree', '--name-only', 'main')).not.toContain('work.txt');

    // The plan run again with a higher budget: the paused task resumes its conversation and finishes.
    const raised = planYaml(
      [
        {
          name: 'pricey',
          script: '@write work.txt kept ;; @tokens 175000 0 ;; @tokens 175000 0',
          agent: 'claude',
        },
      ],
      'budget: { task_usd: 5 }',
    );
    expect(ctx.plan(raised)).toBe(file);
    const again = await runCli(ctx.repo.dir, ['run', file, '--json'], { env, timeoutMs: 60_000 });
    expect(again.code, `${again.stderr}\n${again.stdout}`).toBe(0);
    expect((JSON.parse(again.stdout) as RunReport).tasks[0]).toMatchObject({
      name: 'pricey',
      outcome: 'landed',
    });
    const after = await snapshot(ctx.repo.dir);
    expect(after.events('pricey', 'budget.raised').map((e) => e.data)).toEqual([
      { taskUsd: 5, resumed: true },
    ]);
    const starts = after.events('pricey', 'session.started').map((e) => e.data.resume);
    expect(starts).toEqual([false, true]);
    expect(after.byName.get('pricey')?.options.budget).toMatchObject({ task_usd: 5 });
    expect(await ctx.repo.git('show', 'main:work.txt')).toBe('kept');
  });

  it('reports the stop in --json and stops everything once the run budget is spent', async () => {
    ctx = await planRepo('budget: { run_usd: 0.01 }');
    // 5,000 input tokens at $3 per million: $0.015, over the run's $0.01.
    const file = ctx.plan(
      planYaml(
        [
          { name: 'big', script: '@tokens 5000 0 ;; @waitfile never-released ;; @commit never' },
          { name: 'later', script: '@write l.txt l ;; @commit l', needs: ['big'] },
        ],
        'max_parallel: 1',
      ),
    );
    const res = await runCli(ctx.repo.dir, ['run', file, '--json'], { env: ctx.env, timeoutMs: 60_000 });
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as RunReport;
    expect(report.tasks[0]).toMatchObject({ name: 'big', outcome: 'stopped' });
    expect(report.tasks[0].reason).toMatch(/^stopped for budget: run spent \$0\.0\d of \$0\.01/);
    expect(report.tasks[1]).toMatchObject({ name: 'later', outcome: 'skipped' });
  });
});

describe('budgets kept by the supervisor', () => {
  // runCli keeps the supervisor away by default: these tests are about it.
  const fast = {
    BRAID_NO_SUPERVISOR: '',
    BRAID_SUPERVISOR_BUDGET_MS: '300',
    BRAID_SUPERVISOR_GRACE_MS: '5000',
  };

  it('warns at 80 % and stops a braid new session at 100 %, keeping its work', async () => {
    ctx = await planRepo('budget: { task_tokens: 1000 }');
    const env = { ...ctx.env, ...fast };
    // The second batch of tokens waits until the test has seen the warning for the first.
    const release = path.join(ctx.repo.parent, 'release-solo');
    const script = `@write partial.txt half done ;; @tokens 850 0 ;; @waitfile ${release} ;; @tokens 500 0 ;; @waitfile never-released ;; @commit never`;
    const res = await runCli(ctx.repo.dir, ['new', 'solo', '--headless', '--agent', 'quick', '-p', script], {
      env,
    });
    expect(res.code, res.stderr).toBe(0);
    const dir = ctx.repo.dir;
    await until(
      'the budget warning for solo',
      async () => (await snapshot(dir)).events('solo', 'budget.warned').length > 0,
    );
    writeFileSync(release, '');
    await until(
      'solo stopped for budget',
      async () => (await snapshot(dir)).events('solo', 'budget.stopped').length > 0,
    );
    const { byName, events } = await snapshot(dir);
    expect(events('solo', 'budget.warned')).toHaveLength(1);
    expect(String(events('solo', 'budget.warned')[0].data.reason)).toMatch(/^task used 85\d tokens of 1,000/);
    expect(String(events('solo', 'budget.stopped')[0].data.reason)).toMatch(
      /^task used 1,35\d tokens of 1,000/,
    );
    expect(events('solo', 'budget.warned')[0].at).toBeLessThan(events('solo', 'budget.stopped')[0].at);
    expect(byName.get('solo')?.status).not.toMatch(/^(starting|working|waiting|idle)$/);
    expect(await ctx.repo.git('show', 'braid/solo:partial.txt')).toBe('half done');
  });

  it("keeps a plan's own budget for the sessions a Ctrl-C'd run left running", async () => {
    ctx = await planRepo();
    const p = ctx;
    const env = { ...p.env, ...fast };
    const release = path.join(p.repo.parent, 'release-left');
    const file = p.plan(
      planYaml(
        [
          {
            name: 'left',
            // It spends only once the test has interrupted braid run: the supervisor keeps the budget.
            script: `@write l.txt kept ;; @waitfile ${release} ;; @tokens 5000 0 ;; @waitfile never-released ;; @commit x`,
          },
        ],
        'budget: { task_tokens: 1000 }',
      ),
    );
    const running = runCli(p.repo.dir, ['run', file], { env, timeoutMs: 60_000 });
    await until('left working', async () => !!(await snapshot(p.repo.dir)).byName.get('left')?.pid);
    const braidPid = pidWithArgs(['run', file]);
    expect(braidPid).not.toBeNull();
    process.kill(braidPid as number, 'SIGINT');
    expect((await running).code).toBe(130);
    expect((await snapshot(p.repo.dir)).events('left', 'budget.stopped')).toHaveLength(0);
    writeFileSync(release, '');
    await until('left stopped for budget by the supervisor', async () => {
      const { events } = await snapshot(p.repo.dir);
      return events('left', 'budget.stopped').length > 0;
    });
    const { byName } = await snapshot(p.repo.dir);
    expect(byName.get('left')?.options.budget).toEqual({ task_tokens: 1000 });
    expect(await p.repo.git('show', 'braid/left:l.txt')).toBe('kept');
  });
});
