import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isBraidError } from '../core/errors.js';
import { run } from '../exec/run.js';

/** What doctor needs to know about sandboxing; the full probe lives in src/sandbox/capabilities.ts. */
export interface SandboxProbe {
  bwrap: { ok: boolean; version?: string; reason?: string };
  userns: { ok: boolean; reason?: string };
  socat: { ok: boolean; version?: string; reason?: string };
  cgroup: { version: 'v2' | 'v1' | 'none'; writable: boolean; controllers: string[]; reason?: string };
}

/** First line of `cmd <flag>`, or why it could not run. */
export async function toolVersion(
  cmd: string,
  flag = '--version',
): Promise<{ ok: boolean; version?: string; reason?: string }> {
  try {
    const res = await run(cmd, [flag], { cwd: '/', timeoutMs: 10_000, allowFailure: true });
    const lines = `${res.stdout}\n${res.stderr}`.split('\n').map((l) => l.trim());
    // socat -V opens with a credits line: prefer the first line that carries a version number.
    const line = lines.find((l) => /\d+\.\d+/.test(l)) ?? lines.find(Boolean);
    if (res.code !== 0) return { ok: false, reason: `${cmd} ${flag} exited with ${res.code}` };
    return { ok: true, version: line };
  } catch (err) {
    if (isBraidError(err, 'E_TOOL_MISSING')) return { ok: false, reason: `${cmd} is not on PATH` };
    return { ok: false, reason: (err as Error).message };
  }
}

const readTrim = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
};

function probeUserns(): SandboxProbe['userns'] {
  if (readTrim('/proc/sys/kernel/unprivileged_userns_clone') === '0')
    return { ok: false, reason: 'kernel.unprivileged_userns_clone is 0' };
  const max = readTrim('/proc/sys/user/max_user_namespaces');
  if (max === '0') return { ok: false, reason: 'user.max_user_namespaces is 0' };
  if (readTrim('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1')
    return { ok: false, reason: 'AppArmor restricts unprivileged user namespaces' };
  return { ok: true };
}

function probeCgroup(): SandboxProbe['cgroup'] {
  const self = readTrim('/proc/self/cgroup');
  if (!self) return { version: 'none', writable: false, controllers: [], reason: 'no /proc/self/cgroup' };
  const unified = /^0::(.*)$/m.exec(self);
  if (!unified)
    return { version: 'v1', writable: false, controllers: [], reason: 'cgroup v1: limits need v2' };
  const dir = path.join('/sys/fs/cgroup', unified[1]);
  const controllers = (readTrim(path.join(dir, 'cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean);
  let writable = false;
  try {
    accessSync(dir, constants.W_OK);
    writable = existsSync(dir);
  } catch {}
  return { version: 'v2', writable, controllers, reason: writable ? undefined : `${dir} is not writable` };
}

/** A minimal local probe: the lead passes the full one from src/sandbox/capabilities.ts. */
export async function probeSandboxLocally(): Promise<SandboxProbe> {
  const [bwrap, socat] = await Promise.all([toolVersion('bwrap'), toolVersion('socat', '-V')]);
  return { bwrap, socat, userns: probeUserns(), cgroup: probeCgroup() };
}
