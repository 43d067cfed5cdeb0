import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtModule } from '../../exec/built.js';
import { gitWritablePaths } from './git-paths.js';
import { hiddenMounts, readablePaths } from './hidden-paths.js';
import { PROXY_DIR_PREFIX } from './network-proxy.js';
import { refGuardMounts } from './ref-guard.js';

export type SandboxNetwork = 'none' | 'all' | { allow: string[] };

export interface SandboxPolicy {
  /** The task's worktree: writable, and the working directory inside. */
  worktree: string;
  /** The repository's shared git folder (`git rev-parse --git-common-dir`). */
  gitCommonDir: string;
  /** The task's own branch: the only branch the sandbox may move (see ref-guard.ts). Without it every ref stays writable. */
  branch?: string;
  /** More writable paths (absolute), e.g. braid's state folder for status hooks. Missing ones are skipped. */
  writable: string[];
  network: SandboxNetwork;
  /** The user's home: the agent's own config and cache folders below it stay writable. */
  home: string;
  /**
   * Folders (or files) hidden from the session: replaced by empty private ones. Default: the home
   * folder, so keys and tokens there cannot be read (see hidden-paths.ts for what stays readable).
   */
  hide?: string[];
  /** More paths inside a hidden folder to keep readable (`sandbox.read`). */
  read?: string[];
  /** Which agent's folders to keep writable (default: claude). */
  agent?: string;
  /** Where the session starts inside (a workdir of the worktree); default the worktree. */
  chdir?: string;
  /** Review/research sessions: the worktree (the main checkout) and git stay read-only too. */
  readonlyAll?: boolean;
  /** Allow-list only: test hook mapping names to addresses in the proxy (see network-proxy.ts). */
  resolve?: Record<string, string>;
}

export interface SandboxLaunch {
  /** The full command: spawn argv[0] with argv.slice(1). */
  argv: string[];
  /** Variables to add to the environment of that spawn. */
  env: Record<string, string>;
  /** Removes the proxy's socket folder if the launch never started (the launcher removes it otherwise). */
  cleanup?: () => void;
}

/** Folders below $HOME an agent writes to: its settings, sessions, caches. */
const AGENT_HOME_PATHS: Record<string, string[]> = {
  claude: ['.claude', '.claude.json', '.config/claude'],
  codex: ['.codex'],
  aider: ['.aider'],
};
const SHARED_HOME_PATHS = ['.cache', '.npm'];

/** Inside the sandbox: the proxy socket lives in the private /tmp, and socat serves it on this port. */
const INNER_SOCKET = '/tmp/braid-proxy.sock';
const INNER_PROXY_PORT = 3128;

/**
 * Waits until the in-sandbox bridge accepts connections, then becomes the agent. Constant text:
 * socat, the port, the socket and the agent's argv are positional arguments.
 */
const BRIDGE_THEN_EXEC = [
  '"$1" "TCP-LISTEN:$2,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$3" &',
  'i=0; until "$1" -u OPEN:/dev/null "TCP:127.0.0.1:$2" 2>/dev/null; do',
  'i=$((i+1)); if [ "$i" -gt 200 ]; then echo "braid: sandbox proxy bridge did not start" >&2; exit 125; fi;',
  'sleep 0.02; done; shift 3; exec "$@"',
].join(' ');

/** The bubblewrap command for running `argv` under `policy`. No shell strings carry user data. */
export function sandboxArgv(argv: readonly string[], policy: SandboxPolicy): SandboxLaunch {
  if (argv.length === 0) throw new Error('sandboxArgv: empty argv');
  const worktree = path.resolve(policy.worktree);
  const bw = ['bwrap', '--die-with-parent', '--unshare-pid', '--unshare-ipc'];
  bw.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  // Hidden first, then what stays readable inside, then the writable binds on top of both.
  const hidden = hiddenMounts(policy.hide ?? [policy.home]);
  for (const h of hidden)
    bw.push(...(h.kind === 'dir' ? ['--tmpfs', h.path] : ['--ro-bind', '/dev/null', h.path]));
  const readable = readablePaths({
    home: path.resolve(policy.home),
    // The private /tmp hides like a hidden folder: braid, node and a repository living there come back.
    hidden: [...hidden.map((h) => h.path), '/tmp'],
    worktree,
    gitCommonDir: policy.gitCommonDir,
    extra: policy.read ?? [],
    pathEnv: process.env.PATH,
  });
  for (const p of readable) bw.push('--ro-bind', p, p);
  const writable = [
    ...(policy.readonlyAll ? [] : [worktree, ...gitWritablePaths(worktree, policy.gitCommonDir)]),
    ...agentPaths(policy.home, policy.agent ?? 'claude'),
    ...policy.writable.map((p) => path.resolve(p)),
  ];
  for (const p of new Set(writable)) if (existsSync(p)) bw.push('--bind', p, p);
  // After the writable refs folder, so these binds sit on top of it.
  if (!policy.readonlyAll && policy.branch) {
    for (const m of refGuardMounts(policy.gitCommonDir, policy.branch))
      bw.push(m.mode === 'ro' ? '--ro-bind' : '--bind', m.path, m.path);
  }
  bw.push('--chdir', policy.chdir ?? worktree);

  if (policy.network === 'all') return { argv: [...bw, '--', ...argv], env: {} };
  bw.push('--unshare-net');
  if (policy.network === 'none') return { argv: [...bw, '--', ...argv], env: {} };

  const dir = mkdtempSync(path.join(tmpdir(), PROXY_DIR_PREFIX));
  const socket = path.join(dir, 'proxy.sock');
  bw.push('--bind', socket, INNER_SOCKET);
  const inner = ['sh', '-c', BRIDGE_THEN_EXEC, 'sh', 'socat', String(INNER_PROXY_PORT), INNER_SOCKET];
  const launcher = [process.execPath, proxyLauncherScript(), '--socket', socket];
  for (const domain of policy.network.allow) launcher.push('--allow', domain);
  for (const [host, addr] of Object.entries(policy.resolve ?? {}))
    launcher.push('--resolve', `${host}=${addr}`);
  const url = `http://127.0.0.1:${INNER_PROXY_PORT}`;
  return {
    argv: [...launcher, '--', ...bw, '--', ...inner, ...argv],
    env: { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NO_PROXY: '', no_proxy: '' },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function agentPaths(home: string, agent: string): string[] {
  const rel = [...(AGENT_HOME_PATHS[agent] ?? []), ...SHARED_HOME_PATHS];
  const out = rel.map((r) => path.join(home, r));
  // A folder made inside would land on the read-only home: make the agent's own and ~/.cache first.
  const made = [AGENT_HOME_PATHS[agent]?.[0], '.cache'].filter((r): r is string => !!r);
  for (const r of made) mkdirSync(path.join(home, r), { recursive: true });
  if (agent === 'claude' && process.env.CLAUDE_CONFIG_DIR) out.push(process.env.CLAUDE_CONFIG_DIR);
  return out;
}

/** The compiled launcher (from sources too: tests run the built one). */
function proxyLauncherScript(): string {
  return builtModule('isolate/sandbox/proxy-launcher.js');
}
