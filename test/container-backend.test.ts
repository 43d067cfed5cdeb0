import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { CLI, cliJson, ROOT, runCli } from './helpers/cli.js';
import { containerEngineProblem, engineSettings, HOST_USR_MOUNT, hostRootfs } from './helpers/container.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { openTerminal, type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

interface Row {
  name: string;
  status: string;
  backend: string;
  ports: Record<string, number>;
  worktree: string;
}

const rootfs = hostRootfs(mkdtempSync(path.join(tmpdir(), 'braid-rootfs-')));
// Asked once, before the tests: a machine whose podman cannot run containers skips them with its words.
const problem = await containerEngineProblem(rootfs);

let repo: TempRepo;
let outer: TmuxServer | undefined;
let env: NodeJS.ProcessEnv;
const braid = (...args: string[]) => runCli(repo.dir, args, { env, timeoutMs: 120_000 });
const row = async (name: string) =>
  (await cliJson<{ tasks: Row[] }>(repo.dir, ['ls'], env)).tasks.find((t) => t.name === name);
const podman = (...args: string[]) => run('podman', args, { cwd: '/', allowFailure: true });
/** This repository's containers (of one task, when named), by braid's labels: their names. */
const containers = async (task?: string) => {
  const filters = [
    `label=braid.repo=${path.join(repo.dir, '.git')}`,
    ...(task ? [`label=braid.task=${task}`] : []),
  ];
  const res = await podman('ps', '-a', ...filters.flatMap((f) => ['--filter', f]), '--format', '{{.Names}}');
  return res.stdout.split('\n').filter(Boolean);
};
const script = (...lines: string[]) => ['```', ...lines, '```'].join('\n');

beforeAll(async () => {
  if (problem) return;
  repo = await tempRepo({ files: { 'README.md': '# demo\n' } });
  const bin = path.join(repo.parent, 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(ROOT, 'test/fixtures/fake-claude'), path.join(bin, 'claude'));
  writeFileSync(path.join(repo.parent, 'secret.txt'), 'outside every mount\n');
  const { runtime, args } = engineSettings();
  writeFileSync(
    path.join(repo.dir, 'braid.yaml'),
    [
      'agent: claude',
      'deps: none',
      'ports: { names: [PORT], range: [4850, 4899], block: 3 }',
      'limits: { memory: 256M }',
      'container:',
      '  engine: podman',
      `  rootfs: ${JSON.stringify(rootfs)}`,
      ...(runtime ? [`  runtime: ${runtime}`] : []),
      `  args: ${JSON.stringify(args)}`,
      `  mounts: [${JSON.stringify(HOST_USR_MOUNT)}, ${JSON.stringify(`${bin}:/opt/fakebin:ro`)}]`,
      '  env: ["PATH=/opt/fakebin:/usr/bin:/bin", "HOME=/tmp", "CLAUDE_CONFIG_DIR=/tmp/claude"]',
      '',
    ].join('\n'),
  );
  await repo.commit('braid.yaml', {});
  env = { BRAID_TEST_SECRET: 'from the host' };
});

afterAll(async () => {
  rmSync(rootfs, { recursive: true, force: true });
  if (problem) return;
  await outer?.kill();
  // Whatever a failed test left: this repository's containers go with it.
  for (const name of await containers()) await podman('rm', '-f', name);
  repo?.cleanup();
});

