/**
 * The Kubernetes backend through the CLI, against the API-server double (its "pods" are local processes under
 * bubblewrap): new → the scripted agent commits in the pod's clone → hooks and the work come back through the
 * keeper's endpoint → ls, logs → land → rm leaves no pod. Then a reboot (the keeper killed, the pod running on)
 * and `braid up`; `braid stop` and a resume; two pods' work colliding on the radar; an interactive pod (tmux in
 * the pod on the double's pseudo-terminal): send, attach through kubectl, the work back.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventKind } from '../src/core/events.js';
import { isProcessAlive } from '../src/exec/pid.js';
import { openStore } from '../src/store/db.js';
import { listEvents } from '../src/store/events.js';
import { CLI, cliJson, ROOT, runCli } from './helpers/cli.js';
import { type KubeDouble, startKubeDouble } from './helpers/kube-api.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';
import { openTerminal, type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

const kubectlOnPath = (process.env.PATH ?? '')
  .split(path.delimiter)
  .some((dir) => dir && existsSync(path.join(dir, 'kubectl')));

interface Row {
  name: string;
  status: string;
  statusDetail: string | null;
  backend: string;
  exitCode: number | null;
  agentSessionId: string | null;
  branch: string;
  worktree: string;
  pid: number | null;
}

let repo: TempRepo;
let double: KubeDouble;
let env: NodeJS.ProcessEnv;
let binDir: string | undefined;
let outer: TmuxServer | undefined;
const braid = (...args: string[]) => runCli(repo.dir, args, { env, timeoutMs: 120_000 });
const row = async (name: string) =>
  (await cliJson<{ tasks: Row[] }>(repo.dir, ['ls'], env)).tasks.find((t) => t.name === name);
/** The task's events as the store holds them (a hook taken in by a keeper is one). */
const events = <K extends EventKind>(task: string, kinds: K[]) => {
  const store = openStore(path.join(repo.dir, '.git'));
  try {
    return listEvents<K>(store, { task, kinds });
  } finally {
    store.close();
  }
};
const podOf = (task: string) => double.pods().find((p) => p.metadata.labels?.['braid.dev/task'] === task);
/** Once the agent's commit came back as a hook (PostToolUse of its Bash): it then waits at its @waitfile. */
const committedOnce = (task: string) =>
  until(`${task} committed in its pod`, async () => {
    const hooked = events(task, ['hook.received']).some(
      (e) => e.data.event === 'PostToolUse' && e.data.tool === 'Bash',
    );
    const r = hooked ? await row(task) : undefined;
    return r?.agentSessionId && r.pid ? r : undefined;
  });
const ended = (task: string) =>
  until(`${task} ended`, async () => {
    const r = await row(task);
    // The end as the keeper recorded it (a SessionEnd hook alone says exited before that).
    return r && r.exitCode !== null ? r : undefined;
  });
const script = (...lines: string[]) => ['```', ...lines, '```'].join('\n');

