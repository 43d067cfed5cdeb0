import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/core/config.js';
import { isBraidError } from '../../src/core/errors.js';
import {
  asCidr,
  egressPolicy,
  egressTargets,
  modelApiTarget,
  parseEgressEntry,
} from '../../src/core/kube-egress.js';
import {
  kubeAnnotations,
  kubeLabels,
  kubePodName,
  kubeResources,
  type PodInput,
  podKeeperLink,
  podManifest,
} from '../../src/core/kube-manifest.js';

interface Container {
  name: string;
  image: string;
  command: string[];
  env: Array<{ name: string; value: string }>;
  resources: { limits?: Record<string, string> };
  tty: boolean;
  workingDir?: string;
}
interface PodSpec {
  restartPolicy: string;
  automountServiceAccountToken: boolean;
  enableServiceLinks: boolean;
  volumes: Array<Record<string, unknown>>;
  initContainers: Container[];
  containers: Container[];
}

const input = (over: Partial<PodInput> = {}): PodInput => ({
  name: 'braid-00000000-t1',
  namespace: 'agents',
  labels: kubeLabels('Demo Repo', '/src/demo/.git', 't1'),
  annotations: kubeAnnotations('/src/demo/.git'),
  image: 'registry.local/braid-agent:1',
  mode: 'headless',
  argv: ['claude', '-p', 'hello'],
  env: { BRAID_TASK: 't1', PORT: '4850' },
  workdir: '/work/demo',
  branch: 'braid/t1',
  base: 'a'.repeat(40),
  endpoint: 'http://10.0.0.5:7070/k/t1',
  token: 'secret-token',
  limits: { memory: '512M', cpu: 1.5 },
  ...over,
});
const specOf = (m: Record<string, unknown>) => m.spec as PodSpec;
const envOf = (c: Container) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));

describe('the pod of a task', () => {
  it('mounts no service-account token, no host path, and links no services', () => {
    const spec = specOf(podManifest(input()));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.volumes).toEqual([{ name: 'work', emptyDir: {} }]);
    expect(JSON.stringify(spec)).not.toMatch(/hostPath/);
  });

  it('is labelled for gc with label-safe values, the full repository path as an annotation', () => {
    const m = podManifest(input());
    const meta = m.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
    expect(meta.labels['braid.dev/task']).toBe('t1');
    expect(meta.labels['braid.dev/repo']).toMatch(/^demo-repo-[0-9a-f]{8}$/);
    expect(meta.annotations['braid.dev/repo-path']).toBe('/src/demo/.git');
    for (const v of Object.values(meta.labels)) expect(v).toMatch(/^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/);
  });

  it('passes exactly the environment given, plus the endpoint, the token and the branch to fetch', () => {
    const spec = specOf(podManifest(input()));
    const env = envOf(spec.containers[0]);
    expect(env).toMatchObject({
      BRAID_TASK: 't1',
      PORT: '4850',
      BRAID_ENDPOINT: 'http://10.0.0.5:7070/k/t1',
      BRAID_TOKEN: 'secret-token',
      BRAID_BRANCH: 'braid/t1',
      BRAID_BASE: 'a'.repeat(40),
      BRAID_WORKDIR: '/work/demo',
    });
    expect(Object.keys(env).sort()).toEqual(
      [
        'BRAID_BASE',
        'BRAID_BRANCH',
        'BRAID_ENDPOINT',
        'BRAID_EXIT_FILE',
        'BRAID_LOG',
        'BRAID_TASK',
        'BRAID_TOKEN',
        'BRAID_WORKDIR',
        'PORT',
        'TERM',
      ].sort(),
    );
    // The init step fetches with the same variables, so it has the token too.
    expect(envOf(spec.initContainers[0])).toEqual(env);
    expect(() => podManifest(input({ env: { 'BAD NAME': 'x' } }))).toThrow(/cannot be passed/);
  });

  it('fetches the bundle before the agent, and the agent runs in the checkout with its command last', () => {
    const spec = specOf(podManifest(input()));
    expect(spec.initContainers[0].command.join(' ')).toMatch(
      /\/bundle.*git clone -q --branch "\$BRAID_BRANCH"/s,
    );
    const agent = spec.containers[0];
    expect(agent.workingDir).toBe('/work/demo');
    expect(agent.command.slice(-3)).toEqual(['claude', '-p', 'hello']);
    expect(agent.command[2]).toMatch(/git bundle create .*"\^\$BRAID_BASE"/);
    expect(agent.tty).toBe(false);
    const interactive = specOf(podManifest(input({ mode: 'tmux' }))).containers[0];
    expect(interactive.tty).toBe(true);
    expect(interactive.command).toContain('new-session');
  });

  it('takes its limits from braid.yaml as Kubernetes quantities, and refuses a pod without an image', () => {
    expect(specOf(podManifest(input())).containers[0].resources).toEqual({
      limits: { memory: String(512 * 1024 * 1024), cpu: '1500m' },
    });
    expect(kubeResources(undefined)).toEqual({});
    expect(kubeResources({ cpu: 0.25 })).toEqual({ limits: { cpu: '250m' } });
    try {
      podManifest(input({ image: '' }));
      expect.unreachable();
    } catch (err) {
      expect(isBraidError(err, 'E_CONFIG')).toBe(true);
    }
  });

  it("reads back from a pod where its keeper must listen and the token it sends (a keeper's re-attach)", () => {
    expect(podKeeperLink(podManifest(input()))).toEqual({ token: 'secret-token', port: 7070 });
    // A public URL with its scheme's default port written away.
    expect(podKeeperLink(podManifest(input({ endpoint: 'https://braid.example/k/t1' })))?.port).toBe(443);
    expect(podKeeperLink({ spec: { containers: [{ name: 'agent', env: [] }] } })).toBeNull();
  });

  it('names pods as DNS labels, distinct for tasks that differ in _ and -', () => {
    const a = kubePodName('demo', '/x/.git', 'a_b');
    const b = kubePodName('demo', '/x/.git', 'a-b');
    expect(a).not.toBe(b);
    const long = kubePodName('demo', '/x/.git', `${'x'.repeat(39)}_`);
    for (const n of [a, b, long]) expect(n).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    expect(kubePodName('demo', '/y/.git', 't1')).not.toBe(kubePodName('demo', '/x/.git', 't1'));
  });
});

