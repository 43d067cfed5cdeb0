/**
 * A Kubernetes API server double speaking the real wire protocol for what braid uses: pods (create, get, list
 * by label, delete, watch), their logs (tail, follow, sinceTime) and network policies (create, delete, list). A "pod" is
 * real processes whose image is this host: each container runs under bubblewrap with the pod's emptyDir
 * bound at /work, init containers first, with only the pod's environment (and the host's PATH, its "image").
 * Exec is a WebSocket on the exec subresource (v5.channel.k8s.io, else v4), running the command the same way.
 * A container with `tty: true` (and an exec with `tty=true`, as `kubectl exec -it` asks) runs on a real
 * pseudo-terminal the double owns (util-linux `script`), its stdin kept open as the API's `stdin: true` does;
 * an exec's resize messages (channel 4) set that terminal's size. Each pod's tmux sockets are its own
 * (TMUX_TMPDIR in the pod's folder), as a container's /tmp would be.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { WebSocketServer } from 'ws';

interface Container {
  name: string;
  command: string[];
  workingDir?: string;
  tty?: boolean;
  stdin?: boolean;
  env?: Array<{ name: string; value: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface Pod {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
  };
  spec: { initContainers?: Container[]; containers: Container[] };
  status: Record<string, unknown>;
}
interface Running {
  pod: Pod;
  dir: string;
  child: ChildProcess | null;
  deleted: boolean;
  logs: Map<string, ContainerLog>;
}
/** A container's output, each chunk with when it came (sinceTime reads from a time on). */
interface ContainerLog {
  chunks: Array<{ at: number; text: string }>;
  ended: boolean;
  followers: Set<http.ServerResponse>;
}
interface Watcher {
  ns: string;
  labels: Record<string, string>;
  name?: string;
  res: http.ServerResponse;
}

interface ExecRecord {
  pod: string;
  container: string;
  command: string[];
  tty: boolean;
  stdin: boolean;
  resized: Array<{ Width: number; Height: number }>;
}

export interface KubeDouble {
  url: string;
  kubeconfig: string;
  /** Pods by name, as the double holds them (deleted ones are gone). */
  pods(): Pod[];
  policies(): Array<{ metadata: { name: string; labels?: Record<string, string> }; spec: unknown }>;
  /** Every exec the double ran, as asked: a terminal or not, and the sizes its resize channel set. */
  execs(): ExecRecord[];
  close(): Promise<void>;
}

/** What runs a pod's containers: the host as the image, the emptyDir bound in. */
const POD_RUNTIME = 'bwrap';
/** What gives a `tty: true` container (or a tty exec) its terminal: a pty whose output is script's stdout. */
const PTY_RUNTIME = 'script';
/** What makes the double's certificate. */
const CERT_TOOL = 'openssl';

/** One argument for `sh -c`, quoted (script takes the command as a shell string). */
const shellQuote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** The core group's resources the double serves. */
const DISCOVERY_V1 = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    {
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      shortNames: ['po'],
      verbs: ['create', 'delete', 'get', 'list', 'watch'],
    },
    {
      name: 'pods/exec',
      singularName: '',
      namespaced: true,
      kind: 'PodExecOptions',
      verbs: ['create', 'get'],
    },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
  ],
};
const status = (res: http.ServerResponse, code: number, message: string) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }));
};
const json = (res: http.ServerResponse, body: unknown, code = 200) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const parseSelector = (text: string | null): Record<string, string> =>
  Object.fromEntries(
    (text ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]),
  );
const matches = (pod: Pod, labels: Record<string, string>) =>
  Object.entries(labels).every(([k, v]) => pod.metadata.labels?.[k] === v);

/**
 * A self-signed certificate for 127.0.0.1 (kubectl sends credentials only over TLS): the key, and the
 * certificate, which the kubeconfig names as the cluster's CA.
 */
