import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import type { RunReport } from '../src/orchestrate/plan/report.js';
import { cliJson, requireBuiltCli, runCli } from './helpers/cli.js';
import { gateProjectDir, gateProjectInstalled, testCounts } from './helpers/gate-projects.js';
import { bash, say, writeFile } from './helpers/messages-api.js';
import { snapshot } from './helpers/plan-run.js';
import { noRealClaude, type RealClaudeRepo, realClaudeRepo } from './helpers/real-claude.js';

/**
 * The issue's "done when", end to end: the real Claude Code, headless through `braid run`, on a real
 * npm project whose gate is jest. Every independent task's work lands, each candidate gated by the
 * project's own tests, and nothing is refused silently.
 */
let ctx: RealClaudeRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

const FIXTURE = gateProjectDir('jest');
const read = (rel: string) => readFileSync(path.join(FIXTURE, rel), 'utf8');

/** A module and its jest test, written by the task's agent. */
const FEATURES: Record<string, { fn: string; body: string; test: string }> = {
  slug: {
    fn: 'slug',
    body: "(s) => s.trim().toLowerCase().split(/\\s+/).join('-')",
    test: "expect(slug(' Braid Land ')).toBe('braid-land');",
  },
  initials: {
    fn: 'initials',
    body: "(s) => s.split(/\\s+/).filter(Boolean).map((w) => w[0].toUpperCase()).join('')",
    test: "expect(initials('run many agents')).toBe('RMA');",
  },
  reverse: {
    fn: 'reverse',
    body: "(s) => [...s].reverse().join('')",
    test: "expect(reverse('abc')).toBe('cba');",
  },
};

describe.skipIf(!!noRealClaude || !gateProjectInstalled('jest'))(
  `braid run on a jest project with the real Claude Code (${noRealClaude ?? 'offline, scripted API'})`,
  () => {
    it('lands every independent task, each candidate gated by jest, with nothing refused', async () => {
      const p = await realClaudeRepo({
        files: {
          'package.json': read('package.json'),
          'package-lock.json': read('package-lock.json'),
          'src/text.js': read('src/text.js'),
          'test/text.test.js': read('test/text.test.js'),
          '.gitignore': 'node_modules/\n',
        },
        yaml: ['gate: npx jest', 'deps: clone'],
      });
      ctx = p;
      // The main checkout after `npm ci`: braid clones it into each worktree and the gate's.
      await run('cp', ['-a', '--reflink=auto', path.join(FIXTURE, 'node_modules'), p.repo.dir], {
        cwd: p.repo.dir,
      });
      for (const [name, f] of Object.entries(FEATURES)) {
        p.api.script(
          name,
          ({ workdir, step }) =>
            [
              writeFile(
                path.join(workdir, 'src', `${name}.js`),
                `module.exports = { ${f.fn}: ${f.body} };\n`,
              ),
              writeFile(
                path.join(workdir, 'test', `${name}.test.js`),
                `const { ${f.fn} } = require('../src/${name}');\n\ntest('${f.fn}', () => {\n  ${f.test}\n});\n`,
              ),
              // The gate command is in braid's rules: the agent checks its work the way the queue will.
              bash('npx jest', 'Run the tests'),
              bash(`git add src test && git commit -m "Add ${name}"`, 'Commit'),
              say(`${name} is committed and its test passes.`),
            ][step],
        );
      }
      const plan = path.join(p.repo.parent, 'plan.yaml');
      writeFileSync(
        plan,
        `tasks:\n${Object.keys(FEATURES)
          .map((n) => `  - { name: ${n}, prompt: "Add ${n} to src with a jest test" }`)
          .join('\n')}\n`,
      );

      const res = await runCli(p.repo.dir, ['run', plan, '--land', '--json'], {
        env: p.env,
        timeoutMs: 900_000,
      });
      let report: RunReport;
      try {
        report = JSON.parse(res.stdout) as RunReport;
      } catch {
        throw new Error(`braid run did not print JSON (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
      }
      expect(
        Object.fromEntries(report.tasks.map((t) => [t.name, [t.outcome, t.refused]])),
        res.stderr,
      ).toEqual({ slug: ['landed', null], initials: ['landed', null], reverse: ['landed', null] });
      expect(res.code).toBe(0);

      // Nothing was refused: no denial in any result, no refusal event.
      const { events } = await snapshot(p.repo.dir);
      for (const name of Object.keys(FEATURES))
        expect(events(name, 'agent.permission-denied'), name).toEqual([]);

      // Every landing was gated by jest on a candidate holding it: its own tree, or a batch's (queued
      // together, main + the batch is one candidate). Each gate run saw main's two tests and the landed ones.
      const logs = path.join(p.repo.dir, '.git', 'braid', 'logs');
      const runs = readdirSync(logs)
        .filter((f) => Object.keys(FEATURES).some((name) => f.startsWith(`gate-${name}-`)))
        .map((f) => testCounts(readFileSync(path.join(logs, f), 'utf8')));
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.length).toBeLessThanOrEqual(3);
      for (const c of runs) {
        expect(c?.failed).toBe(0);
        expect(c?.total).toBeGreaterThanOrEqual(3);
      }
      // The last candidate held all three features: 2 tests of main + 3.
      expect(Math.max(...runs.map((c) => c?.total ?? 0))).toBe(5);
      const { entries } = await cliJson<{ entries: Array<{ task: string; gated: string | null }> }>(
        p.repo.dir,
        ['queue', '--json'],
        p.env,
      );
      expect(
        Object.fromEntries(entries.map((e) => [e.task, ['own', 'batch'].includes(e.gated ?? '')])),
      ).toEqual({
        slug: true,
        initials: true,
        reverse: true,
      });

      // main holds every task's work and its own tests pass there.
      for (const name of Object.keys(FEATURES))
        expect(existsSync(path.join(p.repo.dir, 'test', `${name}.test.js`)), name).toBe(true);
      const jest = await run('npx', ['jest'], { cwd: p.repo.dir, allowFailure: true });
      expect(testCounts(`${jest.stdout}\n${jest.stderr}`)).toEqual({ passed: 5, failed: 0, total: 5 });
    }, 900_000);
  },
);
