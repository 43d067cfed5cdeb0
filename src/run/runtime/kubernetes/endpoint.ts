/**
 * braid's endpoint for pods: each task's bundle in (GET), its work back (POST), its hook events, each
 * behind the task's own bearer token. Listens on 127.0.0.1 unless told otherwise (docs/backends.md).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newToken, tokensEqual } from '../../../exec/token.js';
import { createBranchBundle, receiveBundle } from '../../../git/bundle.js';

/** A pod's hook event or bundle is small; more is refused. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export interface EndpointTask {
  task: string;
  token: string;
  /** The task's worktree on this machine: bundles are made and received there. */
  worktree: string;
  branch: string;
}

export interface EndpointEvents {
  /**
   * A hook event from a pod (Claude Code's hook JSON), as `braid hook <event>` gets it locally; what it
   * returns (hook JSON for the agent) is the answer's body, printed by the pod's hook command.
   */
  onHook?: (task: string, event: string, payload: unknown) => Promise<string | null>;
  /** The pod's work arrived and is on the task's branch (or only in incoming, when not a fast-forward). */
  onCollected?: (task: string, result: { incoming: string; fastForward: boolean }) => void;
}

/** A new per-task token. */
export const newTaskToken = newToken;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class KubeEndpoint {
  private readonly tasks = new Map<string, EndpointTask>();
  private server: http.Server | null = null;
  private base = '';

  constructor(private readonly events: EndpointEvents = {}) {}

  register(task: EndpointTask): void {
    this.tasks.set(task.task, task);
  }

  unregister(task: string): void {
    this.tasks.delete(task);
  }

  /** The URL a pod of `task` is given (its own path under the endpoint). */
  urlFor(task: string, publicUrl?: string): string {
    return `${(publicUrl ?? this.base).replace(/\/+$/, '')}/k/${encodeURIComponent(task)}`;
  }

  async listen(host = '127.0.0.1', port = 0): Promise<string> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${err.message}\n`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const addr = server.address() as { address: string; port: number };
    const shown = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
    this.base = `http://${shown}:${addr.port}`;
    return this.base;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://endpoint');
    const m = /^\/k\/([^/]+)\/(bundle|hook\/([A-Za-z]+))$/.exec(url.pathname);
    const task = m ? this.tasks.get(decodeURIComponent(m[1])) : undefined;
    const auth = req.headers.authorization ?? '';
    if (!m || !task) return void res.writeHead(404).end();
    if (!auth.startsWith('Bearer ') || !tokensEqual(auth.slice(7), task.token))
      return void res.writeHead(401).end();
    if (m[2] === 'bundle' && req.method === 'GET') return this.sendBundle(task, res);
    if (m[2] === 'bundle' && req.method === 'POST') return this.takeBundle(task, req, res);
    if (m[3] && req.method === 'POST') {
      const body = (await readBody(req)).toString('utf8');
      const answer = await this.events.onHook?.(task.task, m[3], body ? JSON.parse(body) : {});
      if (!answer) return void res.writeHead(204).end();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    }
    res.writeHead(405).end();
  }

  private async sendBundle(task: EndpointTask, res: http.ServerResponse): Promise<void> {
    const dir = mkdtempSync(path.join(tmpdir(), 'braid-bundle-'));
    try {
      const file = path.join(dir, 'repo.bundle');
      await createBranchBundle(task.worktree, file, task.branch);
      const data = readFileSync(file);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
      res.end(data);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async takeBundle(
    task: EndpointTask,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const dir = mkdtempSync(path.join(tmpdir(), 'braid-bundle-'));
    try {
      const file = path.join(dir, 'work.bundle');
      writeFileSync(file, await readBody(req));
      const result = await receiveBundle(task.worktree, file, task.branch, task.task);
      this.events.onCollected?.(task.task, result);
      res.writeHead(result.fastForward ? 204 : 409).end();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
