import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokensEqual } from '../src/exec/token.js';
import type { Project } from '../src/project/project.js';
import { insertTask } from '../src/store/tasks.js';
import { parseCookies } from '../src/web/auth.js';
import { startWebServer, type WebServer } from '../src/web/server.js';
import { CLI } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so the test controls every header (fetch forbids setting Host). */
function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; host?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let repo: TempRepo;
let project: Project;
let server: WebServer;

beforeAll(async () => {
  repo = await tempRepo();
  project = await projectFor(repo.dir);
  const head = await repo.git('rev-parse', 'HEAD');
  insertTask(project.store, {
    name: 'alpha',
    branch: 'braid/alpha',
    worktree: `${repo.parent}/missing-alpha`,
    base: 'main',
    baseCommit: head,
    agent: 'shell',
    status: 'working',
    logPath: `${repo.parent}/alpha.log`,
  });
  writeFileSync(`${repo.parent}/alpha.log`, `${'old line\n'.repeat(20_000)}last line\n`);
  server = await startWebServer(project, { live: { pollMs: 100 } });
});

afterAll(async () => {
  await server?.close();
  project?.close();
  repo?.cleanup();
});

describe('web auth', () => {
  it('compares tokens of any length without throwing', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(parseCookies('a=1; braid_token=x%3Dy; junk')).toEqual({ a: '1', braid_token: 'x=y' });
  });

  it('refuses the page and the API without a valid token', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    for (const path of [
      '/',
      '/api/snapshot',
      '/api/events',
      '/api/tasks/alpha',
      `/?token=${server.token}x`,
    ]) {
      expect((await call(server.port, path)).status).toBe(401);
    }
    const wrongCookie = await call(server.port, '/api/snapshot', { headers: { cookie: 'braid_token=nope' } });
    expect(wrongCookie.status).toBe(401);
    expect(JSON.parse(wrongCookie.body).error.message).toMatch(/token/);
    const post = await call(server.port, '/api/tasks/alpha/rm', { method: 'POST' });
    expect(post.status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie, then accepts the cookie', async () => {
    const first = await call(server.port, `/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toContain(`braid_token=${server.token}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const cookie = { cookie: `braid_token=${server.token}` };
    const page = await call(server.port, '/', { headers: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>braid</title>');
    const snap = JSON.parse((await call(server.port, '/api/snapshot', { headers: cookie })).body);
    expect(snap.tasks.map((t: { name: string; status: string }) => [t.name, t.status])).toEqual([
      ['alpha', 'working'],
    ]);
    const bearer = await call(server.port, '/api/snapshot', {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('serves the compiled client behind the token, its own modules only', async () => {
    const cookie = { cookie: `braid_token=${server.token}` };
    expect((await call(server.port, '/client/main.js')).status).toBe(401);
    const page = await call(server.port, '/', { headers: cookie });
    // The page loads its client as a module, with the nonce its content security policy allows.
    const nonce = /script-src 'nonce-([^']+)'/.exec(String(page.headers['content-security-policy']))?.[1];
    expect(nonce).toBeTruthy();
    expect(page.body).toContain(`<script type="module" nonce="${nonce}" src="/client/main.js"></script>`);
    const main = await call(server.port, '/client/main.js', { headers: cookie });
    expect(main.status).toBe(200);
    expect(main.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(main.body).toContain("from './api.js'");
    for (const path of [
      '/client/nope.js',
      '/client/main.js.map',
      '/client/..%2Fserver.js',
      '/client/../data.js',
    ]) {
      expect((await call(server.port, path, { headers: cookie })).status, path).toBe(404);
    }
  });

  it('serves a task detail with the tail of its log, even when the worktree is gone', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    const detail = JSON.parse((await call(server.port, '/api/tasks/alpha', { headers: auth })).body);
    expect(detail.diff).toBe('');
    expect(detail.log.endsWith('old line\nlast line\n')).toBe(true);
    expect(detail.log.length).toBeLessThanOrEqual(64_000);
  });

  it('refuses foreign Host and Origin headers, and reports refused actions with their error codes', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    const rebinding = await call(server.port, '/api/snapshot', {
      headers: { ...auth, host: `evil.example:${server.port}` },
    });
    expect(rebinding.status).toBe(403);
    const crossSite = await call(server.port, '/api/land', {
      method: 'POST',
      headers: { ...auth, origin: 'http://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const stop = await call(server.port, '/api/tasks/alpha/stop', { method: 'POST', headers: auth });
    expect(stop.status).toBe(409);
    expect(JSON.parse(stop.body).error.code).toBe('E_SESSION');
    const landMissing = await call(server.port, '/api/land', {
      method: 'POST',
      headers: auth,
      body: '{"name":"nope"}',
    });
    expect(landMissing.status).toBe(404);
    const missing = await call(server.port, '/api/tasks/nope/rm', { method: 'POST', headers: auth });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('E_NO_TASK');
  });

  it('runs a landing in the background and reports it', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    const started = await call(server.port, '/api/land', { method: 'POST', headers: auth, body: '{}' });
    expect(started.status).toBe(202);
    expect(JSON.parse(started.body).result).toMatchObject({ id: 1, task: null });
    await server.landIdle();
    const job = JSON.parse((await call(server.port, '/api/land', { headers: auth })).body);
    expect(job).toMatchObject({ id: 1, state: 'done', error: null, result: { landed: [], rejected: [] } });
  });

  it('listens on 127.0.0.1 only', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // no other interface on this machine: nothing else to reach
    await expect(
      call(server.port, '/', { host: external.address, headers: { host: `127.0.0.1:${server.port}` } }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

/** A port nobody listens on right now (the kernel picks it, then it is let go). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The local addresses of the sockets listening on a TCP port, from the kernel's own tables. */
function listeningAddresses(port: number): string[] {
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6 on this host
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A: LISTEN
      const [addr, hexPort] = local.split(':');
      if (Number.parseInt(hexPort, 16) === port) out.push(addr);
    }
  }
  return out;
}

describe('braid web, the command', () => {
  it('prints a URL with its token, answers 200 with it and 401 without, on 127.0.0.1 only', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'web', '--port', String(port), '--no-open'], {
      cwd: repo.dir,
      env: { ...process.env, ...GIT_TEST_ENV, NO_COLOR: '1', BRAID_NO_SUPERVISOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString();
      });
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /braid dashboard: (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`braid web exited ${code}: ${err}`)));
      });
      const printed = new URL(url);
      expect(printed.hostname).toBe('127.0.0.1');
      expect(Number(printed.port)).toBe(port);
      const token = printed.searchParams.get('token') ?? '';
      expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);

      const withToken = await call(port, `${printed.pathname}${printed.search}`);
      expect(withToken.status).toBe(303); // the token becomes a cookie, then the page loads
      const cookie = String(withToken.headers['set-cookie']).split(';')[0];
      const page = await call(port, '/', { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>braid</title>');
      const api = await call(port, '/api/snapshot', { headers: { authorization: `Bearer ${token}` } });
      expect(api.status).toBe(200);
      expect(JSON.parse(api.body).tasks.map((t: { name: string }) => t.name)).toEqual(['alpha']);
      expect((await call(port, '/')).status).toBe(401);
      expect((await call(port, '/api/snapshot')).status).toBe(401);

      // 0100007F is 127.0.0.1 as the kernel writes it: one listener, on loopback, none on any other address.
      expect(listeningAddresses(port)).toEqual(['0100007F']);
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (external) {
        await expect(
          call(port, '/', { host: external.address, headers: { host: `127.0.0.1:${port}` } }),
        ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
