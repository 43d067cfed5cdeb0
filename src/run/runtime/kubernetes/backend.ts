/**
 * The Kubernetes backend: one pod per task session, and on this machine one keeper process per pod (the
 * endpoint the pod fetches its bundle from, sends its work and hooks to; the watch; the log). The keeper is to
 * a pod what the headless runner is to a local session: status is its exit record, else its liveness.
 */
import { lookup } from 'node:dns/promises';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { INNER_SESSION, INNER_TMUX } from '../../../core/container-args.js';
import { BraidError } from '../../../core/errors.js';
import {
  asCidr,
  type EgressPeer,
  type EgressTarget,
  egressPolicy,
  egressTargets,
} from '../../../core/kube-egress.js';
import { podEndpointBase } from '../../../core/kube-endpoint.js';
import { POD_STOP_AGENT, podKeeperLink, podManifest } from '../../../core/kube-manifest.js';
import { podState } from '../../../core/kube-status.js';
import { builtModule } from '../../../exec/built.js';
import { spawnDetached } from '../../../exec/detached.js';
import { isProcessAlive, processStartTime } from '../../../exec/pid.js';
import { groupAlive, terminateGroup, waitUntil } from '../../../exec/process-group.js';
import { newToken } from '../../../exec/token.js';
import { logTail, sendKeysToInnerTmux, sendToInnerTmux } from '../inner-tmux.js';
import { runnerSessionState } from '../runner-state.js';
import type {
  BackendLaunch,
  KubeLaunch,
  ReattachSpec,
  SendOptions,
  SessionBackend,
  SessionHandle,
  SessionState,
  StopOptions,
} from '../types.js';
import { KubeClient, loadKubeTarget } from './client.js';
import type { KeeperSpec } from './keeper.js';
import { applyPolicy, createPod, deletePod, deletePolicy, execInPod, getPod } from './pods.js';

/** The keeper's main: it takes hooks in as `braid hook` does, which lives above this stage (orchestrate). */
const KEEPER_MAIN = 'orchestrate/kube-keeper.js';
/** The keeper listens within moments; this only bounds a keeper that cannot start at all. */
const KEEPER_READY_MS = 15_000;

function need(spec: BackendLaunch): KubeLaunch {
  if (!spec.kube) throw new BraidError('E_BACKEND', `task ${spec.task} has no kubernetes settings`);
  return spec.kube;
}

function clientFor(context: string | undefined): KubeClient {
  return new KubeClient(loadKubeTarget(context));
}

async function withClient<T>(context: string | undefined, fn: (kube: KubeClient) => Promise<T>): Promise<T> {
  const kube = clientFor(context);
  try {
    return await fn(kube);
  } finally {
    kube.close();
  }
}

function pod(handle: SessionHandle): { pod: string; namespace: string; context?: string } {
  if (!handle.pod || !handle.namespace) throw new BraidError('E_SESSION', 'this session has no pod recorded');
  return { pod: handle.pod, namespace: handle.namespace, context: handle.context };
}

/** A NetworkPolicy names addresses: host names are resolved now (every address they have). */
async function resolvePeers(targets: readonly EgressTarget[]): Promise<EgressPeer[]> {
  const peers: EgressPeer[] = [];
  for (const t of targets) {
    const cidr = asCidr(t.host);
    if (cidr) {
      peers.push({ cidr, port: t.port });
      continue;
    }
    const addrs = await lookup(t.host, { all: true }).catch(() => []);
    if (addrs.length === 0)
      throw new BraidError(
        'E_CONFIG',
        `kubernetes egress: cannot resolve ${t.host}`,
        'Check the name, or list its addresses as a CIDR in kubernetes.egress.',
      );
    for (const a of addrs) peers.push({ cidr: asCidr(a.address) as string, port: t.port });
  }
  return peers;
}

/** When the task's log was last written: a re-attached keeper copies the pod's log from then on. */
function logMtime(logPath: string): string | undefined {
  try {
    return statSync(logPath).mtime.toISOString();
  } catch {
    return undefined;
  }
}

/**
 * Starts a pod's keeper (detached) and waits until its endpoint listens: its pid, its URL, the token. The
 * spec file holds the token: mode 0600, and the keeper deletes it once read.
 */
