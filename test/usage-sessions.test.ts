import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db.js';
import { listEvents } from '../src/store/events.js';
import { MIGRATIONS } from '../src/store/schema.js';
import { getTask } from '../src/store/tasks.js';
import { cliJson, fakeClaudeOnPath, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

interface Usage {
  name: string;
  exitCode: number | null;
  tokens: { input: number; output: number } | null;
  costUsd: number | null;
}

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

function storeOf(dir: string) {
  return openStore(path.join(dir, '.git'));
}

/** braid ls once the agent process is gone too (it records the exit code). */
async function lsWhenEnded(dir: string, env: NodeJS.ProcessEnv): Promise<Usage> {
  return until(
    'the agent process ended',
    async () => {
      const t = (await cliJson<{ tasks: Usage[] }>(dir, ['ls'], env)).tasks[0];
      return t.exitCode === 0 ? t : undefined;
    },
    20_000,
  );
}

/** How many of the task's agent sessions have ended (fake-claude fires SessionEnd as it exits). */
function exits(dir: string, name: string): number {
  const store = storeOf(dir);
  try {
    return listEvents(store, { task: name }).filter(
      (e) => e.kind === 'hook.received' && e.data.event === 'SessionEnd',
    ).length;
  } finally {
    store.close();
  }
}

describe('usage of a task with more than one agent session', () => {
  it('a fresh start keeps the first session: braid ls and braid stats count both transcripts', async () => {
    const r = await tempRepo();
    repo = r;
    const env = fakeClaudeOnPath(r.parent);
    writeFileSync(path.join(r.dir, 'braid.yaml'), 'agent: claude\ndeps: none\n');
    const prompt = ['```', '@tokens 1000 200', '```'].join('\n');
    const made = await runCli(r.dir, ['new', 'twice', '--headless', '-p', prompt], { env });
    expect(made.code, made.stderr).toBe(0);
    await until('first session exited', () => exits(r.dir, 'twice') === 1, 20_000);
    const first = await lsWhenEnded(r.dir, env);
    expect(first.tokens).toMatchObject({ input: 1000, output: 200 });

    const again = await runCli(r.dir, ['start', 'twice', '--headless', '--fresh'], { env });
    expect(again.code, again.stderr).toBe(0);
    await until('second session exited', () => exits(r.dir, 'twice') === 2, 20_000);

    const store = storeOf(r.dir);
    const task = getTask(store, 'twice');
    store.close();
    // Two sessions, two transcripts, both still on disk and both remembered.
    expect(task?.transcriptPaths).toHaveLength(2);
    expect(new Set(task?.transcriptPaths).size).toBe(2);
    for (const file of task?.transcriptPaths ?? []) expect(existsSync(file)).toBe(true);
    expect(task?.transcriptPath).toBe(task?.transcriptPaths[1]);

    const ls = await lsWhenEnded(r.dir, env);
    expect(ls.tokens).toMatchObject({ input: 2000, output: 400 });
    expect(ls.costUsd).toBeCloseTo(2 * (first.costUsd ?? Number.NaN), 9);
    const stats = await cliJson<{ tasks: Usage[]; total: { tokens: Usage['tokens']; costUsd: number } }>(
      r.dir,
      ['stats'],
      env,
    );
    expect(stats.tasks.find((t) => t.name === 'twice')?.tokens).toMatchObject({ input: 2000, output: 400 });
    expect(stats.total.tokens).toMatchObject({ input: 2000, output: 400 });
    expect(stats.total.costUsd).toBeCloseTo(ls.costUsd ?? Number.NaN, 9);
  });

  it('a store from before the list was kept is migrated: the one recorded transcript is in it', async () => {
    const r = await tempRepo();
    repo = r;
    const file = path.join(r.dir, '.git/braid/state.db');
    mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    for (const sql of MIGRATIONS.slice(0, 5)) old.exec(sql);
    old.pragma('user_version = 5');
    const insert = old.prepare(
      `INSERT INTO tasks (name, branch, worktree, base, base_commit, agent, status, status_since, transcript_path, created_at, updated_at)
       VALUES (?, ?, '/nowhere', 'main', 'x', 'claude', 'exited', 0, ?, 0, 0)`,
    );
    insert.run('known', 'braid/known', '/cfg/projects/p/s1.jsonl');
    insert.run('unknown', 'braid/unknown', null);
    old.close();
    const store = storeOf(r.dir);
    try {
      expect(getTask(store, 'known')?.transcriptPaths).toEqual(['/cfg/projects/p/s1.jsonl']);
      expect(getTask(store, 'unknown')?.transcriptPaths).toEqual([]);
    } finally {
      store.close();
    }
  });
});
