import { existsSync, readFileSync } from 'node:fs';
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
  execInPod,
  followPodLog,
  getPod,
  listPods,
  podLogTail,
  watchPod,
} from '../src/run/runtime/kubernetes/pods.js';
import { cliJson } from './helpers/cli.js';
import { type KubeDouble, startKubeDouble } from './helpers/kube-api.js';
import { GIT_TEST_ENV, g, type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
let double: KubeDouble;
let kube: KubeClient;
const endpoint = new KubeEndpoint({
  onHook: async (task, event, payload) => {
    hooks.push({ task, event, payload });
    return null;
  },
  onCollected: (task, result) => collected.push({ task, ...result }),
});
const hooks: Array<{ task: string; event: string; payload: unknown }> = [];
const collected: Array<{ task: string; incoming: string; fastForward: boolean }> = [];

beforeAll(async () => {
  repo = await tempRepo({
    files: { 'README.md': '# demo\n', 'braid.yaml': 'kubernetes: { image: host, namespace: agents }\n' },
  });
  await g(repo.dir, 'worktree', 'add', '-q', '-b', 'braid/t1', path.join(repo.parent, 't1'));
  double = await startKubeDouble(repo.parent);
  kube = new KubeClient(loadKubeTarget(undefined, { KUBECONFIG: double.kubeconfig }));
  await endpoint.listen();
});

afterAll(async () => {
  kube?.close();
  await endpoint.close();
  await double?.close();
  repo?.cleanup();
});

/** A headless pod of this repository's task `task` in namespace agents; what a test does not set is inert. */
async function startTaskPod(
  task: string,
  fields: Partial<Parameters<typeof podManifest>[0]>,
  owner = { repoName: 'repo', commonDir: path.join(repo.dir, '.git') },
): Promise<string> {
  const { repoName, commonDir } = owner;
  const name = kubePodName(repoName, commonDir, task);
  await createPod(
    kube,
    'agents',
    podManifest({
      name,
      namespace: 'agents',
      labels: kubeLabels(repoName, commonDir, task),
      annotations: {},
      image: 'host',
      mode: 'headless',
      argv: ['true'],
      env: {},
      workdir: '/work/repo',
      branch: 'braid/t1',
      base: 'HEAD',
      endpoint: endpoint.urlFor(task),
      token: 'x',
      ...fields,
    }),
  );
  return name;
}

describe('braid doctor with kubernetes: in braid.yaml', () => {
  it('names the context, the server and the image, and says the cluster answers', async () => {
    const res = await cliJson<{ checks: Array<{ name: string; ok: boolean; detail: string }> }>(
      repo.dir,
      ['doctor'],
      { KUBECONFIG: double.kubeconfig },
    );
    const k = res.checks.find((c) => c.name === 'kubernetes');
    expect(k?.ok).toBe(true);
    expect(k?.detail).toBe(
      `context double, ${double.url}, namespace agents (Kubernetes v1.31.0-double); image host`,
    );
  }, 120_000);
});

describe('a task pod, through the Kubernetes API (the double) and braid’s endpoint', () => {
  it('clones the task’s bundle, runs the agent, sends its work back onto the branch; logs, hooks, gc labels', async () => {
    const worktree = path.join(repo.parent, 't1');
    const base = (await g(worktree, 'rev-parse', 'HEAD')).trim();
    const token = newTaskToken();
    endpoint.register({ task: 't1', token, worktree, branch: 'braid/t1' });
    const labels = kubeLabels('repo', path.join(repo.dir, '.git'), 't1');
    const name = kubePodName('repo', path.join(repo.dir, '.git'), 't1');
    // The agent: edits and commits in the pod's clone, tells braid through a hook, waits for its log to be followed.
    const agent = [
      'echo made in a pod > pod.txt',
      'git add pod.txt && git commit -qm "pod work"',
      `node -e 'fetch(process.env.BRAID_ENDPOINT + "/hook/Stop", { method: "POST", headers: { authorization: "Bearer " + process.env.BRAID_TOKEN }, body: JSON.stringify({ hook_event_name: "Stop" }) }).then((r) => process.exit(r.ok ? 0 : 1))'`,
      'echo agent done',
    ].join(' && ');
    const manifest = podManifest({
      name,
      namespace: 'agents',
      labels,
      annotations: kubeAnnotations(path.join(repo.dir, '.git')),
      image: 'host',
      mode: 'headless',
      argv: ['sh', '-c', agent],
      env: { ...GIT_TEST_ENV, BRAID_TASK: 't1' },
      workdir: '/work/repo',
      branch: 'braid/t1',
      base,
      endpoint: endpoint.urlFor('t1'),
      token,
    });
    await applyPolicy(
      kube,
      'agents',
      egressPolicy({ name, namespace: 'agents', labels, peers: [{ cidr: '127.0.0.1/32', port: 443 }] }),
    );
    await createPod(kube, 'agents', manifest);

    // The log is followed from the start: what arrives before the end is all the agent printed.
    await watchPod(kube, 'agents', name, (p) => (p?.status?.phase === 'Running' ? true : undefined));
    const follow = await followPodLog(kube, 'agents', name, 'agent');
    let followed = '';
    for await (const chunk of follow) followed += (chunk as Buffer).toString('utf8');
    expect(followed).toContain('agent done');

    const ended = await watchPod(kube, 'agents', name, (p) => {
      const s = p && podState(p);
      return s && !s.alive ? s : undefined;
    });
    expect(ended).toEqual({ alive: false, exitCode: 0, problem: null });
    expect(await podLogTail(kube, 'agents', name, 'agent', 5)).toContain('agent done');
    // sinceTime (what a re-attached keeper reads from): nothing from after the end, all from before the start.
    const later = new Date(Date.now() + 2_000).toISOString();
    expect(await podLogTail(kube, 'agents', name, 'agent', 5, later)).toBe('');
    const earlier = new Date(Date.now() - 600_000).toISOString();
    expect(await podLogTail(kube, 'agents', name, 'agent', 5, earlier)).toContain('agent done');

    // The work came back as a bundle: in refs/braid/incoming/t1 and, fast-forwarded, on the branch and its files.
    expect(collected).toEqual([{ task: 't1', incoming: 'refs/braid/incoming/t1', fastForward: true }]);
    expect((await g(repo.dir, 'log', '-1', '--format=%s', 'refs/braid/incoming/t1')).trim()).toBe('pod work');
    expect((await g(repo.dir, 'log', '-1', '--format=%s', 'braid/t1')).trim()).toBe('pod work');
    expect(readFileSync(path.join(worktree, 'pod.txt'), 'utf8')).toBe('made in a pod\n');
    expect(hooks).toEqual([{ task: 't1', event: 'Stop', payload: { hook_event_name: 'Stop' } }]);

    // What the double was given: the manifest as braid wrote it, the policy selecting the pod.
    expect(double.policies().map((p) => p.metadata.name)).toEqual([name]);
    expect((await listPods(kube, 'agents', { 'braid.dev/repo': labels['braid.dev/repo'] })).length).toBe(1);
    await deletePod(kube, 'agents', name);
    expect(await listPods(kube, 'agents', labels)).toEqual([]);
    expect(await getPod(kube, 'agents', name)).toBeNull();
    await deletePod(kube, 'agents', name);
    await deletePolicy(kube, 'agents', name);
    expect(double.policies()).toEqual([]);
  }, 120_000);

  it('refuses a wrong token, and a pod whose bundle cannot be fetched fails in its init step', async () => {
    const worktree = path.join(repo.parent, 't1');
    endpoint.register({ task: 't2', token: newTaskToken(), worktree, branch: 'braid/t1' });
    const wrong = await fetch(`${endpoint.urlFor('t2')}/bundle`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const unknown = await fetch(`${endpoint.urlFor('nobody')}/bundle`);
    expect(unknown.status).toBe(404);

    const name = await startTaskPod('t2', { argv: ['sh', '-c', 'echo never'], token: 'not-the-token' });
    const state = await watchPod(kube, 'agents', name, (p) => {
      const s = p && podState(p);
      return s && !s.alive ? s : undefined;
    });
    expect(state.exitCode).toBeNull();
    expect(state.problem).toMatch(/the step 'fetch' failed/);
    await deletePod(kube, 'agents', name);
    expect(existsSync(path.join(worktree, 'never'))).toBe(false);
  }, 120_000);

  it('runs commands in a running pod over a WebSocket: stdin in and closed, stdout, stderr, exit code', async () => {
    const worktree = path.join(repo.parent, 't1');
    const token = newTaskToken();
    endpoint.register({ task: 't3', token, worktree, branch: 'braid/t1' });
    const name = await startTaskPod('t3', {
      // The agent waits for a line through a fifo: what exec sends is all that lets it end.
      argv: ['sh', '-c', 'mkfifo /work/fifo && echo ready && read x < /work/fifo && echo "got $x"'],
      base: (await g(worktree, 'rev-parse', 'HEAD')).trim(),
      token,
    });
    await watchPod(kube, 'agents', name, (p) => (p?.status?.phase === 'Running' ? true : undefined));
    const log = await followPodLog(kube, 'agents', name, 'agent');
    let seen = '';
    for await (const chunk of log) {
      seen += (chunk as Buffer).toString('utf8');
      if (seen.includes('ready')) break;
    }
    // While the agent waits: a command without stdin; then the line that lets the agent end.
    const ok = await execInPod(kube, 'agents', name, 'agent', ['true']);
    expect(ok.exitCode).toBe(0);
    const res = await execInPod(
      kube,
      'agents',
      name,
      'agent',
      ['sh', '-c', 'cat > /work/fifo; echo sent; echo warned >&2; exit 3'],
      'hello\n',
    );
    expect(res).toEqual({ stdout: 'sent\n', stderr: 'warned\n', exitCode: 3 });
    const ended = await watchPod(kube, 'agents', name, (p) => {
      const s = p && podState(p);
      return s && !s.alive ? s : undefined;
    });
    expect(ended.exitCode).toBe(0);
    expect(await podLogTail(kube, 'agents', name, 'agent', 5)).toContain('got hello');
    await deletePod(kube, 'agents', name);
  }, 120_000);
});

// Last: gc also removes the worktree the tests above made by hand (no task owns it).
describe('braid gc with kubernetes: in braid.yaml', () => {
  it("deletes this repository's pods (and their policies) whose task is gone, and no one else's", async () => {
    const mine = { repoName: 'repo', commonDir: path.join(repo.dir, '.git') };
    const theirs = { repoName: 'other', commonDir: '/elsewhere/.git' };
    const names: string[] = [];
    for (const owner of [mine, theirs]) {
      const labels = kubeLabels(owner.repoName, owner.commonDir, 'ghost');
      const name = kubePodName(owner.repoName, owner.commonDir, 'ghost');
      await applyPolicy(kube, 'agents', egressPolicy({ name, labels, namespace: 'agents', peers: [] }));
      names.push(await startTaskPod('ghost', { branch: 'none', endpoint: endpoint.urlFor('nobody') }, owner));
    }
    const [mineName, theirsName] = names as [string, string];
    const gc = await cliJson<{ actions: Array<{ kind: string; target: string }> }>(repo.dir, ['gc'], {
      KUBECONFIG: double.kubeconfig,
    });
    expect(gc.actions.filter((a) => a.kind === 'orphan-pod').map((a) => a.target)).toEqual([mineName]);
    expect(double.pods().map((p) => p.metadata.name)).toEqual([theirsName]);
    expect(double.policies().map((p) => p.metadata.name)).toEqual([theirsName]);
    await deletePod(kube, 'agents', theirsName);
    await deletePolicy(kube, 'agents', theirsName);
  }, 120_000);
});
