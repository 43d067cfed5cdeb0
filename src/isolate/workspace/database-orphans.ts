import { taskDatabaseName } from '../../core/database-name.js';
import { clientEnv, type DatabaseConfig, dropDatabase, psqlMaintenance } from './database.js';

const MARKED = /^braid task (\S+) of (.+)$/;

/**
 * Drops the postgres databases braid created for this repository's tasks that no longer exist.
 * Only databases carrying braid's owner comment for this very repository count: never the user's own.
 */
export async function dropOrphanDatabases(
  config: DatabaseConfig,
  opts: { owner: string; cwd: string; liveTasks: ReadonlySet<string>; env?: NodeJS.ProcessEnv },
): Promise<string[]> {
  if (config.kind !== 'postgres') return [];
  const env = clientEnv(config, { task: '', repoRoot: opts.cwd, worktree: opts.cwd, env: opts.env });
  const rows = await psqlMaintenance(
    env,
    opts.cwd,
    [],
    "SELECT datname || '|' || shobj_description(oid, 'pg_database') FROM pg_database WHERE shobj_description(oid, 'pg_database') LIKE 'braid task %';",
  );
  const dropped: string[] = [];
  for (const line of rows.split('\n').filter(Boolean)) {
    const [name, ...rest] = line.split('|');
    const m = MARKED.exec(rest.join('|'));
    if (!m || m[2] !== opts.owner || opts.liveTasks.has(m[1])) continue;
    // The name must be the one braid gives that task: a renamed or foreign database is left alone.
    if (name !== taskDatabaseName(config.name ?? config.template, m[1])) continue;
    await dropDatabase(config, { task: m[1], repoRoot: opts.cwd, worktree: opts.cwd, env: opts.env });
    dropped.push(name);
  }
  return dropped;
}
