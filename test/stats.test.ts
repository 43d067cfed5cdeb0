import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../src/project/project.js';
import { insertTask, updateTask } from '../src/store/tasks.js';
import { runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/transcripts');
const CLAUDE_DIR = path.join(FIXTURES, 'claude');
const BETA_TRANSCRIPT = path.join(
  CLAUDE_DIR,
  'projects/-tmp-braid-fixture-repo-braid-beta/bbbbbbbb-0000-4000-8000-000000000003.jsonl',
);
const ENV = { CLAUDE_CONFIG_DIR: CLAUDE_DIR, TZ: 'UTC' };
const DAY = Date.UTC(2026, 0, 3, 12);

let repo: TempRepo;

beforeAll(async () => {
  repo = await tempRepo();
  const log = path.join(repo.parent, 'delta.log');
  writeFileSync(
    log,
    [
      '{"type":"system","subtype":"init","session_id":"d1","model":"claude-haiku-4-5"}',
      '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"session_id":"d1","total_cost_usd":0.5,"usage":{"input_tokens":10,"output_tokens":20}}',
      '',
    ].join('\n'),
  );
  const project = await openProject(repo.dir);
  try {
    const base = { base: 'main', baseCommit: await repo.git('rev-parse', 'HEAD'), createdAt: 0 };
    const { store } = project;
    // Worktree paths that no longer exist: their transcripts stay under the encoded path.
    insertTask(store, {
      ...base,
      name: 'alpha',
      branch: 'braid/alpha',
      worktree: '/tmp/braid-fixture/repo.braid/alpha',
      agent: 'claude',
      runId: 'run-1',
    });
    insertTask(store, {
      ...base,
      name: 'beta',
      branch: 'braid/beta',
      worktree: '/tmp/braid-fixture/repo.braid/beta',
      agent: 'claude',
      runId: 'run-1',
    });
    updateTask(store, 'beta', { transcriptPath: BETA_TRANSCRIPT, status: 'exited' });
    insertTask(store, {
      ...base,
      name: 'gamma',
      branch: 'braid/gamma',
      worktree: repo.dir,
      agent: 'shell',
      status: 'working',
      pid: process.pid,
    });
    insertTask(store, {
      ...base,
      name: 'delta',
      branch: 'braid/delta',
      worktree: path.join(repo.parent, 'gone'),
      agent: 'claude',
      runtime: 'headless',
      logPath: log,
      updatedAt: DAY,
    });
    store.db.prepare('UPDATE tasks SET updated_at = ? WHERE name = ?').run(DAY, 'delta');
  } finally {
    project.close();
  }
});

afterAll(() => repo?.cleanup());

describe('braid stats', () => {
  it('reports tokens, cost and resources per task, run, day and in total (--json)', async () => {
    const res = await runCli(repo.dir, ['stats', '--json'], { env: ENV });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const r = JSON.parse(res.stdout);
    const task = (name: string) => r.tasks.find((t: { name: string }) => t.name === name);

    expect(task('alpha')).toMatchObject({
      source: 'transcript',
      tokens: { input: 204, output: 506, cacheCreation: 3000, cacheRead: 7500 },
      rssBytes: null,
    });
    expect(task('alpha').costUsd).toBeCloseTo(0.272667, 9);
    expect(task('beta')).toMatchObject({ costUsd: null, unpricedModels: ['acme-llm-1'] });
    expect(task('beta').knownCostUsd).toBeCloseTo(0.0225, 9);
    expect(task('delta')).toMatchObject({
      source: 'stream-json',
      tokens: { input: 10, output: 20, cacheCreation: 0, cacheRead: 0 },
      costUsd: 0.5,
    });
    expect(task('gamma')).toMatchObject({ source: 'none', tokens: null, costUsd: null });
    expect(task('gamma').rssBytes).toBeGreaterThan(0);
    expect(task('gamma').cpuPercent).toBeGreaterThanOrEqual(0);

    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]).toMatchObject({
      runId: 'run-1',
      tasks: ['alpha', 'beta'],
      tokens: { input: 1304, output: 1106, cacheCreation: 3000, cacheRead: 17500 },
      costUsd: null,
    });
    expect(r.runs[0].knownCostUsd).toBeCloseTo(0.295167, 9);
    expect(r.days.map((d: { date: string }) => d.date)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(r.days[0].tokens).toEqual({ input: 174, output: 206, cacheCreation: 3000, cacheRead: 2500 });
    expect(r.total).toMatchObject({
      tokens: { input: 1314, output: 1126, cacheCreation: 3000, cacheRead: 17500 },
      costUsd: null,
      tasksWithoutUsage: ['gamma'],
    });
    expect(r.total.knownCostUsd).toBeCloseTo(0.795167, 9);
    expect(r.total.rssBytes).toBe(task('gamma').rssBytes);
  });

  it('prints a table for people, marking unknown and partial costs', async () => {
    const res = await runCli(repo.dir, ['stats'], { env: ENV });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^TASK\s+STATUS\s+TOKENS\s+COST\s+RSS\s+CPU/m);
    expect(res.stdout).toMatch(/^alpha\s+provisioning\s+11\.2k\s+\$0\.27/m);
    expect(res.stdout).toMatch(/^beta\s+exited\s+11\.7k\s+≥\$0\.02/m);
    expect(res.stdout).toMatch(/^run-1\s+22\.9k\s+≥\$0\.30/m);
    expect(res.stdout).toContain('no price for: acme-llm-1');
    expect(res.stdout).toContain('no usage reported by: gamma');
  });

  it('prices models from the pricing: file in braid.yaml, or from BRAID_PRICING', async () => {
    // acme-llm-1 has no shipped price; beta's transcript has 100 input and 100 output tokens of it.
    repo.write('prices.json', JSON.stringify({ 'acme-llm-1': { input: 2, output: 8 } }));
    repo.write('env-prices.json', JSON.stringify({ 'acme-llm-1': { input: 10, output: 10 } }));
    repo.write('bad-prices.json', '{"acme-llm-1": {"input": "cheap"}}');
    try {
      repo.write('braid.yaml', 'pricing: prices.json\n');
      const beta = async (env: NodeJS.ProcessEnv = {}) => {
        const res = await runCli(repo.dir, ['stats', '--json'], { env: { ...ENV, ...env } });
        expect(res.stderr).toBe('');
        return JSON.parse(res.stdout).tasks.find((t: { name: string }) => t.name === 'beta');
      };
      const fromConfig = await beta();
      expect(fromConfig.unpricedModels).toEqual([]);
      expect(fromConfig.costUsd).toBeCloseTo(0.0225 + 0.0002 + 0.0008, 9);
      const fromEnv = await beta({ BRAID_PRICING: 'env-prices.json' });
      expect(fromEnv.costUsd).toBeCloseTo(0.0225 + 0.001 + 0.001, 9);

      const lsBeta = JSON.parse((await runCli(repo.dir, ['ls', '--json'], { env: ENV })).stdout).tasks.find(
        (t: { name: string }) => t.name === 'beta',
      );
      expect(lsBeta.costUsd).toBeCloseTo(0.0235, 9);

      repo.write('braid.yaml', 'pricing: bad-prices.json\n');
      const bad = await runCli(repo.dir, ['stats', '--json'], { env: ENV });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/acme-llm-1\.input/);
      const missing = await runCli(repo.dir, ['stats'], { env: { ...ENV, BRAID_PRICING: 'nope.json' } });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/cannot read pricing file .*nope\.json/);
    } finally {
      rmSync(`${repo.dir}/braid.yaml`, { force: true });
    }
  });

  it('explains itself in --help', async () => {
    const res = await runCli(repo.dir, ['stats', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('ccusage');
  });
});