describe('the egress policy', () => {
  it('reads HOST[:PORT] and CIDR[:PORT] entries, 443 by default', () => {
    expect(parseEgressEntry('registry.npmjs.org')).toEqual({ host: 'registry.npmjs.org', port: 443 });
    expect(parseEgressEntry('10.0.0.0/8:5432')).toEqual({ host: '10.0.0.0/8', port: 5432 });
    expect(parseEgressEntry('[fd00::1]:80')).toEqual({ host: 'fd00::1', port: 80 });
    expect(() => parseEgressEntry('a:b:c')).toThrow(/HOST\[:PORT\]/);
    expect(() => parseEgressEntry('host:70000')).toThrow(/HOST\[:PORT\]/);
  });

  it("allows the agent's model API (or its base URL), the endpoint and the listed hosts, once each", () => {
    expect(modelApiTarget('claude', {})).toEqual({ host: 'api.anthropic.com', port: 443 });
    expect(modelApiTarget('codex', {})).toEqual({ host: 'api.openai.com', port: 443 });
    expect(modelApiTarget('claude', { ANTHROPIC_BASE_URL: 'http://proxy.local:8080/v1' })).toEqual({
      host: 'proxy.local',
      port: 8080,
    });
    expect(modelApiTarget('aider', {})).toBeNull();
    const targets = egressTargets(modelApiTarget('claude', {}), 'http://10.0.0.5:7070/k/t1', [
      'api.anthropic.com',
      'pypi.org',
    ]);
    expect(targets).toEqual([
      { host: 'api.anthropic.com', port: 443 },
      { host: '10.0.0.5', port: 7070 },
      { host: 'pypi.org', port: 443 },
    ]);
  });

  it('denies all egress but DNS and the peers, selecting the pod by its labels', () => {
    const labels = kubeLabels('demo', '/x/.git', 't1');
    const policy = egressPolicy({
      name: 'braid-x-t1',
      namespace: 'agents',
      labels,
      peers: [
        { cidr: '10.0.0.5/32', port: 7070 },
        { cidr: '10.0.0.5/32', port: 443 },
        { cidr: '160.79.104.10/32', port: 443 },
      ],
    });
    const spec = policy.spec as {
      podSelector: { matchLabels: Record<string, string> };
      policyTypes: string[];
      egress: Array<{ to?: unknown[]; ports: Array<{ protocol: string; port: number }> }>;
    };
    expect(spec.podSelector.matchLabels).toEqual(labels);
    expect(spec.policyTypes).toEqual(['Egress']);
    expect(spec.egress[0]).toEqual({
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    });
    expect(spec.egress.slice(1)).toEqual([
      {
        to: [{ ipBlock: { cidr: '10.0.0.5/32' } }],
        ports: [
          { protocol: 'TCP', port: 443 },
          { protocol: 'TCP', port: 7070 },
        ],
      },
      { to: [{ ipBlock: { cidr: '160.79.104.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  it('tells addresses from host names', () => {
    expect(asCidr('10.1.2.3')).toBe('10.1.2.3/32');
    expect(asCidr('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(asCidr('fd00::1')).toBe('fd00::1/128');
    expect(asCidr('pypi.org')).toBeNull();
  });
});

describe('kubernetes in braid.yaml', () => {
  it('defaults to the default namespace and no extra egress, and refuses unknown keys', () => {
    expect(configSchema.parse({}).kubernetes).toEqual({ namespace: 'default', egress: [], env: [] });
    const k = configSchema.parse({
      kubernetes: { context: 'kind-braid', namespace: 'agents', image: 'i:1', egress: ['pypi.org'] },
    }).kubernetes;
    expect(k).toMatchObject({
      context: 'kind-braid',
      namespace: 'agents',
      image: 'i:1',
      egress: ['pypi.org'],
    });
    expect(configSchema.safeParse({ kubernetes: { cluster: 'x' } }).success).toBe(false);
    expect(configSchema.safeParse({ kubernetes: { endpoint: 'ftp://x' } }).success).toBe(false);
  });
});
