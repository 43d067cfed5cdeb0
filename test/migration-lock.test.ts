import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, runCli } from './helpers/cli.js';
import { type PlanRepo, planRepo, snapshot } from './helpers/plan-run.js';
import { until } from './helpers/wait.js';

let ctx: PlanRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

/** The additionalContext entries fake-claude kept in a task's transcript. */
async function contexts(dir: string, task: string): Promise<string[]> {
  const t = (await snapshot(dir)).byName.get(task);
  if (!t?.transcriptPath) return [];
  return readFileSync(t.transcriptPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { subtype?: string; content?: string })
    .filter((e) => e.subtype === 'hook_additional_context')
    .map((e) => e.content ?? '');
}

/** A headless fake-claude task that writes what its environment says about the lock, run to its end. */
async function runTask(p: PlanRepo, name: string): Promise<string> {
  const script = '@run printf "[%s]" "$BRAID_MIGRATIONS_LOCK" > lock.txt';
  const res = await runCli(p.repo.dir, ['new', name, '--headless', '--agent', 'fake', '-p', script], {
    env: p.env,
  });
  expect(res.code, res.stderr).toBe(0);
  const task = await until(`${name} exited`, async () => {
    const t = (await snapshot(p.repo.dir)).byName.get(name);
    return t?.status === 'exited' ? t : null;
  });
  return readFileSync(path.join(task.worktree, 'lock.txt'), 'utf8');
}

describe('the migrations lock from braid.yaml', () => {
  it('reaches sessions as BRAID_MIGRATIONS_LOCK and Claude Code at SessionStart as an instruction', async () => {
    const p = await planRepo('migrations: { glob: "db/migrations/*", lock: schema }');
    ctx = p;
    expect(await runTask(p, 'migrator')).toBe('[schema]');
    const told = (await contexts(p.repo.dir, 'migrator')).filter((c) =>
      c.includes('braid lock schema -- <command>'),
    );
    expect(told).toHaveLength(1);
    const env = await runCli(p.repo.dir, ['env', 'migrator', '--json'], { env: p.env });
    expect(JSON.parse(env.stdout)).toMatchObject({ BRAID_MIGRATIONS_LOCK: 'schema' });
  });

  it('is neither in the environment nor told when no migrations are configured', async () => {
    const p = await planRepo();
    ctx = p;
    expect(await runTask(p, 'plain')).toBe('[]');
    expect((await contexts(p.repo.dir, 'plain')).some((c) => c.includes('braid lock'))).toBe(false);
  });

  it("braid lock -- CMD takes the migrations lock: the session's, else the one in braid.yaml", async () => {
    const p = await planRepo('migrations: { glob: "db/migrations/*", lock: schema }');
    ctx = p;
    // The command lists the locks held while it runs: its own is the one braid took.
    const held = async (env: NodeJS.ProcessEnv) => {
      const res = await runCli(p.repo.dir, ['lock', '--', process.execPath, CLI, 'locks', '--json'], { env });
      expect(res.code, res.stderr).toBe(0);
      return JSON.parse(res.stdout).locks.map((l: { name: string }) => l.name);
    };
    expect(await held(p.env)).toEqual(['schema']);
    expect(await held({ ...p.env, BRAID_MIGRATIONS_LOCK: 'other' })).toEqual(['other']);
    const named = await runCli(p.repo.dir, ['lock', 'mine', '--', process.execPath, CLI, 'locks', '--json'], {
      env: p.env,
    });
    expect(JSON.parse(named.stdout).locks.map((l: { name: string }) => l.name)).toEqual(['mine']);

    const bare = await planRepo();
    try {
      const res = await runCli(bare.repo.dir, ['lock', '--', 'true'], { env: bare.env });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('braid.yaml configures no migrations');
    } finally {
      await bare.cleanup();
    }
  });
});
