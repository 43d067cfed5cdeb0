/**
 * The Kubernetes backend through the CLI, against the API-server double (its "pods" are local processes under
 * bubblewrap): new → the scripted agent commits in the pod's clone → hooks and the work come back through the
 * keeper's endpoint → ls, logs → land → rm leaves no pod.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, ROOT, runCli } from './helpers/cli.js';
import { type KubeDouble, startKubeDouble } from './helpers/kube-api.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

interface Row {
  name: string;
  status: string;
  backend: string;
  exitCode: number | null;
  agentSessionId: string | null;
  branch: string;
}

let repo: TempRepo;
let double: KubeDouble;
let env: NodeJS.ProcessEnv;
let binDir: string | undefined;
const braid = (...args: string[]) => runCli(repo.dir, args, { env, timeoutMs: 120_000 });
const row = async (name: string) =>
  (await cliJson<{ tasks: Row[] }>(repo.dir, ['ls'], env)).tasks.find((t) => t.name === name);

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  double = await startKubeDouble(repo.parent);
  // A copy, not a link: the pod's emptyDir is bound at /work, which hides whatever lives under /work here.
  binDir = mkdtempSync(path.join(tmpdir(), 'braid-kube-bin-'));
  const fakeBin = path.join(binDir, 'bin');
  mkdirSync(fakeBin);
  copyFileSync(path.join(ROOT, 'test/fixtures/fake-claude'), path.join(fakeBin, 'claude'));
  // The pod's environment is braid.yaml's list and nothing else: its PATH (the double's "image" is this host).
  const podEnv = [
    `PATH=${fakeBin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
    'HOME=/work',
    'CLAUDE_CONFIG_DIR=/work/claude',
    // The policy's model-API peer is then an address: no name to resolve on a machine without DNS.
    'ANTHROPIC_BASE_URL=http://127.0.0.1:9',
    ...Object.entries(GIT_TEST_ENV).map(([k, v]) => `${k}=${v}`),
  ];
  await repo.commit('braid.yaml', {
    'braid.yaml': [
      'agent: claude',
      'deps: none',
      'kubernetes:',
      '  image: host',
      '  namespace: agents',
      `  env: ${JSON.stringify(podEnv)}`,
      '',
    ].join('\n'),
  });
  env = { KUBECONFIG: double.kubeconfig };
});

afterAll(async () => {
  await double?.close();
  repo?.cleanup();
  if (binDir) rmSync(binDir, { recursive: true, force: true });
});

describe('the kubernetes backend, through the CLI and the API-server double', () => {
  it('runs the agent in a pod: its commits and hooks come back; ls, logs, land, rm', async () => {
    const prompt = [
      '```',
      '@write hello.txt made in a pod',
      '@commit pod work',
      '@say done in the pod',
      '```',
    ].join('\n');
    // A note for every later session: it reaches the pod's agent in a hook's answer.
    expect((await braid('note', 'tabs, not spaces, in the pod')).code).toBe(0);
    const created = await braid('new', 't1', '--backend', 'kubernetes', '--headless', '-p', prompt);
    expect(created.stderr).not.toMatch(/error|braid:/i);
    expect(created.code).toBe(0);
    expect(double.pods().map((p) => p.metadata.labels?.['braid.dev/task'])).toEqual(['t1']);
    // Default-deny egress but DNS, the model's API (ANTHROPIC_BASE_URL) and the keeper's endpoint, both here.
    const [policy] = double.policies() as Array<{
      spec: { egress: Array<{ to?: unknown[]; ports: unknown[] }> };
    }>;
    expect(policy.spec.egress.flatMap((r) => r.to ?? [])).toEqual([{ ipBlock: { cidr: '127.0.0.1/32' } }]);

    const ended = await until(
      't1 exited',
      async () => {
        const r = await row('t1');
        // The end as the keeper recorded it (a SessionEnd hook alone says exited before that).
        return r && r.exitCode !== null ? r : undefined;
      },
      90_000,
    );
    expect(ended).toMatchObject({ backend: 'kubernetes', status: 'exited', exitCode: 0 });
    // SessionStart's session_id came through the pod's hook command, the endpoint and `braid hook`.
    expect(ended?.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
    // The work came back as a bundle: into incoming, then the task's branch.
    expect(await repo.git('log', '-1', '--format=%s', 'refs/braid/incoming/t1')).toBe('pod work');
    expect(await repo.git('log', '-1', '--format=%s', ended?.branch ?? '')).toBe('pod work');

    const logs = await braid('logs', 't1');
    expect(logs.stdout).toContain('done in the pod');
    expect(logs.stdout).toContain('tabs, not spaces, in the pod');

    const landed = await cliJson<{ landed: Array<{ name: string }> }>(repo.dir, ['land', 't1'], env);
    expect(landed.landed.map((l) => l.name)).toEqual(['t1']);
    expect(await repo.git('show', 'main:hello.txt')).toBe('made in a pod');

    expect((await braid('rm', 't1')).code).toBe(0);
    expect(double.pods()).toEqual([]);
    expect(double.policies()).toEqual([]);
  }, 240_000);
});
