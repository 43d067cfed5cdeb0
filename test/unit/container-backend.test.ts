import { describe, expect, it } from 'vitest';
import { backendOfOptions, chooseBackend } from '../../src/core/backend.js';
import { configSchema } from '../../src/core/config.js';
import {
  containerCommand,
  containerEnv,
  containerName,
  containerProbeArgs,
  containerRunArgs,
  envFileText,
  limitArgs,
  orderMounts,
  parseMountSpec,
  publishArgs,
} from '../../src/core/container-args.js';
import { listArgs, parseEngineVersion, parseRootless } from '../../src/core/container-engine.js';
import { isBraidError } from '../../src/core/errors.js';
import { parsePlan } from '../../src/core/plan.js';

/** The value after each occurrence of `flag` in argv. */
const values = (argv: string[], flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));

describe('choosing a backend', () => {
  it('takes the flag, then the plan task, then braid.yaml, then local', () => {
    expect(chooseBackend(undefined, undefined)).toBe('local');
    expect(chooseBackend(undefined, 'container')).toBe('container');
    expect(chooseBackend('local', 'container')).toBe('local');
    expect(chooseBackend(undefined, undefined, 'container')).toBe('container');
  });

  it('takes kubernetes, and refuses an unknown name as a usage error', () => {
    expect(chooseBackend('kubernetes')).toBe('kubernetes');
    try {
      chooseBackend('vm');
      expect.unreachable();
    } catch (err) {
      expect(isBraidError(err, 'E_USAGE')).toBe(true);
      expect((err as Error).message).toMatch(/not a backend/);
    }
  });

  it('reads the backend recorded with a task; tasks from before are local', () => {
    expect(backendOfOptions({ backend: 'container' })).toBe('container');
    expect(backendOfOptions({ backend: 'kubernetes' })).toBe('kubernetes');
    expect(backendOfOptions({ backend: 'nonsense' })).toBe('local');
    expect(backendOfOptions({})).toBe('local');
  });

  it('accepts backend and container in braid.yaml and backend per plan task, and nothing unknown', () => {
    const cfg = configSchema.parse({
      backend: 'container',
      container: { image: 'braid-agent', env: ['ANTHROPIC_API_KEY'] },
    });
    expect(cfg.container).toMatchObject({ engine: 'auto', image: 'braid-agent', mounts: [], args: [] });
    expect(configSchema.safeParse({ container: { imagee: 'x' } }).success).toBe(false);
    expect(configSchema.safeParse({ backend: 'vm' }).success).toBe(false);
    const plan = parsePlan('tasks:\n  - {name: a, prompt: x, backend: container}\n', 'plan.yaml');
    expect(plan.tasks[0].backend).toBe('container');
  });
});

