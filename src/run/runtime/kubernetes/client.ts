/**
 * A small Kubernetes API client on node:http(s): JSON requests, watches (one long response, one event a line)
 * and log streams. The kubeconfig's server, CA, token or client certificate; no plugins (docs/design.md).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { parse as parseYaml } from 'yaml';
import { BraidError } from '../../../core/errors.js';
import { type KubeTarget, kubeconfigPaths, kubeTarget, type Secretish } from '../../../core/kubeconfig.js';

/** A plain request ends well before this; watches and log streams have none. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Kubernetes' exec channels: the first byte of every WebSocket message. */
const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, close: 255 } as const;
/** v5 can close stdin (channel 255); v4 cannot, but every server since 1.4 speaks it. */
const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The exit code in the error channel's Status: Success is 0, NonZeroExitCode carries the code. */
function execExitCode(status: string): number {
  const s = JSON.parse(status) as {
    status?: string;
    message?: string;
    details?: { causes?: Array<{ reason?: string; message?: string }> };
  };
  if (s.status === 'Success') return 0;
  const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (cause?.message) return Number(cause.message);
  throw new BraidError('E_BACKEND', `exec failed: ${s.message ?? status}`);
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

function read(s: Secretish | undefined, base64: boolean): Buffer | undefined {
  if (!s) return undefined;
  if ('file' in s) return readFileSync(s.file);
  return base64 ? Buffer.from(s.data, 'base64') : Buffer.from(s.data);
}

/** The target of `context` (else the current one) in the first kubeconfig file that has it. */
export function loadKubeTarget(context?: string, env: NodeJS.ProcessEnv = process.env): KubeTarget {
  const files = kubeconfigPaths(env.KUBECONFIG, env.HOME ?? homedir());
  let last: unknown;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      last = err;
      continue;
    }
    try {
      return kubeTarget(doc, path.dirname(file), context);
    } catch (err) {
      last = err;
    }
  }
  if (last instanceof BraidError) throw last;
  throw new BraidError(
    'E_BACKEND',
    `no kubeconfig found (${files.join(', ')})`,
    'Point KUBECONFIG at your cluster’s kubeconfig (kind and k3d write one; docs/backends.md).',
  );
}

class KubeApiError extends BraidError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('E_BACKEND', message, 'Check the cluster with kubectl, and kubernetes: in braid.yaml.');
  }
}

/** The server closed a watch (API servers end them after a while): the caller watches again. */
export class WatchEndedError extends BraidError {
  constructor(apiPath: string) {
    super('E_BACKEND', `the watch of ${apiPath} ended before what braid waited for`);
  }
}