async function startKeeper(
  spec: Omit<KeeperSpec, 'readyPath'>,
): Promise<{ pid: number; url: string; token: string }> {
  const dir = path.dirname(spec.exitPath);
  mkdirSync(dir, { recursive: true });
  const readyPath = path.join(dir, 'keeper.ready.json');
  rmSync(readyPath, { force: true });
  const specPath = path.join(dir, 'keeper.json');
  writeFileSync(specPath, JSON.stringify({ ...spec, readyPath }), { mode: 0o600 });
  chmodSync(specPath, 0o600);
  // A small young generation, as the supervisor's: a keeper allocates little and lives as long as its pod.
  const pid = await spawnDetached(
    process.execPath,
    ['--max-semi-space-size=1', builtModule(KEEPER_MAIN), specPath],
    { cwd: spec.worktree, env: process.env, logFile: path.join(dir, 'keeper.log') },
  );
  const ready = await waitUntil(() => existsSync(readyPath) || !groupAlive(pid), KEEPER_READY_MS);
  if (!ready || !existsSync(readyPath)) {
    await terminateGroup(pid, 0);
    rmSync(specPath, { force: true });
    throw new BraidError(
      'E_BACKEND',
      `braid's endpoint for task ${spec.task} did not start`,
      `See ${path.join(dir, 'keeper.log')}; check kubernetes.listen and kubernetes.endpoint.`,
    );
  }
  const { url } = JSON.parse(readFileSync(readyPath, 'utf8')) as { url: string };
  return { pid, url, token: spec.token };
}

export class KubeBackend implements SessionBackend {
  readonly kind = 'kubernetes' as const;

  /** The cluster answers, and no pod or policy is left of the same name (a previous session's). */
  async provision(spec: BackendLaunch): Promise<void> {
    const k = need(spec);
    await withClient(k.context, async (kube) => {
      await deletePod(kube, k.namespace, k.podName);
      await deletePolicy(kube, k.namespace, k.podName);
    });
  }

  async start(spec: BackendLaunch): Promise<SessionHandle> {
    const k = need(spec);
    if (spec.argv.length === 0) throw new BraidError('E_SESSION', `task ${spec.task} has no command`);
    await this.provision(spec);
    mkdirSync(path.dirname(spec.logPath), { recursive: true });
    const keeper = await startKeeper({
      task: spec.task,
      token: newToken(),
      worktree: k.worktree,
      branch: k.branch,
      repoRoot: k.repoRoot,
      context: k.context,
      namespace: k.namespace,
      pod: k.podName,
      listenHost: k.listenHost,
      listenPort: k.listenPort,
      logPath: spec.logPath,
      exitPath: spec.exitPath,
    });
    const handle: SessionHandle = {
      runtime: spec.mode,
      pid: keeper.pid,
      pidStart: processStartTime(keeper.pid),
      backend: 'kubernetes',
      pod: k.podName,
      namespace: k.namespace,
      context: k.context,
      logPath: spec.logPath,
    };
    try {
      const endpoint = `${podEndpointBase(k.publicUrl, keeper.url)}/k/${encodeURIComponent(spec.task)}`;
      const manifest = podManifest({
        name: k.podName,
        namespace: k.namespace,
        labels: k.labels,
        annotations: k.annotations,
        image: k.image,
        mode: spec.mode,
        argv: spec.argv,
        env: spec.env,
        workdir: k.workdir,
        branch: k.branch,
        base: k.base,
        endpoint,
        token: keeper.token,
        limits: k.limits,
        settings: k.settings ? JSON.stringify(k.settings) : undefined,
      });
      const peers = await resolvePeers(egressTargets(k.modelApi, endpoint, k.egress));
      await withClient(k.context, async (kube) => {
        const policy = egressPolicy({ name: k.podName, namespace: k.namespace, labels: k.labels, peers });
        await applyPolicy(kube, k.namespace, policy);
        await createPod(kube, k.namespace, manifest);
      });
    } catch (err) {
      await terminateGroup(keeper.pid, 0);
      throw err;
    }
    return handle;
  }

  /**
   * A keeper killed with its machine, its pod still running: a new keeper where the pod already posts (the port
   * and token read back from the pod), copying the log on from where the last one stopped. Null: no live pod.
   */
  async reattach(handle: SessionHandle, spec: ReattachSpec): Promise<SessionHandle | null> {
    const p = pod(handle);
    const found = await withClient(p.context, (kube) => getPod(kube, p.namespace, p.pod));
    const link = found ? podKeeperLink(found) : null;
    if (!found || !link || !podState(found).alive) return null;
    const keeper = await startKeeper({
      ...spec,
      token: link.token,
      context: p.context,
      namespace: p.namespace,
      pod: p.pod,
      listenPort: link.port,
      logSince: logMtime(spec.logPath),
    });
    return { ...handle, pid: keeper.pid, pidStart: processStartTime(keeper.pid) };
  }

