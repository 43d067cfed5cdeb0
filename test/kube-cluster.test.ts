/**
 * The Kubernetes backend's pieces against a real cluster (kind, k3d…): runs where KUBECONFIG points at one that
 * answers, with BRAID_KUBE_IMAGE (node and git inside) and BRAID_KUBE_ENDPOINT_HOST (the address pods reach this
 * machine at, e.g. 172.18.0.1 for kind's network); skipped otherwise, with the reason. docs/backends.md.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressPolicy } from '../src/core/kube-egress.js';
import { kubeAnnotations, kubeLabels, kubePodName, podManifest } from '../src/core/kube-manifest.js';
import { podState } from '../src/core/kube-status.js';
import { KubeClient, loadKubeTarget } from '../src/run/runtime/kubernetes/client.js';
import { KubeEndpoint, newTaskToken } from '../src/run/runtime/kubernetes/endpoint.js';
import {
  applyPolicy,
  createPod,
  deletePod,
  deletePolicy,
  listPods,
  podLogTail,
  watchPod,
} from '../src/run/runtime/kubernetes/pods.js';
import { kubeClusterInfo } from '../src/run/session/kube-cluster.js';
import { cliJson, runCli } from './helpers/cli.js';
import { GIT_TEST_ENV, g, type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

const image = process.env.BRAID_KUBE_IMAGE;
const endpointHost = process.env.BRAID_KUBE_ENDPOINT_HOST;
const namespace = process.env.BRAID_KUBE_NAMESPACE ?? 'default';

async function clusterProblem(): Promise<string | null> {
  if (!process.env.KUBECONFIG) return 'KUBECONFIG is not set: no cluster to run the real-cluster suite on';
  try {
    const info = await kubeClusterInfo(undefined, process.env);
    if (info.version instanceof Error) return `the cluster does not answer: ${info.version.message}`;
  } catch (err) {
    return `no usable kubeconfig: ${(err as Error).message}`;
  }
  if (!image) return 'BRAID_KUBE_IMAGE is not set (an image with node and git the cluster can pull)';
  if (!endpointHost) return 'BRAID_KUBE_ENDPOINT_HOST is not set (the address pods reach this machine at)';
  return null;
}
const problem = await clusterProblem();

let repo: TempRepo;
let kube: KubeClient;
const collected: string[] = [];
const endpoint = new KubeEndpoint({ onCollected: (task) => collected.push(task) });

beforeAll(async () => {
  if (problem) return;
  repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  await g(repo.dir, 'worktree', 'add', '-q', '-b', 'braid/c1', path.join(repo.parent, 'c1'));
  kube = new KubeClient(loadKubeTarget(undefined, process.env));
  await endpoint.listen('0.0.0.0');
});

afterAll(async () => {
  if (problem) return;
  const labels = kubeLabels('repo', path.join(repo.dir, '.git'), 'c1');
  for (const pod of await listPods(kube, namespace, labels).catch(() => []))
    await deletePod(kube, namespace, pod.metadata.name);
  kube.close();
  await endpoint.close();
  repo.cleanup();
});

describe('a task pod on a real cluster', () => {
  it('clones the bundle, runs, sends the work back under a default-deny egress policy, and is deleted', async (ctx) => {
    if (problem) ctx.skip(problem);
    const worktree = path.join(repo.parent, 'c1');
    const base = (await g(worktree, 'rev-parse', 'HEAD')).trim();
    const token = newTaskToken();
    endpoint.register({ task: 'c1', token, worktree, branch: 'braid/c1' });
    const commonDir = path.join(repo.dir, '.git');
    const labels = kubeLabels('repo', commonDir, 'c1');
    const name = kubePodName('repo', commonDir, 'c1');
    const port = new URL(endpoint.urlFor('c1')).port;
    const url = `http://${endpointHost}:${port}`;
    await applyPolicy(
      kube,
      namespace,
      egressPolicy({ name, namespace, labels, peers: [{ cidr: `${endpointHost}/32`, port: Number(port) }] }),
    );
    await createPod(
      kube,
      namespace,
      podManifest({
        name,
        namespace,
        labels,
        annotations: kubeAnnotations(commonDir),
        image: image as string,
        mode: 'headless',
        argv: [
          'sh',
          '-c',
          'echo from the cluster > c.txt && git add c.txt && git commit -qm "cluster work" && echo done',
        ],
        env: { ...GIT_TEST_ENV, BRAID_TASK: 'c1' },
        workdir: '/work/repo',
        branch: 'braid/c1',
        base,
        endpoint: endpoint.urlFor('c1', url),
        token,
        limits: { memory: '256M', cpu: 0.5 },
      }),
    );
    const ended = await watchPod(kube, namespace, name, (p) => {
      const s = p && podState(p);
      return s && !s.alive ? s : undefined;
    });
    expect(ended).toEqual({ alive: false, exitCode: 0, problem: null });
    expect(await podLogTail(kube, namespace, name, 'agent', 5)).toContain('done');
    expect(collected).toEqual(['c1']);
    expect((await g(repo.dir, 'log', '-1', '--format=%s', 'braid/c1')).trim()).toBe('cluster work');
    await deletePod(kube, namespace, name);
    await deletePolicy(kube, namespace, name);
    // A real API server deletes in the background: the pod goes once its containers are gone.
    await until(
      'the pod is gone',
      async () => (await listPods(kube, namespace, labels)).length === 0,
      120_000,
    );
  }, 600_000);
});

describe('braid new --backend kubernetes on a real cluster, through the CLI', () => {
  it('runs the shell agent in a pod; its commit comes back onto the branch and lands; rm deletes the pod', async (ctx) => {
    if (problem) ctx.skip(problem);
    const podEnv = Object.entries(GIT_TEST_ENV).map(([k, v]) => `${k}=${v}`);
    const cli = await tempRepo({ files: { 'README.md': '# demo\n' } });
    try {
      await cli.commit('braid.yaml', {
        'braid.yaml': [
          'agent: shell',
          'deps: none',
          'kubernetes:',
          `  image: ${JSON.stringify(image)}`,
          `  namespace: ${JSON.stringify(namespace)}`,
          `  endpoint: ${JSON.stringify(`http://${endpointHost}`)}`,
          `  env: ${JSON.stringify(podEnv)}`,
          '',
        ].join('\n'),
      });
      const env = { KUBECONFIG: process.env.KUBECONFIG };
      const prompt = 'echo from a pod > k.txt && git add k.txt && git commit -qm "pod work"';
      const created = await runCli(
        cli.dir,
        ['new', 'k1', '--backend', 'kubernetes', '--headless', '-p', prompt],
        {
          env,
          timeoutMs: 300_000,
        },
      );
      expect(created.code).toBe(0);
      const row = async () =>
        (
          await cliJson<{ tasks: Array<{ name: string; exitCode: number | null; backend: string }> }>(
            cli.dir,
            ['ls'],
            env,
          )
        ).tasks[0];
      const ended = await until(
        'k1 ended',
        async () => ((await row())?.exitCode !== null ? row() : undefined),
        300_000,
      );
      expect(ended).toMatchObject({ backend: 'kubernetes', exitCode: 0 });
      const landed = await cliJson<{ landed: Array<{ name: string }> }>(cli.dir, ['land', 'k1'], env);
      expect(landed.landed.map((l) => l.name)).toEqual(['k1']);
      expect(await cli.git('show', 'main:k.txt')).toBe('from a pod');
      expect((await runCli(cli.dir, ['rm', 'k1'], { env })).code).toBe(0);
      const labels = kubeLabels(path.basename(cli.dir), path.join(cli.dir, '.git'), 'k1');
      await until(
        'the pod is gone',
        async () => (await listPods(kube, namespace, labels)).length === 0,
        120_000,
      );
    } finally {
      cli.cleanup();
    }
  }, 900_000);
});