export class KubeClient {
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  private readonly url: URL;
  private readonly tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };

  constructor(readonly target: KubeTarget) {
    this.url = new URL(target.server);
    const token = read(target.token, false)?.toString('utf8').trim();
    this.headers = token ? { authorization: `Bearer ${token}` } : {};
    this.tls = {
      ca: read(target.ca, true),
      cert: read(target.cert, true),
      key: read(target.key, true),
      rejectUnauthorized: !target.insecure,
    };
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ...this.tls })
        : new http.Agent({ keepAlive: true });
  }

  /** One streaming request: the response once its status is known (an error status is thrown with its body). */
  private open(
    method: string,
    apiPath: string,
    body?: unknown,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<http.IncomingMessage> {
    const lib = this.url.protocol === 'https:' ? https : http;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = lib.request(
        new URL(apiPath, this.url),
        {
          method,
          agent: this.agent,
          signal: opts.signal,
          headers: {
            ...this.headers,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status < 400) return resolve(res);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let message = text.trim();
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? message;
            } catch {}
            reject(new KubeApiError(status, `${method} ${apiPath}: HTTP ${status} ${message}`.trim()));
          });
        },
      );
      if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('timed out')));
      req.on('error', (err) =>
        reject(
          err instanceof BraidError
            ? err
            : new BraidError(
                'E_BACKEND',
                `cannot reach the Kubernetes API at ${this.target.server}: ${err.message}`,
                `Check that the cluster of context '${this.target.context}' is up (kubectl cluster-info).`,
              ),
        ),
      );
      req.end(payload);
    });
  }

  /** A JSON request and its JSON answer. */
  async request<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
    const res = await this.open(method, apiPath, body, { timeoutMs: REQUEST_TIMEOUT_MS });
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** GET, or null when the object is not there (404). */
  async get<T>(apiPath: string): Promise<T | null> {
    try {
      return await this.request<T>('GET', apiPath);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** DELETE; an object already gone is fine. */
  async remove(apiPath: string): Promise<void> {
    try {
      await this.request('DELETE', apiPath);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
    }
  }

  /**
   * Watches a collection (`?watch=1`) until `until` returns a value for an event, and returns it: no polling,
   * the server sends each change as one line. Aborts the stream when done.
   */
  async watch<T, R>(
    apiPath: string,
    until: (event: WatchEvent<T>) => R | undefined,
    signal?: AbortSignal,
  ): Promise<R> {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const sep = apiPath.includes('?') ? '&' : '?';
    try {
      const res = await this.open('GET', `${apiPath}${sep}watch=1`, undefined, { signal: ctl.signal });
      let buffered = '';
      for await (const chunk of res) {
        buffered += (chunk as Buffer).toString('utf8');
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf('\n');
          if (!line) continue;
          const event = JSON.parse(line) as WatchEvent<T>;
          if (event.type === 'ERROR')
            throw new KubeApiError(500, `watch ${apiPath}: ${JSON.stringify(event.object)}`);
          const done = until(event);
          if (done !== undefined) return done;
        }
      }
      throw new WatchEndedError(apiPath);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      ctl.abort();
    }
  }

  /** A log stream (`follow` keeps it open while the container runs). */
  logStream(apiPath: string, signal?: AbortSignal): Promise<http.IncomingMessage> {
    return this.open('GET', apiPath, undefined, { signal });
  }

  /**
   * Runs `command` in a pod's container over a WebSocket (the exec subresource): `stdin` is sent and then
   * closed (v5), stdout and stderr are collected, the exit code comes from the error channel's Status.
   */
  exec(apiPath: string, command: string[], stdin?: string): Promise<ExecResult> {
    const query = new URLSearchParams();
    for (const part of command) query.append('command', part);
    query.set('stdout', 'true');
    query.set('stderr', 'true');
    if (stdin !== undefined) query.set('stdin', 'true');
    const url = new URL(`${apiPath}${apiPath.includes('?') ? '&' : '?'}${query}`, this.url);
    url.protocol = this.url.protocol === 'https:' ? 'wss:' : 'ws:';
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, EXEC_PROTOCOLS, { headers: this.headers, ...this.tls });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let status = '';
      ws.on('open', () => {
        if (stdin === undefined) return;
        ws.send(Buffer.concat([Buffer.from([CHANNEL.stdin]), Buffer.from(stdin)]));
        if (ws.protocol.startsWith('v5.')) ws.send(Buffer.from([CHANNEL.close, CHANNEL.stdin]));
      });
      ws.on('message', (data: Buffer) => {
        const body = data.subarray(1);
        if (data[0] === CHANNEL.stdout) out.push(body);
        else if (data[0] === CHANNEL.stderr) err.push(body);
        else if (data[0] === CHANNEL.error) status += body.toString('utf8');
      });
      ws.on('unexpected-response', (_req, res) =>
        reject(new KubeApiError(res.statusCode ?? 0, `exec ${apiPath}: HTTP ${res.statusCode}`)),
      );
      ws.on('error', (e) => reject(new BraidError('E_BACKEND', `exec ${apiPath}: ${e.message}`)));
      ws.on('close', () => {
        try {
          const exitCode = status ? execExitCode(status) : 0;
          resolve({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            exitCode,
          });
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
