import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findPrice } from '../src/core/pricing.js';
import { DEFAULT_PRICING } from '../src/core/pricing-table.js';
import { cliJson, requireBuiltCli, runCli } from './helpers/cli.js';
import { bash, type Reply, type ServedUsage, say, writeFile } from './helpers/messages-api.js';
import { snapshot } from './helpers/plan-run.js';
import { noRealClaude, type RealClaudeRepo, realClaudeRepo } from './helpers/real-claude.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

let ctx: RealClaudeRepo | null = null;
let tmux: TmuxServer | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await tmux?.kill();
  tmux = null;
  await ctx?.cleanup();
  ctx = null;
});

/** Every reply reports this much: input, output, both cache-write lifetimes and cache reads. */
const USAGE: ServedUsage = {
  input: 1_000,
  output: 200,
  cacheCreation5m: 3_000,
  cacheCreation1h: 1_000,
  cacheRead: 20_000,
};

/** What `usage` costs for `model` at the shipped prices, worked out here from the rates alone. */
function expectedCost(model: string, usage: ServedUsage): number {
  const r = findPrice(DEFAULT_PRICING, model);
  if (!r) throw new Error(`the shipped price table has no ${model}`);
  return (
    (usage.input * r.input +
      usage.output * r.output +
      usage.cacheCreation5m * r.cacheWrite5m +
      usage.cacheCreation1h * r.cacheWrite1h +
      usage.cacheRead * r.cacheRead) /
    1_000_000
  );
}

interface StatsJson {
  tasks: Array<{ name: string; tokens: Record<string, number> | null; costUsd: number | null }>;
}

describe.skipIf(!!noRealClaude)(
  `usage and budgets of the real Claude Code (${noRealClaude ?? 'offline, scripted API'})`,
  () => {
    it('braid ls and braid stats show the tokens the server served and their cost at the shipped prices', async () => {
      const p = await realClaudeRepo({ api: { usage: USAGE } });
      ctx = p;
      p.api.script(
        'spend',
        ({ workdir, step }) =>
          [
            writeFile(path.join(workdir, 'spent.txt'), 'spent\n'),
            bash('git add spent.txt && git commit -m "Add spent.txt"', 'Commit'),
            // A reply of its own size: the totals are sums, not one reply counted for all.
            say('Done.', { input: 7, output: 3, cacheCreation5m: 0, cacheCreation1h: 0, cacheRead: 11 }),
          ][step],
      );
      const started = await runCli(p.repo.dir, ['new', 'spend', '--headless', '-p', 'Spend some tokens'], {
        env: p.env,
      });
      expect(started.code, started.stderr).toBe(0);
      const done = await p.statusOf('spend', ['exited', 'failed']);
      expect(done.status).toBe('exited');

      const served = p.api.servedTo('spend');
      expect(served.replies).toBe(3);
      const model = served.model ?? '';
      const tokens = {
        input: served.input,
        output: served.output,
        cacheCreation: served.cacheCreation5m + served.cacheCreation1h,
        cacheRead: served.cacheRead,
      };
      expect(tokens).toEqual({ input: 2_007, output: 403, cacheCreation: 8_000, cacheRead: 40_011 });
      const cost =
        2 * expectedCost(model, USAGE) +
        expectedCost(model, { input: 7, output: 3, cacheCreation5m: 0, cacheCreation1h: 0, cacheRead: 11 });

      const row = await p.task('spend');
      expect(row?.tokens).toEqual(tokens);
      expect(row?.costUsd).toBeCloseTo(cost, 9);
      const stats = await cliJson<StatsJson>(p.repo.dir, ['stats'], p.env);
      const mine = stats.tasks.find((t) => t.name === 'spend');
      expect(mine?.tokens).toMatchObject(tokens);
      expect(mine?.costUsd).toBeCloseTo(cost, 9);
    }, 240_000);

    it('a task_usd budget in braid.yaml stops a headless session at its limit, keeping its work', async () => {
      const p = await realClaudeRepo({ api: { usage: USAGE }, yaml: ['budget: { task_usd: 0.1 }'] });
      ctx = p;
      const perReply = expectedCost('claude-opus-4-8', USAGE);
      // Ten replies would cost far more than $0.10; the agent must stop once it is over.
      const steps: Reply[] = [bash('git commit --allow-empty -m "Start spending"', 'Commit')];
      for (let i = 1; i < 10; i++) steps.push(bash(`git commit --allow-empty -m "Spend ${i}"`, 'Commit'));
      p.api.script('pricey', ({ step }) => steps[step]);
      const started = await runCli(p.repo.dir, ['new', 'pricey', '--headless', '-p', 'Spend a lot'], {
        env: p.env,
      });
      expect(started.code, started.stderr).toBe(0);
      // Claude Code ended its own run at --max-budget-usd: the task is paused for its budget, not failed.
      const ended = await p.statusOf('pricey', ['paused']);
      const log = readFileSync((await snapshot(p.repo.dir)).byName.get('pricey')?.logPath ?? '', 'utf8');
      expect(log).toContain('"subtype":"error_max_budget_usd"');
      // Stopped by the first reply that took it over $0.10 (Claude Code checks after each call).
      const served = p.api.servedTo('pricey');
      expect(served.replies).toBe(Math.floor(0.1 / perReply) + 1);
      expect(ended.costUsd ?? 0).toBeGreaterThan(0.1);
      expect(await p.repo.git('log', '-1', '--format=%s', 'braid/pricey')).toMatch(
        /^(Start spending|Spend \d)$/,
      );
    }, 240_000);

    it('the supervisor pauses an interactive session that went over task_usd', async () => {
      tmux = tmuxServer();
      const p = await realClaudeRepo({
        api: { usage: USAGE },
        yaml: ['budget: { task_usd: 0.1 }'],
        env: {
          BRAID_TMUX_SOCKET: tmux.socket,
          BRAID_NO_SUPERVISOR: '',
          BRAID_SUPERVISOR_BUDGET_MS: '300',
          BRAID_SUPERVISOR_GRACE_MS: '5000',
        },
      });
      ctx = p;
      // Three replies at about $0.049 each: over $0.10 at the end of the first turn, then idle.
      p.api.script(
        'talker',
        ({ step }) =>
          [bash('git status --short', 'Look'), bash('git log --oneline -1', 'Look'), say('Looked around.')][
            step
          ],
      );
      const started = await runCli(p.repo.dir, ['new', 'talker', '-p', 'Look around'], { env: p.env });
      expect(started.code, started.stderr).toBe(0);
      await until(
        'talker stopped for budget',
        async () => (await snapshot(p.repo.dir)).events('talker', 'budget.stopped').length > 0,
        180_000,
      );
      // Paused, not killed: raising the budget (braid budget) resumes the same conversation.
      const paused = await p.statusOf('talker', ['paused', 'exited', 'failed']);
      expect(paused.status).toBe('paused');
      expect(paused.statusDetail).toMatch(/^budget: task spent \$0\.1\d of \$0\.10/);
      const { events } = await snapshot(p.repo.dir);
      expect(String(events('talker', 'budget.stopped')[0].data.reason)).toMatch(
        /^task spent \$0\.1\d of \$0\.10/,
      );
      expect(p.api.servedTo('talker').replies).toBe(3);
    }, 240_000);
  },
);
