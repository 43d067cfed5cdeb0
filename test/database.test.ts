import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/core/config.js';
import { taskDatabaseName } from '../src/core/database-name.js';
import { run } from '../src/exec/run.js';
import { type DatabaseConfig, dropDatabase, provisionDatabase } from '../src/isolate/workspace/database.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

const database = (raw: unknown): DatabaseConfig => {
  const db = parseConfig({ database: raw }, 'braid.yaml').database;
  if (!db) throw new Error('no database config');
  return db;
};

describe('database config and names', () => {
  it('accepts both kinds with defaults and rejects unknown keys', () => {
    expect(database({ kind: 'sqlite', path: 'db/dev.db' })).toEqual({
      kind: 'sqlite',
      path: 'db/dev.db',
      url: 'file:{path}',
      env: 'DATABASE_URL',
    });
    expect(database({ kind: 'postgres', template: 'app_dev' }).env).toBe('DATABASE_URL');
    expect(() => database({ kind: 'postgres', template: 'app dev' })).toThrow(/database.template/);
    expect(() => database({ kind: 'sqlite', path: '../x.db' })).toThrow(/database.path/);
    expect(() => database({ kind: 'sqlite', path: 'x.db', extra: 1 })).toThrow(/unknown key/);
  });

  it('makes safe, bounded database names', () => {
    expect(taskDatabaseName('App_Dev', 'fix-login')).toBe('app_dev_fix_login');
    expect(taskDatabaseName('9x', 'a')).toBe('db_9x_a');
    const long = taskDatabaseName('p'.repeat(60), 'task-with-a-long-name');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long.endsWith('_task_with_a_long_name')).toBe(true);
  });
});

describe('sqlite per task', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await tempRepo();
    const db = new Database(path.join(repo.dir, 'dev.db'));
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('seed')");
    db.close();
  });
  afterAll(() => repo.cleanup());

  it('copies the file into each worktree; writes stay in their copy', async () => {
    const config = database({ kind: 'sqlite', path: 'dev.db', env: 'DB_URL' });
    const wts: string[] = [];
    for (const task of ['one', 'two']) {
      const wt = path.join(repo.parent, task);
      await repo.git('worktree', 'add', '-q', '-b', `braid/${task}`, wt);
      const res = await provisionDatabase(config, { task, repoRoot: repo.dir, worktree: wt });
      expect(res.env).toEqual({ DB_URL: `file:${path.join(wt, 'dev.db')}` });
      expect(res.info.created).toBe(true);
      wts.push(wt);
    }
    const write = (wt: string, body: string) => {
      const db = new Database(path.join(wt, 'dev.db'));
      db.prepare('INSERT INTO notes VALUES (?)').run(body);
      db.close();
    };
    const bodies = (dir: string) => {
      const db = new Database(path.join(dir, 'dev.db'), { readonly: true });
      const rows = db.prepare('SELECT body FROM notes ORDER BY rowid').all() as { body: string }[];
      db.close();
      return rows.map((r) => r.body);
    };
    write(wts[0], 'from one');
    write(wts[1], 'from two');
    expect(bodies(wts[0])).toEqual(['seed', 'from one']);
    expect(bodies(wts[1])).toEqual(['seed', 'from two']);
    expect(bodies(repo.dir)).toEqual(['seed']);
    // Provisioning again keeps the task's data.
    const again = await provisionDatabase(config, { task: 'one', repoRoot: repo.dir, worktree: wts[0] });
    expect(again.info.created).toBe(false);
    expect(bodies(wts[0])).toEqual(['seed', 'from one']);
    await dropDatabase(config, { task: 'one', repoRoot: repo.dir, worktree: wts[0] });
    expect(existsSync(path.join(wts[0], 'dev.db'))).toBe(false);
  });
});

let pg: TestPostgres | null = null;
let pgSkip = '';
const started = await startPostgres();
if (started.ok) pg = started.pg;
else {
  pgSkip = started.reason;
  console.warn(`postgres tests skipped: ${pgSkip}`);
}

describe.skipIf(!pg)('postgres per task (real server)', () => {
  let repo: TempRepo;
  const psql = (url: string, sql: string) =>
    run('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { cwd: '/' });

  beforeAll(async () => {
    repo = await tempRepo();
    await run('createdb', ['app_tmpl'], { cwd: '/', env: pg!.env });
    await psql(
      pg!.url.replace(/postgres$/, 'app_tmpl'),
      "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('seed')",
    );
  });
  afterAll(async () => {
    repo?.cleanup();
    await pg?.stop();
  });

  it('gives each task its own database from the template, dropped on rm', async () => {
    const config = database({
      kind: 'postgres',
      template: 'app_tmpl',
      name: 'app',
      url: `postgresql://postgres@127.0.0.1:${pg!.port}/{db}`,
    });
    const ctx = (task: string) => ({ task, repoRoot: repo.dir, worktree: repo.dir });
    const one = await provisionDatabase(config, ctx('task-one'));
    const two = await provisionDatabase(config, ctx('task-two'));
    expect(one.info.name).toBe('app_task_one');
    expect(one.env.DATABASE_URL).toBe(`postgresql://postgres@127.0.0.1:${pg!.port}/app_task_one`);
    await psql(one.env.DATABASE_URL, "INSERT INTO notes VALUES ('from one')");
    await psql(two.env.DATABASE_URL, "INSERT INTO notes VALUES ('from two')");
    const rows = async (url: string) =>
      (await psql(url, 'SELECT body FROM notes ORDER BY body')).stdout.trim().split('\n');
    expect(await rows(one.env.DATABASE_URL)).toEqual(['from one', 'seed']);
    expect(await rows(two.env.DATABASE_URL)).toEqual(['from two', 'seed']);
    expect(await rows(pg!.url.replace(/postgres$/, 'app_tmpl'))).toEqual(['seed']);

    const again = await provisionDatabase(config, ctx('task-one'));
    expect(again.info.created).toBe(false);
    await dropDatabase(config, ctx('task-one'));
    await dropDatabase(config, ctx('task-one')); // idempotent
    const names = (await psql(pg!.url, 'SELECT datname FROM pg_database ORDER BY 1')).stdout;
    expect(names).not.toContain('app_task_one');
    expect(names).toContain('app_task_two');
  });

  it('uses PGHOST/PGPORT/PGUSER when the config names no server, and explains failures', async () => {
    const config = database({ kind: 'postgres', template: 'app_tmpl' });
    const res = await provisionDatabase(config, {
      task: 'env',
      repoRoot: repo.dir,
      worktree: repo.dir,
      env: pg!.env,
    });
    expect(res.env.DATABASE_URL).toBe(`postgresql://postgres@127.0.0.1:${pg!.port}/app_tmpl_env`);
    expect((await psql(res.env.DATABASE_URL, 'SELECT count(*) FROM notes')).stdout.trim()).toBe('1');
    const missing = database({ kind: 'postgres', template: 'no_such_tmpl' });
    await expect(
      provisionDatabase(missing, { task: 'x', repoRoot: repo.dir, worktree: repo.dir, env: pg!.env }),
    ).rejects.toMatchObject({ code: 'E_DATABASE' });
  });
});
