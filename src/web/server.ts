/** `braid web`'s HTTP server: token-guarded JSON API, server-sent events and the dashboard page, on 127.0.0.1. */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BraidError, type ErrorCode } from '../core/errors.js';
import { newToken } from '../exec/token.js';
import { landTaskNames, removeTaskAction, requireTask, stopTask } from '../orchestrate/actions.js';
import type { Project } from '../project/project.js';
import { taskDetail } from '../view/task-detail.js';
import { authorize, hostAllowed, originAllowed, sessionCookie } from './auth.js';
import { clientModule } from './client-files.js';
import { LandJobs, type LandRunner } from './land-job.js';
import { LiveFeed, type LiveFeedOptions } from './live.js';
import { CLIENT_PATH, dashboardPage } from './page.js';
import type { ApiError, ApiGet, ApiOk, ApiPost, DashboardEvents } from './protocol.js';

/** What the dashboard's buttons do; defaults are braid's own stop, land and rm (tests may swap them). */
interface WebActions {
  stop?: (name: string) => Promise<unknown>;
  /** Lands one task, or processes the queue when name is null; runs in the background. */
  land?: LandRunner;
  remove?: (name: string, options: { force: boolean }) => Promise<unknown>;
}

export interface WebServerOptions {
  /** 0 (the default) lets the system choose a free port. */
  port?: number;
  actions?: WebActions;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  live?: LiveFeedOptions;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  /** Whether a landing started from the dashboard is running. */
  landRunning(): boolean;
  /** Resolves once no landing started from the dashboard is running. */
  landIdle(): Promise<void>;
  close(): Promise<void>;
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  E_NO_TASK: 404,
  E_UNLANDED_WORK: 409,
  E_LOCKED: 409,
  E_CONFLICT: 409,
  E_DIRTY_WORKTREE: 409,
  E_SESSION: 409,
  E_USAGE: 400,
  E_BAD_NAME: 400,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** A GET route's answer, typed by the wire contract the client reads (protocol.ts). */
function sendGet<K extends keyof ApiGet>(res: ServerResponse, _route: K, body: ApiGet[K]): void {
  sendJson(res, 200, body);
}

/** A POST route's answer, typed by the wire contract. */
function sendOk<K extends keyof ApiPost>(
  res: ServerResponse,
  status: number,
  _route: K,
  result: ApiPost[K]['result'],
): void {
  sendJson(res, status, { ok: true, result } satisfies ApiOk<ApiPost[K]['result']>);
}

/** One server-sent event, typed by the wire contract. */
function sendEvent<K extends keyof DashboardEvents>(
  res: ServerResponse,
  name: K,
  data: DashboardEvents[K],
): void {
  res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: { message: err.message } } satisfies ApiError);
  } else if (err instanceof BraidError) {
    const body: ApiError = { error: { code: err.code, message: err.message, hint: err.hint ?? null } };
    sendJson(res, STATUS_BY_CODE[err.code] ?? 500, body);
  } else {
    sendJson(res, 500, { error: { message: (err as Error).message ?? String(err) } } satisfies ApiError);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64_000) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

/** Stops the task's agent session (the worktree stays), as `braid stop` does. */
async function stopFromDashboard(project: Project, name: string): Promise<{ name: string; status: string }> {
  const after = await stopTask(project, name);
  return { name, status: after.status };
}

function landWith(project: Project): LandRunner {
  return (name, onProgress) => landTaskNames(project, name === null ? [] : [name], { onProgress });
}

