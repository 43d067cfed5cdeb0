/** A container root filesystem made from this machine (no registry needed), and whether podman can run it. */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/exec/run.js';

/** The host's /usr goes in read-only (node, git, tmux, sh); everything else starts empty. */
export const HOST_USR_MOUNT = '/usr:/usr:ro';

/** Engine arguments this kind of host needs (crun fails on hybrid cgroups; runc does not). */
export function engineSettings(): { runtime?: string; args: string[] } {
  return {
    runtime: existsSync('/usr/bin/runc') ? 'runc' : undefined,
    args: ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'],
  };
}

/** An empty skeleton whose /bin, /lib… lead into the mounted /usr, as on a merged-/usr Debian. */
export function hostRootfs(dir: string): string {
  for (const d of ['etc', 'tmp', 'proc', 'dev', 'sys', 'root', 'run', 'var/tmp'])
    mkdirSync(path.join(dir, d), { recursive: true });
  for (const d of ['bin', 'sbin', 'lib', 'lib64']) {
    if (existsSync(path.join('/', d))) symlinkSync(`usr/${d}`, path.join(dir, d));
  }
  return dir;
}

/** Null when podman runs a container from the root filesystem; otherwise the engine's own words. */
export async function containerEngineProblem(rootfs: string): Promise<string | null> {
  const { runtime, args } = engineSettings();
  try {
    const res = await run(
      'podman',
      [
        'run',
        '--rm',
        ...(runtime ? ['--runtime', runtime] : []),
        ...args,
        '-v',
        HOST_USR_MOUNT,
        '--rootfs',
        rootfs,
        'true',
      ],
      { cwd: '/', allowFailure: true, timeoutMs: 120_000 },
    );
    return res.code === 0
      ? null
      : `podman cannot run containers here: ${res.stderr.trim().split('\n').slice(-3).join(' ')}`;
  } catch (err) {
    return `podman cannot run containers here: ${(err as Error).message}`;
  }
}
