/**
 * The keeper of one task's pod: a detached process on this machine (as the headless runner is for a local
 * session) that serves the task's endpoint (the bundle in, the work back, hook events), watches the pod, copies
 * its log into the task's log and writes the exit record when the pod ends; then it exits.
 * argv: <spec file> (JSON, mode 0600, deleted once read: it holds the task's token).
 */
import { appendFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { podState } from '../../../core/kube-status.js';
import { builtModule } from '../../../exec/built.js';
import { run } from '../../../exec/run.js';
import { writeExitRecord } from '../exit-record.js';
import { KubeClient, loadKubeTarget } from './client.js';
import { KubeEndpoint } from './endpoint.js';
import { followPodLog, podLogTail, watchPod } from './pods.js';

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
}

/** A hook is answered well within Claude Code's 10 s hook timeout. */
const HOOK_TIMEOUT_MS = 8_000;
/** After the pod ended, how long its log stream may take to drain. */
const LOG_DRAIN_MS = 5_000;
/** Everything the container printed, when the stream was never followed. */
const WHOLE_LOG_LINES = 1_000_000;

/** Exactly what `braid hook <event>` does for a local session, run here: the answer goes back to the pod. */
async function forwardHook(spec: KeeperSpec, event: string, payload: unknown): Promise<string | null> {
  // The pod's paths mean nothing here: the checkout is the worktree, the transcript stays in the pod.
  const { transcript_path: _, ...rest } = (payload ?? {}) as Record<string, unknown>;
  const res = await run(process.execPath, [builtModule('cli/main.js'), 'hook', event], {
    cwd: spec.worktree,
    env: { ...process.env, BRAID_TASK: spec.task, BRAID_REPO: spec.repoRoot },
    input: JSON.stringify({ ...rest, cwd: spec.worktree }),
    timeoutMs: HOOK_TIMEOUT_MS,
    allowFailure: true,
  });
  return res.stdout.trim() || null;
}

async function copyLog(kube: KubeClient, spec: KeeperSpec, signal: AbortSignal): Promise<boolean> {
  try {
    const stream = await followPodLog(kube, spec.namespace, spec.pod, 'agent', signal);
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
  const end = await watchPod(kube, spec.namespace, spec.pod, (pod) => {
    if (!pod) return { exitCode: null, why: 'the pod was deleted' };
    if (!follow && pod.status?.phase === 'Running') follow = copyLog(kube, spec, drain.signal);
    const state = podState(pod);
    return state.alive ? undefined : { exitCode: state.exitCode, why: state.problem };
  });
  const timer = setTimeout(() => drain.abort(), LOG_DRAIN_MS);
  const followed = follow ? await (follow as Promise<boolean>) : false;
  clearTimeout(timer);
  if (!followed && end.why !== 'the pod was deleted') {
    const text = await podLogTail(kube, spec.namespace, spec.pod, 'agent', WHOLE_LOG_LINES).catch(() => '');
    appendFileSync(spec.logPath, text);
  }
  return end;
}

async function main(): Promise<void> {
  const specPath = process.argv[2] ?? '';
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as KeeperSpec;
  rmSync(specPath, { force: true });
  const kube = new KubeClient(loadKubeTarget(spec.context));
  const endpoint = new KubeEndpoint({ onHook: (_task, event, payload) => forwardHook(spec, event, payload) });
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

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`braid kube keeper: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
