import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/orchestrate/plan/report.js';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import { type PlanRepo, planRepo, planYaml, snapshot } from './helpers/plan-run.js';

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

const chain = [
  { name: 'alpha', script: '@write a.txt from alpha ;; @commit alpha' },
  { name: 'beta', script: '@run cp a.txt b.txt ;; @commit beta', needs: ['alpha'] },
];

describe('braid run: land manual', () => {
  it('finishes: a dependent starts stacked on its done needs, and nothing lands', async () => {
    ctx = await planRepo();
    const mainBefore = await ctx.repo.git('rev-parse', 'main');
    const file = ctx.plan(planYaml(chain, 'land: manual'));
    const { res, outcome } = await runPlanJson(ctx, file);
    expect(res.code, res.stderr).toBe(0);
    expect(outcome('alpha')?.outcome).toBe('done');
    expect(outcome('beta')?.outcome).toBe('done');
    expect(await ctx.repo.git('rev-parse', 'main')).toBe(mainBefore);
    // beta started from alpha's branch: it copied alpha's file, and lands on main later, by hand.
    expect(await ctx.repo.git('show', 'braid/beta:b.txt')).toBe('from alpha');
    const { byName } = await snapshot(ctx.repo.dir);
    expect(byName.get('beta')?.baseCommit).toBe(await ctx.repo.git('rev-parse', 'braid/alpha'));
    expect(byName.get('beta')?.base).toBe('main');
    expect(byName.get('beta')?.options.stackedOn).toBe('braid/alpha');
  });

  it('--land lands a land: manual plan, a dependent starting from main after its need landed', async () => {
    ctx = await planRepo();
    const file = ctx.plan(planYaml(chain, 'land: manual'));
    const { res, outcome } = await runPlanJson(ctx, file, ['--land']);
    expect(res.code, res.stderr).toBe(0);
    expect(outcome('alpha')?.outcome).toBe('landed');
    expect(outcome('beta')?.outcome).toBe('landed');
    expect(await ctx.repo.git('show', 'main:b.txt')).toBe('from alpha');
    const { byName } = await snapshot(ctx.repo.dir);
    expect(byName.get('beta')?.baseCommit).toBe(byName.get('alpha')?.landedCommit);
    expect(byName.get('beta')?.options.stackedOn).toBeUndefined();
  });
});

describe('braid run: stack on several needs', () => {
  it('starts from the merge of every need branch and lands it all', async () => {
    ctx = await planRepo();
    const file = ctx.plan(
      planYaml([
        { name: 'left', script: '@write l.txt left ;; @commit left' },
        { name: 'right', script: '@write r.txt right ;; @commit right' },
        {
          name: 'top',
          script: '@run cat l.txt r.txt > top.txt ;; @commit top',
          needs: ['left', 'right'],
          stack: true,
        },
      ]),
    );
    const { res, outcome } = await runPlanJson(ctx, file);
    expect(res.code, res.stderr).toBe(0);
    for (const name of ['left', 'right', 'top']) expect(outcome(name)?.outcome).toBe('landed');
    expect(await ctx.repo.git('show', 'main:top.txt')).toBe('left\nright');
    const { byName } = await snapshot(ctx.repo.dir);
    const top = byName.get('top');
    expect(top?.options.stackedOn).toBe('refs/braid/stack/top');
    expect(top?.options.stackedOnBranches).toEqual(['braid/left', 'braid/right']);
    expect(top?.base).toBe('main');
    // Its starting point is a merge whose parents are the two needs' work.
    const parents = (await ctx.repo.git('rev-list', '--parents', '-n', '1', top?.baseCommit ?? '')).split(
      ' ',
    );
    expect(parents.slice(1).sort()).toEqual(
      [await ctx.repo.git('rev-parse', 'braid/left'), await ctx.repo.git('rev-parse', 'braid/right')].sort(),
    );
  });

  it('fails the stacked task clearly when its needs conflict, and finishes the rest', async () => {
    ctx = await planRepo();
    const file = ctx.plan(
      planYaml(
        [
          { name: 'one', script: '@write same.txt one ;; @commit one' },
          { name: 'two', script: '@write same.txt two ;; @commit two' },
          { name: 'both', script: '@write both.txt x ;; @commit both', needs: ['one', 'two'], stack: true },
        ],
        'land: manual',
      ),
    );
    const { res, outcome } = await runPlanJson(ctx, file);
    expect(res.code).toBe(1);
    expect(outcome('one')?.outcome).toBe('done');
    expect(outcome('two')?.outcome).toBe('done');
    expect(outcome('both')?.outcome).toBe('failed');
    expect(outcome('both')?.reason).toContain("the work of 'one' and 'two' conflicts in same.txt");
    expect((await snapshot(ctx.repo.dir)).byName.has('both')).toBe(false);
  });
});
