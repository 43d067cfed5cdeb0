/** PostgreSQL truncates identifiers at 63 bytes; longer names would silently collide. */
const MAX_IDENTIFIER = 63;

/** The per-task database name `<prefix>_<task>`: lowercase, [a-z0-9_] only, ≤ 63 bytes, never quoted. */
export function taskDatabaseName(prefix: string, task: string): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/_+/g, '_')
      .replace(/^_|_$/g, '');
  const head = clean(prefix) || 'braid';
  const tail = clean(task) || 'task';
  const name = `${/^[a-z_]/.test(head) ? head : `db_${head}`}_${tail}`;
  if (name.length <= MAX_IDENTIFIER) return name;
  // Keep the task part whole (it is what makes the name unique), trim the prefix.
  const room = Math.max(1, MAX_IDENTIFIER - tail.length - 1);
  return `${name.slice(0, room)}_${tail}`.slice(0, MAX_IDENTIFIER);
}

/** The task's connection URL: `{db}` in the template is replaced, or else the URL's path is. */
export function taskDatabaseUrl(urlTemplate: string, database: string): string {
  if (urlTemplate.includes('{db}')) return urlTemplate.replaceAll('{db}', database);
  const url = new URL(urlTemplate);
  url.pathname = `/${database}`;
  return url.toString();
}

export type PgEnv = Partial<Record<'PGHOST' | 'PGPORT' | 'PGUSER' | 'PGPASSWORD', string>>;

/** libpq variables for the client tools (createdb, dropdb) from a server URL with `{db}` in it. */
export function pgEnvFromUrl(urlTemplate: string): PgEnv {
  const url = new URL(urlTemplate.replaceAll('{db}', 'postgres'));
  const env: PgEnv = {};
  const host = url.searchParams.get('host') ?? decodeURIComponent(url.hostname);
  if (host) env.PGHOST = host.replace(/^\[|\]$/g, '');
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  return env;
}

/** A task's URL when the config names no server: the libpq variables the tools used, spelled as a URL. */
export function pgUrlFromEnv(env: PgEnv, database: string): string {
  const host = env.PGHOST || 'localhost';
  const user = env.PGUSER ? encodeURIComponent(env.PGUSER) : '';
  const pass = env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : '';
  const auth = user ? `${user}${pass}@` : '';
  const port = env.PGPORT ? `:${env.PGPORT}` : '';
  // A socket folder cannot sit in the authority part; libpq reads it from ?host=.
  if (host.startsWith('/')) {
    return `postgresql://${auth}${port ? `localhost${port}` : ''}/${database}?host=${encodeURIComponent(host)}`;
  }
  const h = host.includes(':') ? `[${host}]` : host;
  return `postgresql://${auth}${h}${port}/${database}`;
}
