import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHostAllowed } from '../src/core/host-allow.js';
import { run } from '../src/exec/run.js';
import { type SandboxPolicy, sandboxArgv } from '../src/sandbox/bwrap.js';
import { detectCapabilities } from '../src/sandbox/capabilities.js';
import { startNetworkProxy } from '../src/sandbox/network-proxy.js';
import { requireBuiltCli } from './helpers/cli.js';
import { GIT_TEST_ENV, g } from './helpers/repo.js';

const caps = await detectCapabilities();
const skipReason = caps.bwrap.ok ? '' : `bubblewrap unusable here: ${caps.bwrap.reason}`;
if (skipReason) console.warn(`sandbox tests skipped: ${skipReason}`);

// Outside /tmp on purpose: the sandbox's private /tmp would hide a /tmp repository entirely,
// and these tests must show that sibling worktrees stay visible yet read-only.
let root = '';
let main = '';
let wtA = '';
let wtB = '';
let home = '';
let server: http.Server;
let port = 0;

beforeAll(async () => {
  if (skipReason) return;
  root = realpathSync(mkdtempSync('/var/tmp/braid-sandbox-'));
  main = path.join(root, 'repo');
  await run('git', ['init', '-q', '-b', 'main', main], { cwd: root, env: GIT_TEST_ENV });
  await run('sh', ['-c', 'echo hello > README.md'], { cwd: main });
  await g(main, 'add', '-A');
  await g(main, 'commit', '-qm', 'initial');
  wtA = path.join(root, 'wt-a');
  wtB = path.join(root, 'wt-b');
  await g(main, 'worktree', 'add', '-q', '-b', 'braid/a', wtA);
  await g(main, 'worktree', 'add', '-q', '-b', 'braid/b', wtB);
  // Packed only, as after git gc: the sandbox must not shadow it with a new loose ref.
  await g(main, 'branch', 'braid/c');
  await g(main, 'update-ref', 'refs/braid/backup/c/1', 'HEAD');
  await g(main, 'pack-refs', '--all');
  await g(main, 'update-ref', 'refs/braid/backup/b/1', 'HEAD');
  home = path.join(root, 'home');
  server = http.createServer((req, res) => res.end(`reached ${req.headers.host}\n`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  // The allow-list launcher runs compiled (the global setup built dist from these sources).
  await requireBuiltCli();
});

afterAll(() => {
  server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function policy(over: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return {
    worktree: wtA,
    gitCommonDir: path.join(main, '.git'),
    branch: 'braid/a',
    writable: [],
    network: 'none',
    home,
    ...over,
  };
}

/** Runs a fixed shell snippet in the sandbox; paths reach it as positional arguments. */
async function inSandbox(script: string, args: string[] = [], over: Partial<SandboxPolicy> = {}) {
  const p = policy(over);
  const launch = sandboxArgv(['sh', '-c', script, 'sh', ...args], p);
  try {
    const [command, ...rest] = launch.argv;
    return await run(command, rest, {
      cwd: p.worktree,
      env: { ...GIT_TEST_ENV, ...launch.env },
      allowFailure: true,
      timeoutMs: 30_000,
    });
  } finally {
    launch.cleanup?.();
  }
}

describe('allow-list matching', () => {
  it('matches exact names and *.subdomains only', () => {
    expect(isHostAllowed('API.github.com.', ['api.github.com'])).toBe(true);
    expect(isHostAllowed('evil-github.com', ['*.github.com'])).toBe(false);
    expect(isHostAllowed('x.github.com', ['*.github.com'])).toBe(true);
    expect(isHostAllowed('github.com', ['*.github.com'])).toBe(false);
  });
});

describe.skipIf(!!skipReason)('bubblewrap sandbox (real bwrap)', () => {
  it('writes and commits in its worktree, and nowhere else', async () => {
    const res = await inSandbox(
      'echo work > "$1/work.txt" && git add work.txt && git commit -qm "from the sandbox" && echo committed',
      [wtA],
    );
    expect(res.stdout).toContain('committed');
    expect(readFileSync(path.join(wtA, 'work.txt'), 'utf8')).toBe('work\n');
    expect(await g(main, 'log', '-1', '--format=%s', 'braid/a')).toBe('from the sandbox');

    const targets = {
      sibling: path.join(wtB, 'evil.txt'),
      main: path.join(main, 'evil.txt'),
      gitConfig: path.join(main, '.git', 'config'),
      packedRefs: path.join(main, '.git', 'packed-refs'),
      hook: path.join(main, '.git', 'hooks', 'post-checkout'),
      outside: path.join(root, 'evil.txt'),
      etc: '/etc/braid-evil',
    };
    const configBefore = readFileSync(targets.gitConfig, 'utf8');
    const packedBefore = readFileSync(targets.packedRefs, 'utf8');
    for (const [what, file] of Object.entries(targets)) {
      const r = await inSandbox('echo evil >> "$1"', [file]);
      expect(r.code, `${what} should not be writable`).not.toBe(0);
      expect(r.stderr).toMatch(/Read-only file system|Permission denied/);
    }
    for (const f of [targets.sibling, targets.main, targets.outside, targets.etc, targets.hook]) {
      expect(existsSync(f)).toBe(false);
    }
    expect(readFileSync(targets.gitConfig, 'utf8')).toBe(configBefore);
    expect(readFileSync(targets.packedRefs, 'utf8')).toBe(packedBefore);
    // Sibling worktrees stay readable: only writing is refused.
    expect((await inSandbox('cat "$1"', [path.join(wtB, 'README.md')])).stdout).toBe('hello\n');
  });

  it("moves only its own branch: main, other tasks' branches and backups stay put", async () => {
    const refs = ['refs/heads/main', 'refs/heads/braid/b', 'refs/heads/braid/c'];
    const backups = ['refs/braid/backup/b/1', 'refs/braid/backup/c/1'];
    const before = new Map<string, string>();
    for (const ref of [...refs, ...backups]) before.set(ref, await g(main, 'rev-parse', ref));
    const made = await inSandbox('git commit -q --allow-empty -m "own branch" && git rev-parse HEAD');
    expect(made.code, made.stderr).toBe(0);
    const tip = made.stdout.trim();
    expect(await g(main, 'rev-parse', 'braid/a')).toBe(tip);

    const attacks = [
      ['git', 'update-ref', 'refs/heads/main', tip],
      ['git', 'update-ref', '-d', 'refs/heads/main'],
      ['git', 'branch', '-f', 'braid/b', tip],
      // branch -f also refuses a branch checked out elsewhere; update-ref does not ask.
      ['git', 'update-ref', 'refs/heads/braid/b', tip],
      ['git', 'branch', '-f', 'braid/c', tip],
      ['git', 'branch', '-D', 'braid/b'],
      ['git', 'update-ref', '-d', 'refs/braid/backup/b/1'],
      ['git', 'update-ref', '-d', 'refs/braid/backup/c/1'],
      ['git', 'update-ref', 'refs/braid/backup/a/1', tip],
      ['git', 'pack-refs', '--all', '--prune'],
    ];
    for (const argv of attacks) {
      const r = await inSandbox('"$@"', argv);
      expect(r.code, `${argv.join(' ')} should fail`).not.toBe(0);
    }
    for (const [ref, oid] of before) expect(await g(main, 'rev-parse', ref), ref).toBe(oid);
    expect((await g(main, 'for-each-ref', '--format=%(refname)', 'refs/braid/backup/a')).trim()).toBe('');
    // Its own tags, stash and radar snapshot stay writable.
    const own = await inSandbox('git tag own-tag && git update-ref refs/braid/radar/a HEAD && echo ok');
    expect(own.stdout, own.stderr).toContain('ok');
    expect(await g(main, 'rev-parse', 'own-tag')).toBe(tip);
  });

  it("main and another task's branch stay put after they moved outside during the session", async () => {
    const marker = path.join(wtA, '.moved-outside');
    const refs = ['refs/heads/main', 'refs/heads/braid/b'];
    const before = await Promise.all(refs.map((ref) => g(main, 'rev-parse', ref)));
    // The sandbox waits for the marker, then tries to move both refs back to where they were.
    const inside = inSandbox(
      [
        'echo started; while [ ! -e "$1" ]; do sleep 0.05; done',
        'git update-ref refs/heads/main "$2" && echo MOVED main',
        'git update-ref refs/heads/braid/b "$3" && echo MOVED braid/b',
        'true',
      ].join('; '),
      [marker, ...before],
    );
    // A landing on main, a commit on b (same trees: no checkout changes): git renames onto both refs.
    const moved: string[] = [];
    for (const [i, ref] of refs.entries()) {
      moved.push(await g(main, 'commit-tree', '-p', before[i], '-m', 'meanwhile', `${before[i]}^{tree}`));
      await g(main, 'update-ref', ref, moved[i], before[i]);
    }
    writeFileSync(marker, '');
    const res = await inside;
    rmSync(marker);
    expect(res.stdout).toContain('started');
    expect(res.stdout).not.toContain('MOVED');
    expect(res.stderr).toMatch(/Read-only file system/);
    for (const [i, ref] of refs.entries()) {
      expect(await g(main, 'rev-parse', ref), ref).toBe(moved[i]);
      await g(main, 'update-ref', ref, before[i], moved[i]); // as the other tests expect them
    }
  });

  it("keeps the agent's own config and cache folders writable", async () => {
    const res = await inSandbox(
      'echo s > "$1/.claude/settings.test" && echo c > "$1/.cache/c.test" && echo ok',
      [home],
    );
    expect(res.stdout, res.stderr).toContain('ok');
    expect(readFileSync(path.join(home, '.claude/settings.test'), 'utf8')).toBe('s\n');
    expect(readFileSync(path.join(home, '.cache/c.test'), 'utf8')).toBe('c\n');
    const other = await inSandbox('echo x > "$1/.profile"', [home]);
    expect(other.code).not.toBe(0);
    expect(existsSync(path.join(home, '.profile'))).toBe(false);
  });

  it('has a private /tmp', async () => {
    const marker = `/tmp/braid-private-${process.pid}`;
    const res = await inSandbox('echo x > "$1" && cat "$1"', [marker]);
    expect(res.stdout).toBe('x\n');
    expect(existsSync(marker)).toBe(false);
  });

  it('--readonly: nothing in the main checkout is writable, reading works', async () => {
    const over = { worktree: main, readonlyAll: true };
    const w = await inSandbox('echo x > "$1/new.txt"', [main], over);
    expect(w.code).not.toBe(0);
    expect(existsSync(path.join(main, 'new.txt'))).toBe(false);
    const c = await inSandbox('git commit -q --allow-empty -m sneaky', [], over);
    expect(c.code).not.toBe(0);
    expect(await g(main, 'log', '-1', '--format=%s')).toBe('initial');
    expect((await inSandbox('cat README.md', [], over)).stdout).toBe('hello\n');
  });

  it('network none cannot reach the host; network all can', async () => {
    const fetch = 'curl -sS --noproxy "*" --max-time 5 "http://127.0.0.1:$1/"';
    const none = await inSandbox(fetch, [String(port)], { network: 'none' });
    expect(none.code).not.toBe(0);
    expect(none.stdout).not.toContain('reached');
    const all = await inSandbox(fetch, [String(port)], { network: 'all' });
    expect(all.stdout).toContain('reached 127.0.0.1');
  });

  it.skipIf(!caps.socat.ok)(
    'allow-list lets the listed host through the proxy and blocks another',
    async () => {
      const over: Partial<SandboxPolicy> = {
        network: { allow: ['allowed.test'] },
        resolve: { 'allowed.test': '127.0.0.1', 'blocked.test': '127.0.0.1' },
      };
      // Plain HTTP through the proxy, and a CONNECT tunnel (what HTTPS uses).
      const fetch = 'curl -sS --max-time 10 $2 "http://$1/"';
      const plain = await inSandbox(fetch, [`allowed.test:${port}`, '-s'], over);
      expect(plain.stdout).toContain(`reached allowed.test:${port}`);
      const tunnel = await inSandbox(fetch, [`allowed.test:${port}`, '--proxytunnel'], over);
      expect(tunnel.stdout).toContain(`reached allowed.test:${port}`);

      const blocked = await inSandbox(fetch, [`blocked.test:${port}`, '-s'], over);
      expect(blocked.stdout).toContain('not on this sandbox');
      const blockedTunnel = await inSandbox(fetch, [`blocked.test:${port}`, '--proxytunnel'], over);
      expect(blockedTunnel.code).not.toBe(0);
      expect(blockedTunnel.stdout).not.toContain('reached');
      // Going around the proxy fails: there is no route out.
      const direct = await inSandbox(
        'curl -sS --noproxy "*" --max-time 5 "http://127.0.0.1:$1/"',
        [String(port)],
        over,
      );
      expect(direct.stdout).not.toContain('reached');
    },
  );

  it('the proxy also serves plain TCP for tools that take a proxy URL', async () => {
    const proxy = await startNetworkProxy({ allow: ['localhost'] });
    try {
      const ok = await run(
        'curl',
        ['-sS', '-x', `http://127.0.0.1:${proxy.port}`, `http://localhost:${port}/`],
        { cwd: '/' },
      );
      expect(ok.stdout).toContain('reached localhost');
      const no = await run(
        'curl',
        ['-sS', '-x', `http://127.0.0.1:${proxy.port}`, `http://127.0.0.1:${port}/`],
        { cwd: '/' },
      );
      expect(no.stdout).toContain('not on this sandbox');
    } finally {
      await proxy.close();
    }
  });
});
