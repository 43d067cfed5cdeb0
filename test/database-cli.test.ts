import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { openStore } from '../src/store/db.js';
import { deleteTask } from '../src/store/tasks.js';
import { runCli } from './helpers/cli.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

/** `braid env <task> --json`: the variables its sessions get. */
async function envOf(repo: TempRepo, task: string): Promise<Record<string, string>> {
  const res = await runCli(repo.dir, ['env', task, '--json']);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

async function newTask(repo: TempRepo, name: string): Promise<void> {
  const res = await runCli(repo.dir, ['new', name, '--agent', 'shell', '--no-start', '-p', 'true']);
  expect(res.code, res.stderr).toBe(0);
}

describe('sqlite per task through the CLI', () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await tempRepo({
      files: { 'braid.yaml': 'deps: none\ndatabase: { kind: sqlite, path: dev.db }\n' },
    });
    const main = new Database(path.join(repo.dir, 'dev.db'));
    main.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('seed')");
    main.close();
  });
  afterAll(() => repo?.cleanup());

  it("braid env points DATABASE_URL at the task's own copy; writes stay in it", async () => {
    await newTask(repo, 'one');
    await newTask(repo, 'two');
    const one = (await envOf(repo, 'one')).DATABASE_URL;
    const two = (await envOf(repo, 'two')).DATABASE_URL;
    expect(one).toBe(`file:${path.join(repo.parent, 'repo.braid', 'one', 'dev.db')}`);
    expect(two).toBe(`file:${path.join(repo.parent, 'repo.braid', 'two', 'dev.db')}`);
    const rows = (url: string) => {
      const db = new Database(url.replace(/^file:/, ''), { readonly: true });
      try {
        return (db.prepare('SELECT body FROM notes ORDER BY body').all() as { body: string }[]).map(
          (r) => r.body,
        );
      } finally {
        db.close();
      }
    };
    const writer = new Database(one.replace(/^file:/, ''));
    writer.exec("INSERT INTO notes VALUES ('from one')");
    writer.close();
    expect(rows(one)).toEqual(['from one', 'seed']);
    expect(rows(two)).toEqual(['seed']);
    expect(rows(`file:${path.join(repo.dir, 'dev.db')}`)).toEqual(['seed']);
  });
});

const started = await startPostgres();
const pg: TestPostgres | null = started.ok ? started.pg : null;
if (!started.ok) console.warn(`postgres CLI tests skipped: ${started.reason}`);

describe.skipIf(!pg)('postgres per task through the CLI (real server)', () => {
  let repo: TempRepo;
  const psql = (db: string, sql: string) =>
    run(
      'psql',
      ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', pg!.url.replace(/postgres$/, db), '-c', sql],
      {
        cwd: '/',
      },
    );
  const databases = async () =>
    (await psql('postgres', 'SELECT datname FROM pg_database ORDER BY 1')).stdout.trim().split('\n');

  beforeAll(async () => {
    const url = `postgresql://postgres@127.0.0.1:${pg!.port}/{db}`;
    repo = await tempRepo({
      files: {
        'braid.yaml': `deps: none\ndatabase: { kind: postgres, template: app_tmpl, name: app, url: "${url}" }\n`,
      },
    });
    await run('createdb', ['app_tmpl'], { cwd: '/', env: pg!.env });
    await psql('app_tmpl', "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('seed')");
    // The user's own database with braid's prefix: gc must never touch it.
    await run('createdb', ['app_mine'], { cwd: '/', env: pg!.env });
  });
  afterAll(async () => {
    repo?.cleanup();
    await pg?.stop();
  });

  it('gives each task its database (writes do not cross); rm drops it, even with the folder deleted by hand', async () => {
    await newTask(repo, 'p1');
    await newTask(repo, 'p2');
    expect((await envOf(repo, 'p1')).DATABASE_URL).toBe(`postgresql://postgres@127.0.0.1:${pg!.port}/app_p1`);
    await psql('app_p1', "INSERT INTO notes VALUES ('from p1')");
    expect((await psql('app_p2', 'SELECT body FROM notes')).stdout.trim()).toBe('seed');
    expect((await psql('app_p1', 'SELECT count(*) FROM notes')).stdout.trim()).toBe('2');

    const rm1 = await runCli(repo.dir, ['rm', 'p1']);
    expect(rm1.code, rm1.stderr).toBe(0);
    expect(await databases()).not.toContain('app_p1');

    rmSync(path.join(repo.parent, 'repo.braid', 'p2'), { recursive: true, force: true });
    const rm2 = await runCli(repo.dir, ['rm', 'p2', '--force']);
    expect(rm2.code, rm2.stderr).toBe(0);
    expect(await databases()).not.toContain('app_p2');
  });

  it('gc drops the databases of tasks that no longer exist, and only those', async () => {
    await newTask(repo, 'p3');
    await newTask(repo, 'p4');
    // A crash between forgetting the task and dropping its database leaves exactly this.
    const store = openStore(path.join(repo.dir, '.git'));
    try {
      deleteTask(store, 'p3');
    } finally {
      store.close();
    }
    const gc = await runCli(repo.dir, ['gc', '--json']);
    expect(gc.code, gc.stderr).toBe(0);
    expect(JSON.parse(gc.stdout).actions).toContainEqual(
      expect.objectContaining({ kind: 'orphan-database', target: 'app_p3' }),
    );
    const left = await databases();
    expect(left).not.toContain('app_p3');
    expect(left).toEqual(expect.arrayContaining(['app_p4', 'app_mine', 'app_tmpl']));
  });
});
