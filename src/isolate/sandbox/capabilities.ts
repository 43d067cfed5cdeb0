import { readFileSync } from 'node:fs';
import { run } from '../../exec/run.js';
import { type CgroupSupport, probeCgroups } from './cgroup-probe.js';

interface Capability {
  ok: boolean;
  version?: string;
  /** Why it is missing, and what to install or change. */
  reason?: string;
}

export interface Capabilities {
  /** bubblewrap can build a sandbox with a read-only root and no network. */
  bwrap: Capability;
  /** Unprivileged user namespaces (what bwrap needs when braid does not run as root). */
  userns: Capability;
  /** socat bridges the allow-list proxy into a sandbox without network. */
  socat: Capability;
  cgroup: Omit<CgroupSupport, 'bases'>;
  /** The allow-list network mode needs bwrap and socat both. */
  networkAllowList: Capability;
}

const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';

/** What isolation this host offers; `braid doctor` prints it and `--sandbox`/limits check it. */
export async function detectCapabilities(): Promise<Capabilities> {
  const [bwrap, userns, socat] = await Promise.all([probeBwrap(), probeUserns(), probeSocat()]);
  const { bases: _bases, ...cgroup } = probeCgroups();
  const networkAllowList: Capability =
    bwrap.ok && socat.ok
      ? { ok: true }
      : { ok: false, reason: [bwrap.reason, socat.reason].filter(Boolean).join('; ') };
  return { bwrap, userns, socat, cgroup, networkAllowList };
}

async function tryRun(command: string, args: string[]) {
  try {
    return await run(command, args, { cwd: '/', allowFailure: true, timeoutMs: 15_000 });
  } catch (err) {
    return { code: null, stdout: '', stderr: (err as Error).message };
  }
}

async function probeBwrap(): Promise<Capability> {
  const v = await tryRun('bwrap', ['--version']);
  if (v.code !== 0) {
    return { ok: false, reason: 'bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)' };
  }
  const version = firstLine(v.stdout).replace(/^bubblewrap\s*/, '');
  const t = await tryRun('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-net', '--', 'true']);
  if (t.code === 0) return { ok: true, version };
  return {
    ok: false,
    version,
    reason: `bwrap cannot create a sandbox here: ${firstLine(t.stderr)} (enable unprivileged user namespaces, e.g. sysctl kernel.unprivileged_userns_clone=1, or an AppArmor profile for bwrap)`,
  };
}

async function probeUserns(): Promise<Capability> {
  const max = readNumber('/proc/sys/user/max_user_namespaces');
  if (max === 0) return { ok: false, reason: 'user.max_user_namespaces is 0' };
  if (readNumber('/proc/sys/kernel/unprivileged_userns_clone') === 0) {
    return { ok: false, reason: 'kernel.unprivileged_userns_clone is 0' };
  }
  if (readNumber('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === 1) {
    return { ok: false, reason: 'AppArmor restricts unprivileged user namespaces (Ubuntu 24.04+)' };
  }
  const probe = ['bwrap', '--unshare-user', '--ro-bind', '/', '/', '--', 'true'];
  // Root may create namespaces anyway: ask as an unprivileged user, as braid's users run it.
  const asRoot = process.getuid?.() === 0;
  const t = asRoot
    ? await tryRun('runuser', ['-u', 'nobody', '--', ...probe])
    : await tryRun(probe[0], probe.slice(1));
  if (t.code === 0) return { ok: true, version: asRoot ? 'checked as user nobody' : undefined };
  return { ok: false, reason: `cannot create a user namespace: ${firstLine(t.stderr)}` };
}

async function probeSocat(): Promise<Capability> {
  const v = await tryRun('socat', ['-V']);
  if (v.code !== 0) return { ok: false, reason: 'socat is not installed (apt-get install socat)' };
  const m = /socat version (\S+)/.exec(v.stdout);
  return { ok: true, version: m?.[1] };
}

function readNumber(file: string): number | null {
  try {
    return Number(readFileSync(file, 'utf8').trim());
  } catch {
    return null;
  }
}
