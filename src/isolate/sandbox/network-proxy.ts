import { rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { isHostAllowed, parseConnectTarget } from '../../core/host-allow.js';

/** Folder name prefix of a session's private proxy socket folder (see sandboxArgv). */
export const PROXY_DIR_PREFIX = 'braid-proxy-';

export interface NetworkProxyOptions {
  /** Domains let through; see isHostAllowed for the pattern rules. */
  allow: string[];
  /** Listen on this unix socket (bound into a sandbox); otherwise on 127.0.0.1 at a free port. */
  socketPath?: string;
  /** Host → address to connect to instead of resolving it (tests map names to 127.0.0.1). */
  resolve?: Record<string, string>;
  /** Called for each refused host, e.g. to log what an agent tried to reach. */
  onBlocked?: (host: string) => void;
}

export interface NetworkProxy {
  socketPath?: string;
  port?: number;
  close(): Promise<void>;
}

const refusal = (host: string) =>
  `braid: ${host} is not on this sandbox's network allow-list (sandbox.network in braid.yaml)\n`;

/**
 * A small HTTP proxy that only reaches allowed domains: CONNECT tunnels (HTTPS, any TCP) and
 * plain absolute-URL HTTP requests. Names are resolved here, outside the sandbox, so the
 * sandbox needs no DNS.
 */
export async function startNetworkProxy(options: NetworkProxyOptions): Promise<NetworkProxy> {
  const sockets = new Set<net.Socket>();
  const target = (host: string) => options.resolve?.[host.toLowerCase()] ?? host;
  const blocked = (host: string) => {
    if (isHostAllowed(host, options.allow)) return false;
    options.onBlocked?.(host);
    return true;
  };

  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('braid: proxy requests need an absolute URL\n');
      return;
    }
    if (url.protocol !== 'http:') {
      res.writeHead(400).end('braid: use CONNECT for anything but http://\n');
      return;
    }
    if (blocked(url.hostname)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(refusal(url.hostname));
      return;
    }
    const upstream = http.request(
      {
        host: target(url.hostname),
        port: url.port || 80,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: { ...req.headers, host: url.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502).end(`braid: ${url.hostname}: ${e.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const dest = parseConnectTarget(req.url ?? '');
    if (!dest) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    if (blocked(dest.host)) {
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${refusal(dest.host)}`);
      return;
    }
    const upstream = net.connect(dest.port, target(dest.host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', (e) => client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\nbraid: ${e.message}\n`));
    client.on('error', () => upstream.destroy());
  });

  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (options.socketPath) server.listen(options.socketPath, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    socketPath: options.socketPath,
    port: typeof address === 'object' && address ? address.port : undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          if (options.socketPath) rmSync(options.socketPath, { force: true });
          resolve();
        });
      }),
  };
}
