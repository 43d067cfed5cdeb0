import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BraidConfig } from '../../core/config.js';
import {
  type PgEnv,
  pgEnvFromUrl,
  pgUrlFromEnv,
  taskDatabaseName,
  taskDatabaseUrl,
} from '../../core/database-name.js';
import { BraidError } from '../../core/errors.js';
import { run } from '../../exec/run.js';

export type DatabaseConfig = NonNullable<BraidConfig['database']>;

export interface DatabaseContext {
  task: string;
  /** The main checkout: where the sqlite file is copied from. */
  repoRoot: string;
  worktree: string;
  /** Environment for the postgres client tools (PGHOST…); defaults to braid's own. */
  env?: NodeJS.ProcessEnv;
  /** postgres: the repository that owns the database (its git common dir), kept as the database's comment for `braid gc`. */
  owner?: string;
}

/** The comment braid puts on a task database it created: how `braid gc` tells its own from the user's. */
function ownerComment(owner: string, task: string): string {
  return `braid task ${task} of ${owner}`;
}

interface DatabaseInfo {
  kind: 'sqlite' | 'postgres';
  /** sqlite: the task's copy. */
  path?: string;
  /** postgres: the task's database. */
  name?: string;
  url: string;
  /** False when there was nothing to copy (sqlite) or the database already existed (postgres). */
  created: boolean;
  note?: string;
}

export interface ProvisionedDatabase {
  /** Variables the task's sessions get, e.g. { DATABASE_URL: … }. */
  env: Record<string, string>;
  info: DatabaseInfo;
}

/** Gives the task its own database: a copy of the sqlite file, or a postgres database from the template. */
export async function provisionDatabase(
  config: DatabaseConfig,
  ctx: DatabaseContext,
): Promise<ProvisionedDatabase> {
  const info = config.kind === 'sqlite' ? await copySqlite(config, ctx) : await createPostgres(config, ctx);
  return { env: { [config.env]: info.url }, info };
}

/** Removes the task's database (postgres: `dropdb --if-exists`; sqlite: the copy and its journals). */
export async function dropDatabase(config: DatabaseConfig, ctx: DatabaseContext): Promise<void> {
  if (config.kind === 'sqlite') {
    const copy = path.join(ctx.worktree, config.path);
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${copy}${suffix}`, { force: true });
    return;
  }
  const name = taskDatabaseName(config.name ?? config.template, ctx.task);
  const env = clientEnv(config, ctx);
  // --force ends the task's leftover connections (PostgreSQL 13+); older servers refuse the option.
  const forced = await run('dropdb', ['--if-exists', '--force', name], {
    cwd: ctx.worktree,
    env,
    allowFailure: true,
  });
  if (forced.code === 0) return;
  if (!/FORCE|syntax error/i.test(forced.stderr)) throw dbError(`could not drop ${name}`, forced.stderr);
  const plain = await run('dropdb', ['--if-exists', name], { cwd: ctx.worktree, env, allowFailure: true });
  if (plain.code !== 0) throw dbError(`could not drop ${name}`, plain.stderr);
}

async function copySqlite(
  config: Extract<DatabaseConfig, { kind: 'sqlite' }>,
  ctx: DatabaseContext,
): Promise<DatabaseInfo> {
  const source = path.join(ctx.repoRoot, config.path);
  const copy = path.join(ctx.worktree, config.path);
  const url = config.url.replaceAll('{path}', copy);
  const base = { kind: 'sqlite' as const, path: copy, url };
  if (existsSync(copy)) return { ...base, created: false, note: 'the task already has its copy; kept' };
  if (!existsSync(source)) {
    return {
      ...base,
      created: false,
      note: `${config.path} does not exist in the main checkout: nothing copied`,
    };
  }
  mkdirSync(path.dirname(copy), { recursive: true });
  try {
    // The online backup API gives a consistent copy even while the main checkout's app writes (WAL).
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      await db.backup(copy);
    } finally {
      db.close();
    }
  } catch {
    rmSync(copy, { force: true });
    copyFileSync(source, copy);
  }
  return { ...base, created: true };
}

async function createPostgres(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  ctx: DatabaseContext,
): Promise<DatabaseInfo> {
  const name = taskDatabaseName(config.name ?? config.template, ctx.task);
  const env = clientEnv(config, ctx);
  const url = config.url ? taskDatabaseUrl(config.url, name) : pgUrlFromEnv(env as PgEnv, name);
  const res = await run('createdb', ['-T', config.template, name], {
    cwd: ctx.worktree,
    env,
    allowFailure: true,
    timeoutMs: 5 * 60_000,
  });
  if (res.code === 0) {
    if (ctx.owner)
      await psqlMaintenance(
        env,
        ctx.worktree,
        [`marker=${ownerComment(ctx.owner, ctx.task)}`],
        `COMMENT ON DATABASE ${name} IS :'marker';`,
      );
    return { kind: 'postgres', name, url, created: true };
  }
  if (/already exists/.test(res.stderr)) {
    return { kind: 'postgres', name, url, created: false, note: `${name} already existed; kept` };
  }
  throw dbError(`could not create ${name} from template ${config.template}`, res.stderr);
}

/** SQL on the server's maintenance database; values go in as psql variables (:'name'), never spliced. */
export async function psqlMaintenance(
  env: NodeJS.ProcessEnv,
  cwd: string,
  vars: string[],
  sql: string,
): Promise<string> {
  const args = ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', ...vars.flatMap((v) => ['-v', v])];
  const res = await run('psql', [...args, '-d', 'postgres'], { cwd, env, input: sql, allowFailure: true });
  if (res.code !== 0) throw dbError('psql on the maintenance database failed', res.stderr);
  return res.stdout;
}

export function clientEnv(config: Extract<DatabaseConfig, { kind: 'postgres' }>, ctx: DatabaseContext) {
  const base = ctx.env ?? process.env;
  const picked: PgEnv = {};
  for (const k of ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD'] as const) if (base[k]) picked[k] = base[k];
  return { ...base, ...picked, ...(config.url ? pgEnvFromUrl(config.url) : {}) };
}

function dbError(what: string, stderr: string): BraidError {
  const detail = stderr.trim().split('\n').slice(-3).join('\n');
  const busy = /being accessed by other users/.test(stderr);
  return new BraidError(
    'E_DATABASE',
    `${what}: ${detail}`,
    busy
      ? 'PostgreSQL copies a template only while nobody is connected to it: close connections to the template (apps, psql) or keep a dedicated template database.'
      : 'Check that the server runs and accepts the configured user (database.url in braid.yaml, or PGHOST/PGPORT/PGUSER).',
  );
}
