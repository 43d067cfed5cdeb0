import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../src/exec/run.js';

export interface TestPostgres {
  /** Superuser URL of the maintenance database, e.g. postgresql://postgres@127.0.0.1:PORT/postgres. */
  url: string;
  host: string;
  port: number;
  user: string;
  /** PGHOST/PGPORT/PGUSER for the client tools. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export type PostgresStart = { ok: true; pg: TestPostgres } | { ok: false; reason: string };

/** The newest installed server binaries (Debian keeps them out of PATH). */
function serverBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A throwaway PostgreSQL cluster in a temp folder, on 127.0.0.1 at a free port, trust auth.
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
 * Never throws: says why it could not start, so tests can skip with that reason.
 */
export async function startPostgres(): Promise<PostgresStart> {
  const bin = serverBinDir();
  if (!bin) return { ok: false, reason: 'PostgreSQL server binaries not found (apt-get install postgresql)' };
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'braid-pg-'));
  const data = path.join(dir, 'data');
  const as = async (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], {
          cwd: dir,
          allowFailure: true,
        })
      : run(path.join(bin, tool), args, { cwd: dir, allowFailure: true });
  try {
    if (asRoot) {
      const uid = Number((await run('id', ['-u', 'postgres'], { cwd: '/' })).stdout);
      const gid = Number((await run('id', ['-g', 'postgres'], { cwd: '/' })).stdout);
      chownSync(dir, uid, gid);
    }
    const init = await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    if (init.code !== 0) return fail(dir, `initdb failed: ${init.stderr.trim().split('\n').pop()}`);
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      appendFileSync(
        path.join(data, 'postgresql.conf'),
        `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nfsync = off\nfull_page_writes = off\nsynchronous_commit = off\nshared_buffers = 16MB\nmax_connections = 20\n`,
      );
      const start = await as('pg_ctl', [
        '-D',
        data,
        '-l',
        path.join(dir, 'server.log'),
        '-w',
        '-t',
        '30',
        'start',
      ]);
      if (start.code === 0) {
        const env = { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres' };
        return {
          ok: true,
          pg: {
            url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
            host: '127.0.0.1',
            port,
            user: 'postgres',
            env,
            async stop() {
              await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
              rmSync(dir, { recursive: true, force: true });
            },
          },
        };
      }
    }
    return fail(dir, 'pg_ctl could not start the server (see its log); ports may be taken');
  } catch (err) {
    return fail(dir, (err as Error).message);
  }
}

function fail(dir: string, reason: string): PostgresStart {
  rmSync(dir, { recursive: true, force: true });
  return { ok: false, reason };
}