describe('the container backend, through the CLI', () => {
  it('runs the agent in a container: commits, hooks, ports, limits, no host leaks; then lands and is removed', async (ctx) => {
    if (problem) ctx.skip(problem);
    const prompt = script(
      '@run (cat /sys/fs/cgroup/memory.max || cat /sys/fs/cgroup/memory/memory.limit_in_bytes) > limit.txt 2>/dev/null',
      `@run if test -e ${path.join(repo.parent, 'secret.txt')}; then echo visible; else echo hidden; fi > seen.txt`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, for the agent's sh
      '@run echo "${BRAID_TEST_SECRET:-unset}" > env.txt',
      `@run node -e "require('http').createServer((q, s) => s.end('from the container')).listen(+process.env.PORT)" > /dev/null 2>&1 &`,
      '@write hello.txt made in a container',
      '@commit container work',
      '@say done in the container',
    );
    const created = await braid('new', 't1', '--backend', 'container', '-p', prompt);
    expect(created.stderr).not.toMatch(/error|braid:/i);
    expect(created.code).toBe(0);

    // Hooks from inside reach the store: the interactive agent is idle once its turn is over.
    const idle = await until(
      't1 idle',
      async () => ((await row('t1'))?.status === 'idle' ? row('t1') : undefined),
      90_000,
    );
    expect(idle?.backend).toBe('container');
    expect((await braid('ls')).stdout).toMatch(/t1\s.*container/);
    const wt = idle?.worktree as string;
    expect(await run('git', ['log', '-1', '--format=%s'], { cwd: wt }).then((r) => r.stdout.trim())).toBe(
      'container work',
    );
    expect(readFileSync(path.join(wt, 'seen.txt'), 'utf8').trim()).toBe('hidden');
    expect(readFileSync(path.join(wt, 'env.txt'), 'utf8').trim()).toBe('unset');
    expect(readFileSync(path.join(wt, 'limit.txt'), 'utf8').trim()).toBe(String(256 * 1024 * 1024));

    // The port block is published on 127.0.0.1.
    const port = idle?.ports.PORT as number;
    const body = await until('the server in the container answers', async () =>
      fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()),
    );
    expect(body).toBe('from the container');

    const logs = await braid('logs', 't1');
    expect(logs.stdout).toContain('done in the container');

    // The pane of the tmux inside the container runs the agent: read through the engine, as attach reaches it.
    const [name] = await containers('t1');
    const inner = (...args: string[]) =>
      podman('exec', name, 'tmux', '-L', 'braid', '-f', '/dev/null', ...args);
    expect((await inner('capture-pane', '-p', '-t', 'main')).stdout).toContain('done in the container');
    expect((await inner('list-panes', '-a', '-F', '#{session_name} #{pane_dead}')).stdout.trim()).toBe(
      'main 0',
    );
    const clients = async () => (await inner('list-clients')).stdout.split('\n').filter(Boolean).length;
    expect(await clients()).toBe(1);
    // braid attach in a real terminal (a pane of a private tmux server) shows that pane; leaving it ends only the client.
    const term = tmuxServer();
    outer = term;
    await openTerminal(term, 'term', repo.dir, [
      'env',
      '-u',
      'TMUX',
      'BRAID_NO_SUPERVISOR=1',
      process.execPath,
      CLI,
      'attach',
      't1',
    ]);
    await until('the agent in the attached terminal', async () =>
      (await term.run(['capture-pane', '-p', '-t', 'term:'])).includes('done in the container'),
    );
    // The container's first process is a client of its own; attach adds one.
    expect(await clients()).toBe(2);
    // Detaching (the prefix, then d) ends the client; the session and the agent stay.
    await term.run(['send-keys', '-t', 'term:', 'C-b', 'd']);
    await until('the attach client gone', async () => (await clients()) === 1);
    expect((await row('t1'))?.status).toBe('idle');
    await term.kill();

    // send types into tmux inside the container; the agent ends, and with it the container.
    expect((await braid('send', 't1', '@exit 0')).code).toBe(0);
    await until('t1 exited', async () => (await row('t1'))?.status === 'exited', 60_000);

    const landed = await cliJson<{ landed: Array<{ name: string }> }>(repo.dir, ['land', 't1'], env);
    expect(landed.landed.map((l) => l.name)).toEqual(['t1']);
    expect(await repo.git('show', 'main:hello.txt')).toBe('made in a container');

    expect(await containers('t1')).toHaveLength(1);
    expect((await braid('rm', 't1')).code).toBe(0);
    expect(await containers('t1')).toEqual([]);
  }, 300_000);

  it('runs a headless agent to its end (exit code, log), and gc removes a container no task owns', async (ctx) => {
    if (problem) ctx.skip(problem);
    const prompt = script('@write h.txt headless in a container', '@commit headless work');
    const created = await braid('new', 'h1', '--backend', 'container', '--headless', '-p', prompt);
    expect(created.code).toBe(0);
    await until('h1 exited', async () => (await row('h1'))?.status === 'exited', 90_000);
    const ls = await cliJson<{ tasks: Array<Row & { exitCode: number | null; branch: string }> }>(
      repo.dir,
      ['ls'],
      env,
    );
    const h1 = ls.tasks.find((t) => t.name === 'h1');
    expect(h1?.exitCode).toBe(0);
    expect(await repo.git('log', '-1', '--format=%s', h1?.branch ?? '')).toBe('headless work');
    // The stream-json the headless agent printed went to the task's log through the mounted git folder.
    expect((await braid('logs', 'h1')).stdout).toContain('"type":"result"');

    const ghost = await podman(
      'create',
      '--label',
      `braid.repo=${path.join(repo.dir, '.git')}`,
      '--label',
      'braid.task=ghost',
      '--rootfs',
      rootfs,
      'true',
    );
    expect(ghost.code).toBe(0);
    const gc = await cliJson<{ actions: Array<{ kind: string; target: string }> }>(repo.dir, ['gc'], env);
    expect(gc.actions.filter((a) => a.kind === 'orphan-container')).toHaveLength(1);
    expect(await containers('ghost')).toEqual([]);
    expect(await containers('h1')).toHaveLength(1);
    expect((await braid('rm', 'h1', '--force')).code).toBe(0);
  }, 300_000);

  it("braid doctor names the engine, its version, rootful or rootless, and runs a container with braid.yaml's settings", async (ctx) => {
    if (problem) ctx.skip(problem);
    const doctor = JSON.parse((await braid('doctor', '--json')).stdout) as {
      checks: Array<{ name: string; ok: boolean; detail: string }>;
    };
    const check = doctor.checks.find((c) => c.name === 'container engine');
    expect(check?.ok).toBe(true);
    expect(check?.detail).toMatch(
      /^podman \d+\.\d+\.\d+, (rootful|rootless): runs a container \(container\.rootfs\)$/,
    );
  });

  it('refuses the kubernetes backend without kubernetes.image before creating anything', async (ctx) => {
    if (problem) ctx.skip(problem);
    const res = await braid('new', 'k1', '--backend', 'kubernetes', '-p', 'x');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/the kubernetes backend needs kubernetes.image/);
    expect(await row('k1')).toBeUndefined();
  });
});