describe('the container run argv, from braid.yaml and the task', () => {
  const base = {
    engine: 'podman' as const,
    rootless: false,
    hostUser: { uid: 1000, gid: 1000 },
    name: 'braid-repo-1234abcd-t1',
    labels: { 'braid.repo': '/r/.git', 'braid.task': 't1' },
    image: 'braid-agent:latest',
    extraArgs: ['--ulimit', 'nofile=1024:1024'],
    workdir: '/r.braid/t1',
    mounts: [
      { source: '/opt/braid', target: '/opt/braid', readonly: true },
      { source: '/r/.git', target: '/r/.git', readonly: false },
      { source: '/r.braid/t1', target: '/r.braid/t1', readonly: false },
    ],
    ports: [3100, 3101, 3102],
    limits: { memory: '512M', cpu: 1.5, pids: 256 },
    envFile: '/r/.git/braid/logs/t1/container.env',
    tty: true,
    command: ['tmux', 'new-session'],
  };

  it('mounts the worktree and git dir at their own paths, braid read-only, publishes the ports, limits, labels', () => {
    const argv = containerRunArgs(base);
    expect(argv.slice(0, 2)).toEqual(['run', '-d']);
    expect(values(argv, '--name')).toEqual([base.name]);
    expect(values(argv, '-v')).toEqual([
      '/opt/braid:/opt/braid:ro',
      '/r/.git:/r/.git',
      '/r.braid/t1:/r.braid/t1',
    ]);
    expect(values(argv, '-p')).toEqual(['127.0.0.1:3100-3102:3100-3102']);
    expect(values(argv, '--memory')).toEqual([String(512 * 1024 * 1024)]);
    expect(values(argv, '--cpus')).toEqual(['1.5']);
    expect(values(argv, '--pids-limit')).toEqual(['256']);
    expect(values(argv, '--label')).toEqual(['braid.repo=/r/.git', 'braid.task=t1']);
    expect(values(argv, '--env-file')).toEqual([base.envFile]);
    expect(values(argv, '--workdir')).toEqual(['/r.braid/t1']);
    expect(argv).toContain('-t');
    // The image comes after every option, the command after the image.
    expect(argv.slice(argv.indexOf('braid-agent:latest') + 1)).toEqual(['tmux', 'new-session']);
    expect(argv.indexOf('--ulimit')).toBeLessThan(argv.indexOf('braid-agent:latest'));
  });

  it('takes a root filesystem instead of an image, and needs exactly one of them', () => {
    const argv = containerRunArgs({
      ...base,
      image: undefined,
      rootfs: '/srv/root',
      runtime: 'runc',
      tty: false,
    });
    expect(values(argv, '--rootfs')).toEqual(['/srv/root']);
    // Containers of one root filesystem share its folder: each gets a /tmp of its own (tmux's socket is there).
    expect(values(argv, '--tmpfs')).toEqual(['/tmp:rw,mode=1777']);
    expect(values(argv, '--runtime')).toEqual(['runc']);
    expect(argv).not.toContain('-t');
    expect(() => containerRunArgs({ ...base, rootfs: '/srv/root' })).toThrow(/exactly one/);
    expect(() => containerRunArgs({ ...base, image: undefined })).toThrow(/exactly one/);
  });

  it('docker: bind mounts by --mount (a missing source fails), the host user where docker runs as root, no rootfs', () => {
    const argv = containerRunArgs({ ...base, engine: 'docker' });
    expect(argv).not.toContain('-v');
    expect(values(argv, '--mount')).toEqual([
      'type=bind,source=/opt/braid,target=/opt/braid,readonly',
      'type=bind,source=/r/.git,target=/r/.git',
      'type=bind,source=/r.braid/t1,target=/r.braid/t1',
    ]);
    expect(values(argv, '--user')).toEqual(['1000:1000']);
    // What both engines share: ports, limits, env file, labels, the image last but the command.
    expect(values(argv, '-p')).toEqual(['127.0.0.1:3100-3102:3100-3102']);
    expect(values(argv, '--memory')).toEqual([String(512 * 1024 * 1024)]);
    expect(values(argv, '--env-file')).toEqual([base.envFile]);
    expect(argv.slice(argv.indexOf('braid-agent:latest') + 1)).toEqual(['tmux', 'new-session']);
    // Rootless docker maps root inside to the user already; root on the host needs nothing either.
    expect(values(containerRunArgs({ ...base, engine: 'docker', rootless: true }), '--user')).toEqual([]);
    expect(
      values(containerRunArgs({ ...base, engine: 'docker', hostUser: { uid: 0, gid: 0 } }), '--user'),
    ).toEqual([]);
    expect(argv).not.toContain('--rootfs');
    expect(() =>
      containerRunArgs({ ...base, engine: 'docker', image: undefined, rootfs: '/srv/root' }),
    ).toThrow(/rootfs needs podman/);
    const comma = { source: '/a,b', target: '/a,b', readonly: false };
    expect(() => containerRunArgs({ ...base, engine: 'docker', mounts: [comma] })).toThrow(/','/);
  });

  it('podman: -v mounts, never --user (rootless maps root to the user; rootful is run by root)', () => {
    const argv = containerRunArgs({ ...base, rootless: false });
    expect(values(argv, '--user')).toEqual([]);
    expect(argv).not.toContain('--mount');
  });

  it("lists labelled containers and asks rootless in each engine's own template words", () => {
    const labels = { 'braid.repo': '/r/.git' };
    expect(listArgs('podman', labels)).toEqual([
      'ps',
      '-a',
      '--filter',
      'label=braid.repo=/r/.git',
      '--format',
      '{{.Names}}|{{index .Labels "braid.task"}}',
    ]);
    expect(listArgs('docker', labels).at(-1)).toBe('{{.Names}}|{{.Label "braid.task"}}');
    expect(parseRootless('podman', 'true\n')).toBe(true);
    expect(parseRootless('podman', 'false\n')).toBe(false);
    expect(parseRootless('docker', '["name=seccomp,profile=builtin","name=rootless","name=cgroupns"]')).toBe(
      true,
    );
    expect(parseRootless('docker', '["name=apparmor","name=seccomp,profile=builtin"]')).toBe(false);
    expect(parseEngineVersion('podman version 4.3.1')).toBe('4.3.1');
    expect(parseEngineVersion('Docker version 24.0.5, build ced0996')).toBe('24.0.5');
    expect(parseEngineVersion('nonsense')).toBeNull();
  });

  it("probes whether the engine can run a container with braid.yaml's settings", () => {
    const mounts = [{ source: '/usr', target: '/usr', readonly: true }];
    expect(
      containerProbeArgs('podman', {
        rootfs: '/srv/root',
        runtime: 'runc',
        extraArgs: ['--ulimit', 'x'],
        mounts,
      }),
    ).toEqual([
      'run',
      '--rm',
      '--runtime',
      'runc',
      '--ulimit',
      'x',
      '-v',
      '/usr:/usr:ro',
      '--tmpfs',
      '/tmp:rw,mode=1777',
      '--rootfs',
      '/srv/root',
      'true',
    ]);
    expect(containerProbeArgs('docker', { image: 'braid-agent', extraArgs: [], mounts })).toEqual([
      'run',
      '--rm',
      '--mount',
      'type=bind,source=/usr,target=/usr,readonly',
      'braid-agent',
      'true',
    ]);
  });

  it('publishes separate runs of ports as separate ranges, on 127.0.0.1 only', () => {
    expect(publishArgs([3105, 3100, 3101, 3107])).toEqual([
      '-p',
      '127.0.0.1:3100-3101:3100-3101',
      '-p',
      '127.0.0.1:3105:3105',
      '-p',
      '127.0.0.1:3107:3107',
    ]);
    expect(publishArgs([])).toEqual([]);
    expect(limitArgs(undefined)).toEqual([]);
    expect(limitArgs({ memory: '1G' })).toEqual(['--memory', String(1024 ** 3)]);
  });

  it('parses SRC[:DST][:ro] mounts, orders parents first and keeps a folder writable when mounted twice', () => {
    expect(parseMountSpec('tools:/opt/tools:ro', (p) => `/repo/${p}`)).toEqual({
      source: '/repo/tools',
      target: '/opt/tools',
      readonly: true,
    });
    expect(parseMountSpec('/data')).toEqual({ source: '/data', target: '/data', readonly: false });
    expect(() => parseMountSpec('a:b:c:ro')).toThrow(/SRC\[:DST\]/);
    const ordered = orderMounts([
      { source: '/a/b/c', target: '/a/b/c', readonly: false },
      { source: '/a', target: '/a', readonly: true },
      { source: '/a/b/c', target: '/a/b/c', readonly: true },
    ]);
    expect(ordered).toEqual([
      { source: '/a', target: '/a', readonly: true },
      { source: '/a/b/c', target: '/a/b/c', readonly: false },
    ]);
    expect(() => orderMounts([{ source: '/x:y', target: '/x', readonly: false }])).toThrow(/':'/);
  });
});

