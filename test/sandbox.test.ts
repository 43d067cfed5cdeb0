import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isHostAllowed } from '../src/core/host-allow.js';
import { PACKAGE_ROOT } from '../src/exec/built.js';
import { run } from '../src/exec/run.js';
import { type SandboxPolicy, sandboxArgv } from '../src/isolate/sandbox/bwrap.js';
import { detectCapabilities } from '../src/isolate/sandbox/capabilities.js';
import { startNetworkProxy } from '../src/isolate/sandbox/network-proxy.js';
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
    // The rest of the home folder is a private empty one: writing there reaches nothing outside.
    const other = await inSandbox('echo x > "$1/.profile" && cat "$1/.profile"', [home]);
    expect(other.stdout).toBe('x\n');
    expect(existsSync(path.join(home, '.profile'))).toBe(false);
  });

  it("hides the home folder's secrets; git's config and the agent's own folders stay", async () => {
    const plant = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
      writeFileSync(path.join(home, rel), text);
    };
    plant('.braid-bar-secret', 'bar-secret\n');
    plant('.ssh/id_ed25519', 'PRIVATE KEY\n');
    plant('.aws/credentials', 'aws_secret_access_key=x\n');
    plant('.config/gh/hosts.yml', 'oauth_token: gho_x\n');
    plant('.gitconfig', '[user]\n\tname = Sandbox Test\n');
    plant('.config/git/ignore', '*.swp\n');
    const read = (rel: string, over: Partial<SandboxPolicy> = {}) =>
      inSandbox('cat "$1/$2"', [home, rel], over);
    for (const secret of [
      '.braid-bar-secret',
      '.ssh/id_ed25519',
      '.aws/credentials',
      '.config/gh/hosts.yml',
    ]) {
      const r = await read(secret);
      expect(r.code, `${secret} should be hidden`).not.toBe(0);
      expect(r.stderr).toMatch(/No such file or directory/);
    }
    expect((await read('.gitconfig')).stdout).toContain('name = Sandbox Test');
    expect((await read('.config/git/ignore')).stdout).toBe('*.swp\n');
    const listed = await inSandbox('ls -A "$1"; ls -A "$1/.config"', [home]);
    expect(listed.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '.cache',
      '.claude',
      '.config',
      '.gitconfig',
      'git',
    ]);
    // sandbox.read shows one more folder; sandbox.hide: [] shows the home folder as before.
    expect((await read('.aws/credentials', { read: [path.join(home, '.aws')] })).stdout).toContain(
      'aws_secret',
    );
    expect((await read('.ssh/id_ed25519', { read: [path.join(home, '.aws')] })).code).not.toBe(0);
    expect((await read('.braid-bar-secret', { hide: [] })).stdout).toBe('bar-secret\n');
  });

  it('keeps a repository under the home folder as it was, and commands installed there', async () => {
    const home2 = path.join(root, 'home2');
    const repo2 = path.join(home2, 'src', 'proj');
    mkdirSync(repo2, { recursive: true });
    await run('git', ['init', '-q', '-b', 'main', repo2], { cwd: root, env: GIT_TEST_ENV });
    writeFileSync(path.join(repo2, 'README.md'), 'proj\n');
    await g(repo2, 'add', '-A');
    await g(repo2, 'commit', '-qm', 'initial');
    const [a2, b2] = ['a', 'b'].map((t) => path.join(home2, 'src', 'proj.braid', t));
    await g(repo2, 'worktree', 'add', '-q', '-b', 'braid/a', a2);
    await g(repo2, 'worktree', 'add', '-q', '-b', 'braid/b', b2);
    writeFileSync(path.join(home2, '.braid-bar-secret'), 'bar-secret\n');
    // A command installed under the home folder the npm way: a link on PATH into its package.
    const pkg = path.join(home2, '.npm-global', 'lib', 'node_modules', 'hello-tool');
    mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), '{"name":"hello-tool"}\n');
    writeFileSync(
      path.join(pkg, 'bin', 'hello.sh'),
      '#!/bin/sh\necho "hello from $(cat "$(dirname "$(readlink -f "$0")")/../greeting")"\n',
      {
        mode: 0o755,
      },
    );
    writeFileSync(path.join(pkg, 'greeting'), 'the package\n');
    const bin = path.join(home2, '.npm-global', 'bin');
    mkdirSync(bin);
    symlinkSync(path.join(pkg, 'bin', 'hello.sh'), path.join(bin, 'hello-tool'));
    vi.stubEnv('PATH', `${bin}:${process.env.PATH}`);
    try {
      const over = { worktree: a2, gitCommonDir: path.join(repo2, '.git'), home: home2 };
      const work = await inSandbox(
        'echo w > w.txt && git add w.txt && git commit -qm "in home" && cat "$1/README.md" "$2/README.md" && hello-tool',
        [repo2, b2],
        over,
      );
      expect(work.code, work.stderr).toBe(0);
      expect(work.stdout).toBe('proj\nproj\nhello from the package\n');
      expect(await g(repo2, 'log', '-1', '--format=%s', 'braid/a')).toBe('in home');
      const sibling = await inSandbox('echo evil > "$1/evil.txt"', [b2], over);
      expect(sibling.code).not.toBe(0);
      expect(existsSync(path.join(b2, 'evil.txt'))).toBe(false);
      const secret = await inSandbox('cat "$1/.braid-bar-secret"', [home2], over);
      expect(secret.code).not.toBe(0);
      expect(secret.stdout).toBe('');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('has a private /tmp', async () => {
    const marker = `/tmp/braid-private-${process.pid}`;
    const res = await inSandbox('echo x > "$1" && cat "$1"', [marker]);
    expect(res.stdout).toBe('x\n');
    expect(existsSync(marker)).toBe(false);
  });

  it('under the private /tmp, braid itself stays runnable (its hook command), wherever it is installed', async () => {
    // A clone under /tmp (CI's, or a user's) is hidden by the private /tmp unless bound again.
    const cli = path.join(PACKAGE_ROOT, 'dist/cli/main.js');
    const version = await inSandbox('node "$1" --version', [cli]);
    expect(version.code, version.stderr).toBe(0);
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
