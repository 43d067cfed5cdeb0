/**
 * Session start by backend: from `braid new --headless --backend <b>` to the agent running (its first act is to
 * write a file in the worktree), one task alone and ten at once, local and container in the same run. The
 * container runs a root filesystem made from this machine (its /usr mounted read-only), so no registry is needed.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtModule } from '../exec/built.js';
import { waitUntil } from '../exec/process-group.js';
import { run } from '../exec/run.js';
import { git } from '../git/git.js';
import { BRAID_IDENTITY } from '../git/snapshot.js';

interface BackendStart {
  backend: 'local' | 'container';
  oneMs: number;
  tenMs: number;
}

export interface BackendsBench {
  results: BackendStart[];
  /** Why the container backend was not measured (no engine that runs containers here). */
  skipped: string | null;
}

const MARK = 'agent-started';
/** Without them runc fails on this kind of host (setting rlimits: operation not permitted). */
export const ULIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=8192:8192'];
const PROMPT = `: > ${MARK}; exec sleep 600`;

export function hostRootfs(dir: string): string {
  for (const d of ['etc', 'tmp', 'proc', 'dev', 'sys', 'root', 'run'])
    mkdirSync(path.join(dir, d), { recursive: true });
  for (const d of ['bin', 'sbin', 'lib', 'lib64'])
    if (existsSync(path.join('/', d))) symlinkSync(`usr/${d}`, path.join(dir, d));
  return dir;
}

/** Every container of this repository (by braid's label), whatever state it is in. */
export async function removeContainers(commonDir: string): Promise<void> {
  const opts = { cwd: '/', allowFailure: true, timeoutMs: 120_000 };
  const ps = await run('podman', ['ps', '-a', '-q', '--filter', `label=braid.repo=${commonDir}`], opts).catch(
    () => null,
  );
  for (const id of ps?.stdout.split('\n').filter(Boolean) ?? []) await run('podman', ['rm', '-f', id], opts);
}

export async function benchBackends(): Promise<BackendsBench> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-bench-backends-')));
  const repo = path.join(parent, 'repo');
  mkdirSync(repo);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...BRAID_IDENTITY,
    BRAID_NO_SUPERVISOR: '1',
    NO_COLOR: '1',
  };
  const rootfs = hostRootfs(path.join(parent, 'rootfs'));
  const runtime = existsSync('/usr/bin/runc') ? ['  runtime: runc'] : [];
  const braid = braidIn(repo, env);
  try {
    await git(['init', '-q', '-b', 'main'], { cwd: repo });
    writeFileSync(
      path.join(repo, 'braid.yaml'),
      [
        'agent: shell',
        'deps: none',
        'ports: { names: [PORT], range: [4900, 4999], block: 2 }',
        'container:',
        `  rootfs: ${JSON.stringify(rootfs)}`,
        ...runtime,
        `  args: ${JSON.stringify(ULIMITS)}`,
        '  mounts: ["/usr:/usr:ro"]',
        '',
      ].join('\n'),
    );
    await git(['add', '-A'], { cwd: repo, env });
    await git(['commit', '-qm', 'bench'], { cwd: repo, env });
    const probe = await run(
      'podman',
      [
        'run',
        '--rm',
        ...(runtime.length ? ['--runtime', 'runc'] : []),
        ...ULIMITS,
        '-v',
        '/usr:/usr:ro',
        '--rootfs',
        rootfs,
        'true',
      ],
      { cwd: '/', allowFailure: true, timeoutMs: 120_000 },
    ).catch((err: Error) => ({ code: 1, stderr: err.message }));
    const skipped = probe.code === 0 ? null : `podman cannot run containers here: ${probe.stderr.trim()}`;
    const results: BackendStart[] = [];
    for (const backend of skipped ? (['local'] as const) : (['local', 'container'] as const)) {
      const started = async (names: string[]) => {
        const t0 = Date.now();
        const news = names.map((n) => braid('new', n, '--headless', '--backend', backend, '-p', PROMPT));
        const worktree = (n: string) => path.join(parent, 'repo.braid', n);
        const all = () => names.every((n) => existsSync(path.join(worktree(n), MARK)));
        if (!(await waitUntil(all, 300_000))) throw new Error(`${backend}: agents did not start`);
        const ms = Date.now() - t0;
        for (const r of await Promise.all(news)) if (r.code !== 0) throw new Error(r.stderr);
        for (const n of names) await braid('rm', n, '--force');
        return ms;
      };
      const oneMs = await started([`${backend[0]}1`]);
      const tenMs = await started(Array.from({ length: 10 }, (_, i) => `${backend[0]}x${i}`));
      results.push({ backend, oneMs, tenMs });
    }
    return { results, skipped };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

/** The built CLI run in `cwd` with `env`, its failures returned (a bench reports them, it does not stop). */
export function braidIn(cwd: string, env: NodeJS.ProcessEnv) {
  return (...args: string[]) =>
    run(process.execPath, [builtModule('cli/main.js'), ...args], {
      cwd,
      env,
      allowFailure: true,
      timeoutMs: 300_000,
    });
}