  /** The keeper watches the pod and records its end; until then, the keeper alive is the session alive. */
  async status(handle: SessionHandle, exitPath: string): Promise<SessionState> {
    return runnerSessionState(handle, exitPath);
  }

  /** The pod's log, as the keeper copies it here. */
  async logs(handle: SessionHandle): Promise<string> {
    return logTail(handle.logPath);
  }

  /** tmux in the pod, through kubectl's exec with a terminal (braid's own exec has none). */
  attach(handle: SessionHandle): string[] | null {
    if (handle.runtime !== 'tmux') return null;
    const p = pod(handle);
    const context = p.context ? ['--context', p.context] : [];
    return [
      'kubectl',
      ...context,
      '-n',
      p.namespace,
      'exec',
      '-it',
      p.pod,
      '-c',
      'agent',
      '--',
      ...INNER_TMUX,
      'attach-session',
      '-t',
      INNER_SESSION,
    ];
  }

  send(handle: SessionHandle, text: string, opts: SendOptions = {}): Promise<void> {
    return sendToInnerTmux(handle, text, opts, (args) => this.tmux(handle, args));
  }

  sendKeys(handle: SessionHandle, keys: string[]): Promise<void> {
    return sendKeysToInnerTmux(handle, keys, (args) => this.tmux(handle, args));
  }

  /** tmux inside the pod's agent container, over the API's exec. */
  private async tmux(handle: SessionHandle, args: string[]): Promise<void> {
    const p = pod(handle);
    const res = await withClient(p.context, (kube) =>
      execInPod(kube, p.namespace, p.pod, 'agent', [...INNER_TMUX, ...args]),
    );
    if (res.exitCode !== 0)
      throw new BraidError('E_SESSION', `the session in pod ${p.pod} is gone`, res.stderr.trim());
  }

  /** The pod sends its work itself when the agent ends; the keeper takes it into refs/braid/incoming/<task>. */
  async collect(): Promise<void> {}

  /**
   * The agent's stop keys (tmux), then TERM to the agent in the pod (its commits still go back), then the pod
   * deleted: what the agent had not committed, or a pod that does not end, is lost with it. An ended pod holds
   * nothing more (its work and log came back): it goes too, with its policy, so a stopped task has no pod.
   */
  async stop(handle: SessionHandle, opts: StopOptions): Promise<void> {
    await this.end(handle, opts);
    const p = pod(handle);
    await withClient(p.context, async (kube) => {
      await deletePod(kube, p.namespace, p.pod);
      await deletePolicy(kube, p.namespace, p.pod);
    }).catch(() => {});
  }

  private async end(handle: SessionHandle, opts: StopOptions): Promise<void> {
    const gone = () => !handle.pid || !groupAlive(handle.pid);
    if (gone()) return;
    if (handle.runtime === 'tmux' && opts.graceKeys?.length) {
      await this.sendKeys(handle, opts.graceKeys).catch(() => {});
      if (await waitUntil(gone, opts.graceMs ?? 3_000)) return;
    }
    const p = pod(handle);
    // TERM to the agent alone: the pod's script then sends its commits back and the pod ends.
    const ended = await withClient(p.context, (kube) =>
      execInPod(kube, p.namespace, p.pod, 'agent', POD_STOP_AGENT),
    ).catch(() => null);
    if (ended?.exitCode === 0 && (await waitUntil(gone, opts.termMs ?? 5_000))) return;
    await withClient(p.context, (kube) => deletePod(kube, p.namespace, p.pod)).catch(() => {});
    // The keeper sees the pod go, records the end and exits; one that cannot is ended.
    if (await waitUntil(gone, opts.termMs ?? 5_000)) return;
    if (handle.pid && isProcessAlive(handle.pid, handle.pidStart)) await terminateGroup(handle.pid, 1_000);
  }

  /** The pod and its policy deleted, the keeper ended. */
  async remove(handle: SessionHandle): Promise<void> {
    if (handle.pod && handle.namespace) {
      const p = pod(handle);
      await withClient(p.context, async (kube) => {
        await deletePod(kube, p.namespace, p.pod);
        await deletePolicy(kube, p.namespace, p.pod);
      }).catch(() => {});
    }
    if (handle.pid && isProcessAlive(handle.pid, handle.pidStart)) await terminateGroup(handle.pid, 1_000);
  }
}