beforeAll(async () => {
  repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  double = await startKubeDouble(repo.parent, { tls: true });
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
  await outer?.kill();
  // The supervisor `braid up` started first: it would bring sessions back.
  if (repo) await runCli(repo.dir, ['down'], { env });
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

  it('after a reboot, braid up re-attaches a keeper to the pod still running: the agent is not restarted, its hooks, log and work flow again', async () => {
    const release = path.join(binDir as string, 'release-t2');
    const prompt = script(
      '@write a.txt before',
      '@commit before the reboot',
      `@waitfile ${release}`,
      '@write b.txt after',
      '@commit after the reboot',
      '@say back after the reboot',
    );
    expect((await braid('new', 't2', '--backend', 'kubernetes', '--headless', '-p', prompt)).code).toBe(0);
    const before = await committedOnce('t2');
    const uid = podOf('t2')?.metadata.uid;
    // The machine goes down: every braid process SIGKILLed (no supervisor runs here before braid up), the keeper
    // with it; the pod, on its cluster, runs on.
    const keeper = before.pid as number;
    process.kill(keeper, 'SIGKILL');
    await until('the keeper is gone', () => !isProcessAlive(keeper));

    const up = await cliJson<{
      revived: Array<{ name: string }>;
      reattached: Array<{ name: string; pod: string; pid: number }>;
    }>(repo.dir, ['up'], env);
    expect(up.revived, JSON.stringify(up)).toEqual([]);
    expect(up.reattached.map((r) => [r.name, r.pod])).toEqual([['t2', podOf('t2')?.metadata.name]]);
    // The same pod, its agent never restarted: one session.started, the same conversation.
    expect(podOf('t2')?.metadata.uid).toBe(uid);
    expect(events('t2', ['session.started'])).toHaveLength(1);
    const back = await row('t2');
    expect(back).toMatchObject({ status: 'working', agentSessionId: before.agentSessionId });
    // A new keeper, alive, and the one the task's handle names.
    expect(back?.pid).not.toBe(keeper);
    expect(isProcessAlive(back?.pid ?? null)).toBe(true);
    expect(readFileSync(`/proc/${back?.pid}/cmdline`, 'utf8')).toContain('kube-keeper');
    const reattachedAt = events('t2', ['session.reattached'])[0]?.id ?? Infinity;

    writeFileSync(release, '');
    const done = await ended('t2');
    expect(done).toMatchObject({ status: 'exited', exitCode: 0 });
    // The hooks of after the reboot reached the new keeper, and the work came back through its endpoint.
    const hooksAfter = events('t2', ['hook.received']).filter((e) => e.id > reattachedAt);
    expect(hooksAfter.map((e) => e.data.event)).toContain('SessionEnd');
    expect(await repo.git('log', '--format=%s', done.branch)).toMatch(
      /^after the reboot\nbefore the reboot\n/,
    );
    const logs = await braid('logs', 't2');
    expect(logs.stdout).toContain('back after the reboot');
    expect((await braid('down')).code).toBe(0);
    expect((await braid('rm', 't2', '--force')).code).toBe(0);
  }, 240_000);

  it('braid stop ends the pod and keeps what it committed; braid start resumes the recorded session in a new pod', async () => {
    const never = path.join(binDir as string, 'never-t3');
    const prompt = script('@write s.txt kept', '@commit kept before the stop', `@waitfile ${never}`);
    expect((await braid('new', 't3', '--backend', 'kubernetes', '--headless', '-p', prompt)).code).toBe(0);
    const running = await committedOnce('t3');
    const first = podOf('t3')?.metadata.uid;

    expect((await braid('stop', 't3')).code).toBe(0);
    // No pod left (nor its policy); the task stopped, its commit back on its branch and in its worktree.
    expect(podOf('t3')).toBeUndefined();
    expect(double.policies().filter((p) => p.metadata.labels?.['braid.dev/task'] === 't3')).toEqual([]);
    const stopped = await row('t3');
    expect(stopped?.status).toBe('failed');
    expect(stopped?.statusDetail).toMatch(/stopped with braid stop/);
    expect(await repo.git('log', '-1', '--format=%s', running.branch)).toBe('kept before the stop');
    expect(readFileSync(path.join(running.worktree, 's.txt'), 'utf8')).toBe('kept\n');

    // Resumed: a new pod, the agent given the recorded session id; it clones the branch with the kept commit.
    expect((await braid('start', 't3', '--headless')).code).toBe(0);
    const again = podOf('t3');
    expect(again?.metadata.uid).not.toBe(first);
    const command = (again?.spec.containers[0].command ?? []).join(' ');
    expect(command).toContain(`--resume ${running.agentSessionId}`);
    const done = await ended('t3');
    expect(done.agentSessionId).toBe(running.agentSessionId);
    expect(events('t3', ['session.started']).map((e) => e.data.resume)).toEqual([false, true]);
    expect((await braid('rm', 't3', '--force')).code).toBe(0);
    expect(podOf('t3')).toBeUndefined();
  }, 240_000);

  it('the radar sees two pods collide once their work came back onto their branches', async () => {
    const made = await Promise.all(
      ['r1', 'r2'].map((name) =>
        braid(
          'new',
          name,
          '--backend',
          'kubernetes',
          '--headless',
          '-p',
          script(`@write clash.txt written by ${name}`, `@commit ${name} clash`),
        ),
      ),
    );
    expect(made.map((r) => r.code)).toEqual([0, 0]);
    for (const name of ['r1', 'r2']) expect(await ended(name)).toMatchObject({ exitCode: 0 });
    const radar = await cliJson<{ pairs: Array<{ a: string; b: string; kind: string; files: string[] }> }>(
      repo.dir,
      ['radar'],
      env,
    );
    expect(radar.pairs).toEqual([
      expect.objectContaining({ a: 'r1', b: 'r2', kind: 'textual', files: ['clash.txt'] }),
    ]);
    for (const name of ['r1', 'r2']) expect((await braid('rm', name, '--force')).code).toBe(0);
  }, 240_000);
  // braid attach execs into a pod through kubectl: where the machine has none, this one case is skipped.
  it.skipIf(!kubectlOnPath)(
    'an interactive pod: the agent in tmux in the pod, braid send types to it, braid attach (kubectl exec -it) shows it, its work comes back',
    async () => {
      const prompt = script('@say ready in the pod tmux');
      expect((await braid('new', 't4', '--backend', 'kubernetes', '-p', prompt)).code).toBe(0);
      const pod = podOf('t4');
      expect(pod?.spec.containers[0]).toMatchObject({ tty: true, stdin: true });
      // Hooks through the keeper: the first turn over, the agent waits at its prompt in the pod's tmux.
      await until('t4 idle', async () => (await row('t4'))?.status === 'idle');

      // send types a line into the pod's tmux (tmux send-keys over braid's exec): the agent runs it.
      const line = '@write sent.txt typed by braid send ;; @commit sent from braid send';
      expect((await braid('send', 't4', line)).code).toBe(0);
      await until('the sent line ran in the pod', () =>
        events('t4', ['hook.received']).some((e) => e.data.event === 'PostToolUse' && e.data.tool === 'Bash'),
      );

      // braid attach in a real terminal (a pane of a private tmux server): kubectl exec -it into the pod's tmux.
      const term = tmuxServer();
      outer = term;
      await openTerminal(term, 'term', repo.dir, ['sleep', '600']);
      await term.run(['set-option', '-g', 'remain-on-exit', 'on']);
      const attachCode = path.join(repo.parent, 'attach-exit-code');
      const attachEnv = ['env', '-u', 'TMUX', `KUBECONFIG=${double.kubeconfig}`, 'BRAID_NO_SUPERVISOR=1'];
      await term.run([
        'respawn-pane',
        '-k',
        '-t',
        'term:',
        '--',
        ...attachEnv,
        'sh',
        '-c',
        '"$@"; echo $? > "$0"',
        attachCode,
        process.execPath,
        CLI,
        'attach',
        't4',
      ]);
      const screen = () => term.run(['capture-pane', '-p', '-t', 'term:']);
      // The pod's pane: the agent's first answer and the line send typed.
      await until('the pod agent in the attached terminal', async () => {
        const text = await screen();
        return text.includes('ready in the pod tmux') && text.includes('typed by braid send');
      });
      // The exec kubectl made: on a terminal, into the pod's tmux session, sized as the attaching terminal.
      const exec = double.execs().find((e) => e.command.includes('attach-session'));
      expect(exec).toMatchObject({ pod: pod?.metadata.name, container: 'agent', tty: true, stdin: true });
      const [cols, rows] = (
        await term.run(['display-message', '-p', '-t', 'term:', '#{pane_width} #{pane_height}'])
      )
        .split(' ')
        .map(Number);
      expect(exec?.resized).toContainEqual({ Width: cols, Height: rows });
      // Detaching (the prefix, then d) ends kubectl's client with success; the agent in the pod carries on.
      await term.run(['send-keys', '-t', 'term:', 'C-b', 'd']);
      // tmux 3.3 can leave a dead pane's status unset: the attach's exit code is recorded by its wrapper.
      const code = await until('attach ended by the detach', () => {
        const text = existsSync(attachCode) ? readFileSync(attachCode, 'utf8').trim() : '';
        return text || undefined;
      });
      expect(code).toBe('0');
      expect((await row('t4'))?.status).toBe('idle');
      await term.kill();
      outer = undefined;

      // The agent told to end: its tmux session ends, the pod sends the commit back onto the branch; it lands.
      expect((await braid('send', 't4', '/exit')).code).toBe(0);
      const done = await ended('t4');
      expect(done).toMatchObject({ status: 'exited', exitCode: 0 });
      expect(await repo.git('log', '-1', '--format=%s', done.branch)).toBe('sent from braid send');
      const landed = await cliJson<{ landed: Array<{ name: string }> }>(repo.dir, ['land', 't4'], env);
      expect(landed.landed.map((l) => l.name)).toEqual(['t4']);
      expect(await repo.git('show', 'main:sent.txt')).toBe('typed by braid send');
      expect((await braid('rm', 't4')).code).toBe(0);
      expect(podOf('t4')).toBeUndefined();
    },
    240_000,
  );
});