describe('the environment inside a container', () => {
  it('has the task variables and only the allow-listed host ones', () => {
    const host = { HOME: '/home/u', AWS_SECRET_ACCESS_KEY: 's3cret', ANTHROPIC_API_KEY: 'sk-1' };
    const env = containerEnv(['ANTHROPIC_API_KEY', 'MISSING', 'MODE=ci'], host, {
      BRAID_TASK: 't1',
      PORT: '3100',
    });
    expect(env).toMatchObject({ BRAID_TASK: 't1', PORT: '3100', ANTHROPIC_API_KEY: 'sk-1', MODE: 'ci' });
    expect(env).not.toHaveProperty('HOME');
    expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(env).not.toHaveProperty('MISSING');
    // git inside trusts the mounted repository whoever owns it.
    expect(env.GIT_CONFIG_KEY_0).toBe('safe.directory');
  });

  it('goes in through an env file, one NAME=value line each; a multi-line value is refused', () => {
    expect(envFileText({ A: '1', B: 'x y=z' })).toBe('A=1\nB=x y=z\n');
    expect(() => envFileText({ A: 'one\ntwo' })).toThrow(/cannot be passed/);
  });

  it('names containers per repository and task, and runs tmux inside only for interactive sessions', () => {
    const a = containerName('My Repo', '/x/.git', 't1');
    expect(a).toMatch(/^braid-my-repo-[0-9a-f]{8}-t1$/);
    expect(containerName('My Repo', '/y/.git', 't1')).not.toBe(a);
    expect(containerCommand('tmux', ['claude', 'hi'])[0]).toBe('tmux');
    const headless = containerCommand('headless', ['claude', '-p', 'hi']);
    expect(headless.slice(0, 2)).toEqual(['sh', '-c']);
    expect(headless.slice(-5)).toEqual(['braid-session', 'headless', 'claude', '-p', 'hi']);
  });
});