function selfSigned(dir: string): { key: Buffer; cert: Buffer } {
  const key = path.join(dir, 'double.key');
  const cert = path.join(dir, 'double.crt');
  execFileSync(
    CERT_TOOL,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/**
 * The double on 127.0.0.1. With `tls`, it serves HTTPS with a certificate of its own (in the kubeconfig as the
 * CA): what kubectl needs to send the token at all (client-go drops credentials over plain HTTP).
 */
export async function startKubeDouble(dir: string, opts: { tls?: boolean } = {}): Promise<KubeDouble> {
  const token = 'double-token';
  const pods = new Map<string, Running>();
  const policies = new Map<string, { metadata: { name: string }; spec: unknown }>();
  const watchers = new Set<Watcher>();
  let version = 1;
  const execs: ExecRecord[] = [];

  const notify = (type: 'ADDED' | 'MODIFIED' | 'DELETED', r: Running) => {
    r.pod.metadata.resourceVersion = String(++version);
    for (const w of watchers) {
      if (w.ns !== r.pod.metadata.namespace || !matches(r.pod, w.labels)) continue;
      if (w.name && w.name !== r.pod.metadata.name) continue;
      w.res.write(`${JSON.stringify({ type, object: r.pod })}\n`);
    }
  };
  const containerStatus = (name: string, state: Record<string, unknown>) => ({ name, state, ready: false });

  /** Runs the containers one after the other: an init container that fails ends the pod. */
  const runPod = (r: Running) => {
    const init = r.pod.spec.initContainers ?? [];
    const steps = [
      ...init.map((c) => ({ c, init: true })),
      ...r.pod.spec.containers.map((c) => ({ c, init: false })),
    ];
    const next = (i: number) => {
      if (r.deleted || i >= steps.length) return;
      const { c, init: isInit } = steps[i];
      const log: ContainerLog = { chunks: [], ended: false, followers: new Set<http.ServerResponse>() };
      r.logs.set(c.name, log);
      const child = inContainer(r, c, c.command, c.tty ? { ttyFile: path.join(r.dir, `${c.name}.tty`) } : {});
      r.child = child;
      const out = (chunk: Buffer) => {
        log.chunks.push({ at: Date.now(), text: chunk.toString('utf8') });
        for (const f of log.followers) f.write(chunk);
      };
      child.stdout?.on('data', out);
      child.stderr?.on('data', out);
      if (!isInit) {
        r.pod.status = {
          phase: 'Running',
          containerStatuses: [containerStatus(c.name, { running: { startedAt: new Date().toISOString() } })],
        };
        notify('MODIFIED', r);
      }
      child.on('close', (code, signal) => {
        if (c.tty) endPodTmuxTracked(r);
        log.ended = true;
        for (const f of log.followers) f.end();
        log.followers.clear();
        if (r.deleted) return;
        const exitCode = code ?? (signal ? 137 : 1);
        const terminated = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } };
        if (isInit) {
          const statuses = [
            ...((r.pod.status.initContainerStatuses as unknown[]) ?? []),
            containerStatus(c.name, terminated),
          ];
          r.pod.status = { ...r.pod.status, initContainerStatuses: statuses };
          if (exitCode !== 0) {
            r.pod.status.phase = 'Failed';
            notify('MODIFIED', r);
            return;
          }
          notify('MODIFIED', r);
          return next(i + 1);
        }
        r.pod.status = {
          ...r.pod.status,
          phase: exitCode === 0 ? 'Succeeded' : 'Failed',
          containerStatuses: [containerStatus(c.name, terminated)],
        };
        notify('MODIFIED', r);
      });
    };
    next(0);
  };

  /**
   * One process in a pod's container: the host's root, the pod's emptyDir, the container's environment. With
   * `ttyFile`, it runs on a pseudo-terminal (whose device path is written there, for resizes) and its stdin is
   * a pipe kept open; without, stdin is a pipe only when `stdin` asks for one.
   */
  const inContainer = (
    r: Running,
    c: Container,
    command: string[],
    opts: { ttyFile?: string; stdin?: boolean },
  ) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: path.join(r.dir, 'home'),
      TMUX_TMPDIR: path.join(r.dir, 'tmp'),
    };
    for (const e of c.env ?? []) env[e.name] = e.value;
    const mountPath = c.volumeMounts?.[0]?.mountPath ?? '/work';
    const argv = ['--dev-bind', '/', '/', '--bind', path.join(r.dir, 'work'), mountPath];
    argv.push('--chdir', c.workingDir ?? '/', '--die-with-parent', '--');
    if (opts.ttyFile) {
      const line = `tty > ${shellQuote(opts.ttyFile)}; exec ${command.map(shellQuote).join(' ')}`;
      argv.push(PTY_RUNTIME, '-qfec', line, '/dev/null');
    } else argv.push(...command);
    const stdin = opts.ttyFile || opts.stdin ? 'pipe' : 'ignore';
    return spawn(POD_RUNTIME, argv, { env, detached: true, stdio: [stdin, 'pipe', 'pipe'] });
  };

  /**
   * A pod's tmux server outlives the container's first process (it is a daemon), and its panes' processes
   * outlive the server (braid's recorder ignores SIGHUP): each pane's group is killed, then the server.
   */
  const endPodTmux = async (r: Running) => {
    const env = { ...process.env, TMUX_TMPDIR: path.join(r.dir, 'tmp') };
    const tmux = (args: string[]) =>
      new Promise<string>((resolve) =>
        execFile('tmux', ['-L', 'braid', ...args], { env }, (_err, stdout) => resolve(String(stdout ?? ''))),
      );
    const panes = await tmux(['list-panes', '-a', '-F', '#{pane_pid}']);
    for (const pid of panes
      .split('\n')
      .map(Number)
      .filter((n) => n > 0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
    await tmux(['kill-server']);
  };
  const tmuxEnds = new Set<Promise<void>>();
  const endPodTmuxTracked = (r: Running) => {
    const p = endPodTmux(r).finally(() => tmuxEnds.delete(p));
    tmuxEnds.add(p);
  };

  const kill = (r: Running) => {
    r.deleted = true;
    endPodTmuxTracked(r);
    const pid = r.child?.pid;
    if (pid && r.child?.exitCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
  };

  const tls = opts.tls ? selfSigned(dir) : undefined;
  const handler: http.RequestListener = (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return status(res, 401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://double');
    if (url.pathname === '/version')
      return json(res, { major: '1', minor: '31', gitVersion: 'v1.31.0-double' });
    // Discovery, as kubectl reads it before an exec (the legacy, unaggregated form).
    if (url.pathname === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'] });
    if (url.pathname === '/apis') return json(res, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (url.pathname === '/api/v1') return json(res, DISCOVERY_V1);
    const podRoute = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?(\/log)?$/.exec(url.pathname);
    const policyRoute =
      /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/networkpolicies(?:\/([^/]+))?$/.exec(
        url.pathname,
      );
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      if (policyRoute) {
        const [, , name] = policyRoute;
        if (req.method === 'POST') {
          if (policies.has(body.metadata.name)) return status(res, 409, 'AlreadyExists');
          policies.set(body.metadata.name, body);
          return json(res, body, 201);
        }
        if (req.method === 'DELETE' && name) {
          const had = policies.delete(decodeURIComponent(name));
          return had
            ? json(res, { kind: 'Status', status: 'Success' })
            : status(res, 404, `networkpolicies "${name}" not found`);
        }
        if (req.method === 'GET' && !name)
          return json(res, { kind: 'NetworkPolicyList', items: [...policies.values()] });
        return status(res, 405, 'MethodNotAllowed');
      }
      if (!podRoute) return status(res, 404, `the double does not serve ${url.pathname}`);
      const [, ns, rawName, log] = podRoute;
      const name = rawName && decodeURIComponent(rawName);
      const key = `${ns}/${name}`;
      if (req.method === 'POST' && !name) {
        const k = `${ns}/${body.metadata.name}`;
        if (pods.has(k)) return status(res, 409, `pods "${body.metadata.name}" already exists`);
        const podDir = mkdtempSync(path.join(dir, 'pod-'));
        mkdirSync(path.join(podDir, 'work'));
        mkdirSync(path.join(podDir, 'home'));
        mkdirSync(path.join(podDir, 'tmp'));
        writeFileSync(path.join(podDir, 'pod.json'), JSON.stringify(body, null, 2));
        const pod: Pod = {
          ...body,
          metadata: { ...body.metadata, namespace: ns, uid: path.basename(podDir) },
          status: { phase: 'Pending' },
        };
        const r: Running = { pod, dir: podDir, child: null, deleted: false, logs: new Map() };
        pods.set(k, r);
        notify('ADDED', r);
        json(res, pod, 201);
        return runPod(r);
      }
      if (req.method === 'GET' && !name) {
        const labels = parseSelector(url.searchParams.get('labelSelector'));
        const field = url.searchParams.get('fieldSelector');
        const only = field?.startsWith('metadata.name=') ? field.slice('metadata.name='.length) : undefined;
        const list = [...pods.values()].filter(
          (r) =>
            r.pod.metadata.namespace === ns &&
            matches(r.pod, labels) &&
            (!only || r.pod.metadata.name === only),
        );
        const watch = url.searchParams.get('watch');
        if (watch !== '1' && watch !== 'true')
          return json(res, { kind: 'PodList', items: list.map((r) => r.pod) });
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        for (const r of list) res.write(`${JSON.stringify({ type: 'ADDED', object: r.pod })}\n`);
        const w: Watcher = { ns, labels, name: only, res };
        watchers.add(w);
        res.on('close', () => watchers.delete(w));
        return;
      }
      const r = pods.get(key);
      if (!r) return status(res, 404, `pods "${name}" not found`);
      if (req.method === 'DELETE') {
        kill(r);
        pods.delete(key);
        notify('DELETED', r);
        return json(res, r.pod);
      }
      if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed');
      if (!log) return json(res, r.pod);
      const container = url.searchParams.get('container') ?? r.pod.spec.containers[0].name;
      const l = r.logs.get(container);
      if (!l) return status(res, 400, `container "${container}" in pod "${name}" is waiting to start`);
      const tail = Number(url.searchParams.get('tailLines') ?? 0);
      // The API's sinceTime is whole seconds: what came in that second is sent again.
      const since = Date.parse(url.searchParams.get('sinceTime') ?? '') || 0;
      const all = l.chunks
        .filter((c) => c.at >= since)
        .map((c) => c.text)
        .join('');
      const text =
        tail > 0
          ? all
              .split('\n')
              .slice(-tail - 1)
              .join('\n')
          : all;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(text);
      if (url.searchParams.get('follow') !== 'true' || l.ended) return res.end();
      l.followers.add(res);
      res.on('close', () => l.followers.delete(res));
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) =>
      ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((p) => offered.has(p)) ?? false,
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const r = m ? pods.get(`${m[1]}/${decodeURIComponent(m[2])}`) : undefined;
    const c = r?.pod.spec.containers.find((x) => x.name === (url.searchParams.get('container') ?? 'agent'));
    const refuse = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (req.headers.authorization !== `Bearer ${token}`) return refuse(401, 'Unauthorized');
    if (!r || !c) return refuse(404, 'Not Found');
    if (r.pod.status.phase !== 'Running') return refuse(400, `Bad Request (pod is ${r.pod.status.phase})`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tty = url.searchParams.get('tty') === 'true';
      const command = url.searchParams.getAll('command');
      const record: ExecRecord = {
        pod: r.pod.metadata.name,
        container: c.name,
        command,
        tty,
        stdin: url.searchParams.get('stdin') === 'true',
        resized: [],
      };
      execs.push(record);
      const ttyFile = tty ? path.join(r.dir, `exec-${execs.length}.tty`) : undefined;
      const child = inContainer(r, c, command, { ttyFile, stdin: true });
      const send = (channel: number) => (data: Buffer) =>
        ws.send(Buffer.concat([Buffer.from([channel]), data]));
      child.stdout?.on('data', send(1));
      child.stderr?.on('data', send(2));
      // The terminal's size, as the last resize asked: set once the terminal exists (it writes its path first).
      let size: { Width: number; Height: number } | undefined;
      const resize = () => {
        const device = ttyFile && existsSync(ttyFile) ? readFileSync(ttyFile, 'utf8').trim() : '';
        if (!size || !device.startsWith('/dev/')) return;
        const dims = ['cols', String(size.Width), 'rows', String(size.Height)];
        spawn('stty', ['-F', device, ...dims], { stdio: 'ignore' }).on('error', () => {});
      };
      if (tty) child.stdout?.once('data', resize);
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) child.stdin?.write(data.subarray(1));
        else if (data[0] === 4) {
          size = JSON.parse(data.subarray(1).toString('utf8')) as { Width: number; Height: number };
          record.resized.push(size);
          resize();
        } else if (data[0] === 255 && data[1] === 0) child.stdin?.end();
      });
      // A terminal client gone hangs its terminal up: the pty's side ends, the command gets SIGHUP.
      ws.on('close', () => {
        if (!tty || child.exitCode !== null || !child.pid) return;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      });
      child.on('close', (code) => {
        const status =
          code === 0
            ? { metadata: {}, status: 'Success' }
            : {
                metadata: {},
                status: 'Failure',
                message: `command terminated with non-zero exit code: ${code}`,
                reason: 'NonZeroExitCode',
                details: { causes: [{ reason: 'ExitCode', message: String(code ?? 137) }] },
              };
        send(3)(Buffer.from(JSON.stringify(status)));
        ws.close(1000);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as { port: number }).port}`;
  const ca = tls ? `, certificate-authority-data: ${tls.cert.toString('base64')}` : '';
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: double',
      `clusters: [{ name: double, cluster: { server: "${url}"${ca} } }]`,
      `users: [{ name: tester, user: { token: ${token} } }]`,
      'contexts: [{ name: double, context: { cluster: double, user: tester, namespace: agents } }]',
      '',
    ].join('\n'),
  );
  return {
    url,
    kubeconfig,
    pods: () => [...pods.values()].map((r) => r.pod),
    policies: () => [...policies.values()] as ReturnType<KubeDouble['policies']>,
    execs: () => execs,
    close: async () => {
      for (const r of pods.values()) kill(r);
      for (const w of watchers) w.res.end();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(tmuxEnds);
      // A killed pod's processes may still be closing files in its folder: retried.
      for (const r of pods.values()) rmSync(r.dir, { recursive: true, force: true, maxRetries: 10 });
    },
  };
}