export async function startWebServer(project: Project, options: WebServerOptions = {}): Promise<WebServer> {
  const token = options.token ?? newToken();
  const feed = new LiveFeed(project, options.live);
  const actions: Required<WebActions> = {
    stop: options.actions?.stop ?? ((name) => stopFromDashboard(project, name)),
    land: options.actions?.land ?? landWith(project),
    remove: options.actions?.remove ?? ((name, o) => removeTaskAction(project, name, { force: o.force })),
  };
  const landJobs = new LandJobs(actions.land);
  // A landing moves the queue and the tasks: push fresh state as it goes, not only at the next refresh.
  landJobs.subscribe(() => feed.poke());
  const streams = new Set<ServerResponse>();
  let port = 0;

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const send = (p: DashboardEvents['snapshot']) => sendEvent(res, 'snapshot', p);
    const sendLand = (job: DashboardEvents['land']) => sendEvent(res, 'land', job);
    // The union's new events as they are recorded (kind, task, data), beside the snapshots.
    const sendEvents = (batch: DashboardEvents['events']) => sendEvent(res, 'events', batch);
    streams.add(res);
    const unsubscribe = feed.subscribe(send);
    const unsubscribeEvents = feed.subscribeEvents(sendEvents);
    const unsubscribeLand = landJobs.subscribe(sendLand);
    const last = landJobs.latest();
    if (last) sendLand(last);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    feed.current().then(send, () => {});
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      unsubscribeEvents();
      unsubscribeLand();
      streams.delete(res);
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && url.pathname === '/') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
        'referrer-policy': 'no-referrer',
      });
      res.end(dashboardPage(nonce));
      return;
    }
    if (method === 'GET' && url.pathname.startsWith(CLIENT_PATH)) {
      // The page's own code, the same for everyone: no data in it.
      const code = clientModule(url.pathname.slice(CLIENT_PATH.length));
      if (code === null) throw new HttpError(404, 'not found (is the client built? npm run build)');
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(code);
      return;
    }
    if (method === 'GET' && url.pathname === '/api/snapshot')
      return sendGet(res, '/api/snapshot', await feed.current());
    if (method === 'GET' && url.pathname === '/api/events') return events(req, res);
    if (method === 'GET' && url.pathname === '/api/land') return sendGet(res, '/api/land', landJobs.latest());
    if (parts[0] === 'api' && parts[1] === 'tasks' && parts.length === 3 && method === 'GET') {
      const detail = await taskDetail(project, parts[2]);
      if (!detail) throw new BraidError('E_NO_TASK', `no task named '${parts[2]}'`);
      return sendGet(res, '/api/tasks/<name>', detail);
    }
    if (method === 'POST') {
      const body = await readJson(req);
      let result: unknown;
      if (parts[0] === 'api' && parts[1] === 'tasks' && parts.length === 4 && parts[3] === 'stop') {
        result = await actions.stop(parts[2]);
      } else if (parts[0] === 'api' && parts[1] === 'tasks' && parts.length === 4 && parts[3] === 'rm') {
        result = await actions.remove(parts[2], { force: body.force === true });
      } else if (url.pathname === '/api/land') {
        const name = typeof body.name === 'string' ? body.name : null;
        if (name !== null) requireTask(project, name);
        return sendOk(res, 202, '/api/land', landJobs.start(name));
      } else {
        throw new HttpError(404, 'not found');
      }
      feed.poke();
      return sendJson(res, 200, { ok: true, result: result ?? null } satisfies ApiOk<unknown>);
    }
    throw new HttpError(404, 'not found');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    if (!hostAllowed(req, port)) throw new HttpError(403, 'unexpected Host header');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const auth = authorize(req, url, token);
    if (auth === 'denied') {
      if (url.pathname.startsWith('/api/'))
        return sendJson(res, 401, { error: { message: 'missing or wrong token' } });
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('401: open the URL printed by `braid web` (it carries the access token).\n');
      return;
    }
    if (auth === 'via-query') {
      res.setHeader('set-cookie', sessionCookie(token));
      if (req.method === 'GET' && url.pathname === '/') {
        // Keep the token out of the address bar and history: the cookie carries it from here on.
        res.writeHead(303, { location: '/' });
        res.end();
        return;
      }
    }
    if (req.method === 'POST' && !originAllowed(req, port))
      throw new HttpError(403, 'cross-origin request refused');
    await route(req, res, url);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, err);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new BraidError(
              'E_USAGE',
              `port ${options.port} is already in use`,
              'Pick another with --port, or omit it.',
            )
          : err,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    landRunning: () => landJobs.latest()?.state === 'running',
    landIdle: () => landJobs.idle(),
    close: () =>
      new Promise<void>((resolve) => {
        feed.stop();
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
