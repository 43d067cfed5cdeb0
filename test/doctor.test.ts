import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { detectCapabilities } from '../src/isolate/sandbox/capabilities.js';
import { portIsFree } from '../src/isolate/workspace/ports.js';
import { runDoctor } from '../src/orchestrate/doctor/doctor.js';
import { runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

interface Check {
  name: string;
  ok: boolean;
  required: boolean;
  detail: string;
  hint: string | null;
}

let repo: TempRepo;
let bin: string;
let outside: string;

beforeAll(async () => {
  repo = await tempRepo();
  // A PATH holding git and nothing else: tmux, bwrap, the agents all look missing.
  bin = mkdtempSync(path.join(tmpdir(), 'braid-doctor-bin-'));
  const gitPath = (await run('sh', ['-c', 'command -v git'], { cwd: '/' })).stdout.trim();
  symlinkSync(gitPath, path.join(bin, 'git'));
  outside = mkdtempSync(path.join(tmpdir(), 'braid-doctor-outside-'));
  mkdirSync(outside, { recursive: true });
});
afterAll(() => {
  repo.cleanup();
  rmSync(bin, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function doctorJson(cwd: string): Promise<{ code: number | null; checks: Check[] }> {
  const res = await runCli(cwd, ['doctor', '--json'], { env: { PATH: bin } });
  return { code: res.code, checks: (JSON.parse(res.stdout) as { checks: Check[] }).checks };
}

describe('braid doctor', () => {
  it('reports every check with a hint; a missing tmux warns without failing', async () => {
    const { code, checks } = await doctorJson(repo.dir);
    for (const c of checks) {
      expect(Object.keys(c).sort()).toEqual(['detail', 'hint', 'name', 'ok', 'required']);
      if (!c.ok) expect(c.hint, c.name).toBeTruthy();
    }
    const byName = new Map(checks.map((c) => [c.name, c]));
    expect(byName.get('git')).toMatchObject({ ok: true, required: true });
    expect(byName.get('git')?.detail).toMatch(/git version \d+\.\d+/);
    expect(byName.get('tmux')).toMatchObject({ ok: false, required: false });
    expect(byName.get('tmux')?.hint).toMatch(/tmux/);
    expect(byName.get('agent claude')?.hint).toContain('npm i -g @anthropic-ai/claude-code');
    expect(byName.get('braid.yaml')).toMatchObject({ ok: true, required: true });
    // No podman or docker on this PATH: the container engine check says so, and why it matters.
    expect(byName.get('container engine')).toMatchObject({
      ok: false,
      required: false,
      detail: 'no container engine found (podman or docker)',
    });
    expect(byName.get('container engine')?.hint).toMatch(/apt-get install podman/);
    expect(byName.get('state store')).toMatchObject({ ok: true });
    expect(byName.get('free ports')?.detail).toMatch(/of the first 50 ports in 3100-3999/);
    // Which permissions each agent runs with, headless, sandboxed and interactive.
    expect(byName.get('permissions claude')?.detail).toMatch(
      /^headless: --permission-mode acceptEdits \+ \d+ allowed tool rules \(headless default\); sandboxed headless: --permission-mode bypassPermissions.*; interactive: the user's own Claude Code settings$/,
    );
    expect(byName.get('permissions aider')?.detail).toContain('headless: --yes-always');
    expect(code).toBe(0);
  });

  it('fails (exit 1) on an invalid braid.yaml, and only reports not-a-repo outside one', async () => {
    repo.write('braid.yaml', 'ports: { range: [5000, 4000] }\nbogus: 1\n');
    const bad = await doctorJson(repo.dir);
    expect(bad.code).toBe(1);
    const config = bad.checks.find((c) => c.name === 'braid.yaml');
    expect(config).toMatchObject({ ok: false, required: true });
    expect(config?.detail).toMatch(/bogus/);
    rmSync(path.join(repo.dir, 'braid.yaml'));

    const out = await doctorJson(outside);
    expect(out.code).toBe(0);
    expect(out.checks.find((c) => c.name === 'repository')).toMatchObject({ ok: false, required: false });
    expect(out.checks.some((c) => c.name === 'state store')).toBe(false);
  });

  it('counts a port held on IPv6 only as taken, as braid new does', async () => {
    const held: Server[] = [];
    try {
      // A dev server on `::` only (say, Vite on localhost=::1): 127.0.0.1 alone would look free.
      for (let port = 47310; port <= 47319; port++) {
        const server = createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host: '::', ipv6Only: true }, () => resolve());
        });
        held.push(server);
      }
      repo.write('braid.yaml', 'ports: { range: [47310, 47319], block: 10 }\n');
      const { checks } = await doctorJson(repo.dir);
      const ports = checks.find((c) => c.name === 'free ports');
      expect(ports).toMatchObject({ ok: false, required: false });
      expect(ports?.detail).toBe('0 of the first 10 ports in 47310-47319 are free (on 127.0.0.1 and ::)');
      expect(await portIsFree(47310)).toBe(false);
    } finally {
      for (const server of held) await new Promise((r) => server.close(r));
      rmSync(path.join(repo.dir, 'braid.yaml'), { force: true });
    }
  });

  it('reports sandbox and cgroups from the same detection --sandbox and limits use', async () => {
    const res = await runCli(repo.dir, ['doctor', '--json']);
    const byName = new Map((JSON.parse(res.stdout) as { checks: Check[] }).checks.map((c) => [c.name, c]));
    const caps = await detectCapabilities();
    expect(byName.get('bubblewrap')?.ok).toBe(caps.bwrap.ok);
    expect(byName.get('user namespaces')?.ok).toBe(caps.userns.ok);
    expect(byName.get('socat')?.ok).toBe(caps.socat.ok);
    expect(byName.get('cgroups')?.ok).toBe(caps.cgroup.writable);
    expect(byName.get('cgroups')?.detail).toMatch(new RegExp(`^${caps.cgroup.version}, `));
    if (caps.cgroup.writable)
      for (const c of caps.cgroup.controllers) expect(byName.get('cgroups')?.detail).toContain(c);

    // An empty cgroup root: no hierarchy at all, as on a host without cgroups.
    const empty = mkdtempSync(path.join(tmpdir(), 'braid-doctor-cg-'));
    try {
      const none = await runCli(repo.dir, ['doctor', '--json'], { env: { BRAID_CGROUP_ROOT: empty } });
      const cg = (JSON.parse(none.stdout) as { checks: Check[] }).checks.find((c) => c.name === 'cgroups');
      expect(cg).toMatchObject({ ok: false, required: false });
      expect(cg?.detail).toMatch(/^none, not writable/);
      expect(cg?.hint).toMatch(/Delegate=yes/);
      expect(none.code).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('takes the sandbox probe as a parameter', async () => {
    const checks = await runDoctor({
      cwd: outside,
      probeSandbox: async () => ({
        bwrap: { ok: true, version: '9.9' },
        userns: { ok: false, reason: 'disabled for the test' },
        socat: { ok: false, reason: 'socat is not installed' },
        cgroup: { version: 'v1', writable: true, controllers: ['memory', 'pids'] },
        networkAllowList: { ok: false, reason: 'socat is not installed' },
      }),
    });
    const byName = new Map(checks.map((c) => [c.name, c]));
    expect(byName.get('bubblewrap')).toMatchObject({ ok: true, detail: 'bubblewrap 9.9' });
    expect(byName.get('user namespaces')).toMatchObject({ ok: false, detail: 'disabled for the test' });
    expect(byName.get('cgroups')).toMatchObject({ ok: true, detail: 'v1, writable: memory pids' });
  });
});
