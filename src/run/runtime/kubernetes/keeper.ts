/**
 * The keeper of one task's pod: a detached process on this machine (as the headless runner is for a local
 * session) that serves the task's endpoint (the bundle in, the work back, hook events), watches the pod, copies
 * its log into the task's log and writes the exit record when the pod ends; then it exits. Its main is
 * orchestrate/kube-keeper.ts, which takes the hooks in as `braid hook` does.
 */
import { appendFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type PodObject, podState } from '../../../core/kube-status.js';
import { writeExitRecord } from '../exit-record.js';
import { KubeClient, loadKubeTarget, WatchEndedError } from './client.js';
import { KubeEndpoint } from './endpoint.js';
import { followPodLog, getPod, podLogTail, watchPod } from './pods.js';

export interface KeeperSpec {
  task: string;
  token: string;
  worktree: string;
  branch: string;
  repoRoot: string;
  context?: string;
  namespace: string;
  pod: string;
  listenHost: string;
  listenPort: number;
  logPath: string;
  exitPath: string;
  /** Written once the endpoint listens: `{"url": …}`. */
  readyPath: string;
  /** A keeper re-attached after a restart: the log from then on (ISO time; an earlier keeper copied the rest). */
  logSince?: string;
}

/** After the pod ended, how long its log stream may take to drain. */
const LOG_DRAIN_MS = 5_000;
/** Everything the container printed, when the stream was never followed. */
const WHOLE_LOG_LINES = 1_000_000;

/** Takes one hook event in (records it, answers it): what `braid hook <event>` does for a local session. */
export type HookTaker = (
  spec: KeeperSpec,
  event: string,
  payload: Record<string, unknown>,
) => Promise<string | null>;

/** The pod's paths mean nothing here: the checkout is the worktree, the transcript stays in the pod. */
function localPayload(spec: KeeperSpec, payload: unknown): Record<string, unknown> {
  const { transcript_path: _, ...rest } = (payload ?? {}) as Record<string, unknown>;
  return { ...rest, cwd: spec.worktree };
}

async function copyLog(kube: KubeClient, spec: KeeperSpec, signal: AbortSignal): Promise<boolean> {
  try {
    const stream = await followPodLog(kube, spec.namespace, spec.pod, 'agent', signal, spec.logSince);
    for await (const chunk of stream) appendFileSync(spec.logPath, chunk as Buffer);
    return true;
  } catch {
    return false;
  }
}

/** Watches the pod until it ends (or is deleted), following its log from when the agent runs. */
async function keep(
  kube: KubeClient,
  spec: KeeperSpec,
): Promise<{ exitCode: number | null; why: string | null }> {
  const drain = new AbortController();
  let follow: Promise<boolean> | null = null;
  const until = (pod: PodObject | null) => {
    if (!pod) return { exitCode: null, why: 'the pod was deleted' };
    if (!follow && pod.status?.phase === 'Running') follow = copyLog(kube, spec, drain.signal);
    const state = podState(pod);
    return state.alive ? undefined : { exitCode: state.exitCode, why: state.problem };
  };
  let end: { exitCode: number | null; why: string | null } | undefined;
  while (!end) {
    try {
      end = await watchPod(kube, spec.namespace, spec.pod, until);
    } catch (err) {
      // A server ends a watch after a while; a new one starts with the pod as it is (or finds it gone).
      if (!(err instanceof WatchEndedError)) throw err;
      const now = await getPod(kube, spec.namespace, spec.pod);
      end = now ? until(now) : until(null);
    }
  }
  const timer = setTimeout(() => drain.abort(), LOG_DRAIN_MS);
  const followed = follow ? await (follow as Promise<boolean>) : false;
  clearTimeout(timer);
  if (!followed && end.why !== 'the pod was deleted') {
    const text = await podLogTail(
      kube,
      spec.namespace,
      spec.pod,
      'agent',
      WHOLE_LOG_LINES,
      spec.logSince,
    ).catch(() => '');
    appendFileSync(spec.logPath, text);
  }
  return end;
}

/** Serves, watches and records one pod until it ends. `specPath`: JSON, mode 0600, deleted once read (it holds the token). */
export async function runKeeper(specPath: string, takeHook: HookTaker): Promise<void> {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as KeeperSpec;
  rmSync(specPath, { force: true });
  const kube = new KubeClient(loadKubeTarget(spec.context));
  const endpoint = new KubeEndpoint({
    onHook: (_task, event, payload) => takeHook(spec, event, localPayload(spec, payload)),
  });
  endpoint.register({ task: spec.task, token: spec.token, worktree: spec.worktree, branch: spec.branch });
  const url = await endpoint.listen(spec.listenHost, spec.listenPort);
  writeFileSync(`${spec.readyPath}.tmp`, JSON.stringify({ url }));
  renameSync(`${spec.readyPath}.tmp`, spec.readyPath);
  let end: { exitCode: number | null; why: string | null };
  try {
    end = await keep(kube, spec);
  } catch (err) {
    end = { exitCode: null, why: `braid lost the pod's watch: ${(err as Error).message}` };
  }
  if (end.why) appendFileSync(spec.logPath, `\nbraid: ${end.why}\n`);
  writeExitRecord(spec.exitPath, {
    exitCode: end.exitCode,
    signal: end.exitCode === null ? 'SIGKILL' : null,
    endedAt: new Date().toISOString(),
  });
  await endpoint.close();
  kube.close();
}
