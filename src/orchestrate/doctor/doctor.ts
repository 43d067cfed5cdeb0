import { type BraidConfig, defaultConfig } from '../../core/config.js';
import { isBraidError } from '../../core/errors.js';
import { plural } from '../../core/plural.js';
import { run } from '../../exec/run.js';
import { MIN_GIT, parseGitVersion } from '../../git/git.js';
import { findRepo, type RepoInfo } from '../../git/repo.js';
import { type Capabilities, detectCapabilities } from '../../isolate/sandbox/capabilities.js';
import { portIsFree } from '../../isolate/workspace/ports.js';
import { loadConfig } from '../../project/config-file.js';
import { containerCheck } from '../../run/session/engine-check.js';
import { openStore } from '../../store/db.js';
import { kubeCheck } from './kube-check.js';
import { notifyCheck } from './notify-check.js';
import { permissionLines } from './permissions.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** A failing required check makes `braid doctor` exit 1; the rest only narrow what braid can do. */
  required: boolean;
  detail: string;
  hint: string | null;
}

export interface DoctorOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The sandbox probe; defaults to the very detection `--sandbox` and `limits` rely on. */
  probeSandbox?: () => Promise<Capabilities>;
}

/** First line of `cmd <flag>` that carries a version, or why it could not run. */
async function toolVersion(
  cmd: string,
  flag = '--version',
): Promise<{ ok: boolean; version?: string; reason?: string }> {
  try {
    const res = await run(cmd, [flag], { cwd: '/', timeoutMs: 10_000, allowFailure: true });
    const lines = `${res.stdout}\n${res.stderr}`.split('\n').map((l) => l.trim());
    const line = lines.find((l) => /\d+\.\d+/.test(l)) ?? lines.find(Boolean);
    if (res.code !== 0) return { ok: false, reason: `${cmd} ${flag} exited with ${res.code}` };
    return { ok: true, version: line };
  } catch (err) {
    if (isBraidError(err, 'E_TOOL_MISSING')) return { ok: false, reason: `${cmd} is not on PATH` };
    return { ok: false, reason: (err as Error).message };
  }
}

const check = (
  name: string,
  ok: boolean,
  required: boolean,
  detail: string,
  hint: string | null = null,
): DoctorCheck => ({
  name,
  ok,
  required,
  detail,
  hint: ok ? null : hint,
});

async function gitCheck(): Promise<DoctorCheck> {
  const hint = `Install git ${MIN_GIT.join('.')} or newer (Debian: apt-get install git; or a backport).`;
  const t = await toolVersion('git');
  if (!t.ok) return check('git', false, true, t.reason ?? 'git not found', hint);
  const v = parseGitVersion(t.version ?? '');
  const ok = !!v && (v[0] > MIN_GIT[0] || (v[0] === MIN_GIT[0] && v[1] >= MIN_GIT[1]));
  return check(
    'git',
    ok,
    true,
    ok ? (t.version ?? '') : `${t.version}: braid needs ${MIN_GIT.join('.')}+`,
    hint,
  );
}

async function optionalTool(name: string, cmd: string, hint: string, flag?: string): Promise<DoctorCheck> {
  const t = await toolVersion(cmd, flag);
  return check(name, t.ok, false, t.ok ? (t.version ?? 'found') : (t.reason ?? 'not found'), hint);
}

const AGENTS: Array<[string, string]> = [
  ['claude', 'npm i -g @anthropic-ai/claude-code'],
  ['codex', 'npm i -g @openai/codex'],
  ['aider', 'pipx install aider-chat'],
];

function cgroupDetail(cg: Capabilities['cgroup']): string {
  const what = cg.writable
    ? `writable: ${cg.controllers.join(' ') || 'no controllers'}`
    : 'not writable: limits cannot be applied';
  return `${cg.version}, ${what}${cg.reason ? ` (${cg.reason})` : ''}`;
}

function sandboxChecks(p: Capabilities): DoctorCheck[] {
  return [
    check(
      'bubblewrap',
      p.bwrap.ok,
      false,
      p.bwrap.ok ? `bubblewrap ${p.bwrap.version ?? ''}`.trim() : (p.bwrap.reason ?? 'not usable'),
      'Install bubblewrap (Debian: apt-get install bubblewrap) to run tasks with --sandbox or --readonly.',
    ),
    check(
      'user namespaces',
      p.userns.ok,
      false,
      p.userns.ok
        ? `available${p.userns.version ? ` (${p.userns.version})` : ''}`
        : (p.userns.reason ?? 'unavailable'),
      'Enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) for --sandbox.',
    ),
    check(
      'socat',
      p.socat.ok,
      false,
      p.socat.ok
        ? `socat${p.socat.version ? ` ${p.socat.version}` : ''}: sandbox network allow-lists available`
        : (p.socat.reason ?? 'not found'),
      'Install socat (Debian: apt-get install socat) for sandboxes with a network allow-list.',
    ),
    check(
      'cgroups',
      p.cgroup.writable,
      false,
      cgroupDetail(p.cgroup),
      'Resource limits (limits: in braid.yaml) need a writable cgroup: v2 delegated (systemd-run --user --scope -p Delegate=yes) or v1 writable.',
    ),
  ];
}

async function portsCheck(config: BraidConfig): Promise<DoctorCheck> {
  const [low, high] = config.ports.range;
  const ports = Array.from({ length: Math.min(50, high - low + 1) }, (_, i) => low + i);
  // The same test braid new leases by: a port is free on 127.0.0.1 and on `::` alike.
  const free = (await Promise.all(ports.map(portIsFree))).filter(Boolean).length;
  return check(
    'free ports',
    free >= config.ports.block,
    false,
    `${free} of the first ${plural(ports.length, 'port')} in ${low}-${high} are free (on 127.0.0.1 and ::)`,
    'Stop what holds those ports, or move ports.range in braid.yaml.',
  );
}

async function repoChecks(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ checks: DoctorCheck[]; config: BraidConfig; commonDir: string | null; root: string | null }> {
  let repo: RepoInfo;
  try {
    repo = await findRepo(cwd);
  } catch (err) {
    const why = isBraidError(err) ? err.message : String(err);
    return {
      checks: [
        check('repository', false, false, why, 'Run braid doctor inside your project to check it too.'),
      ],
      config: defaultConfig(),
      commonDir: null,
      root: null,
    };
  }
  const checks = [check('repository', true, false, repo.root)];
  let config = defaultConfig();
  try {
    const loaded = loadConfig(repo.root, env);
    config = loaded.config;
    checks.push(
      check('braid.yaml', true, true, loaded.file ? `${loaded.file} is valid` : 'none (defaults in force)'),
    );
  } catch (err) {
    checks.push(
      check(
        'braid.yaml',
        false,
        true,
        (err as Error).message,
        'Fix the keys listed, or regenerate it with braid init --force.',
      ),
    );
  }
  try {
    openStore(repo.commonDir).close();
    checks.push(check('state store', true, true, `${repo.commonDir}/braid/state.db opens`));
  } catch (err) {
    checks.push(
      check(
        'state store',
        false,
        true,
        (err as Error).message,
        isBraidError(err) ? (err.hint ?? null) : null,
      ),
    );
  }
  return { checks, config, commonDir: repo.commonDir, root: repo.root };
}

/** Every check, in display order; never throws for a missing tool. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const env = options.env ?? process.env;
  const probe = options.probeSandbox ?? detectCapabilities;
  const git = await gitCheck();
  const repo = git.ok
    ? await repoChecks(options.cwd, env)
    : { checks: [], config: defaultConfig(), commonDir: null, root: null };
  const [tmux, rg, mergiraf, notifySend, sandbox, engine, ...agents] = await Promise.all([
    optionalTool(
      'tmux',
      'tmux',
      'Install tmux (Debian: apt-get install tmux), or run tasks with --headless.',
      '-V',
    ),
    optionalTool(
      'ripgrep',
      'rg',
      'Install ripgrep (Debian: apt-get install ripgrep) for faster conflict radar.',
    ),
    optionalTool(
      'mergiraf',
      'mergiraf',
      'Install mergiraf (cargo install mergiraf) to resolve more conflicts by syntax.',
    ),
    optionalTool(
      'notify-send',
      'notify-send',
      'Install libnotify (Debian: apt-get install libnotify-bin) for desktop notifications (notify.desktop).',
    ),
    probe(),
    containerCheck(repo.config, repo.root),
    ...AGENTS.map(([cmd, hint]) => optionalTool(`agent ${cmd}`, cmd, `Install it: ${hint}`)),
  ]);
  const ports = await portsCheck(repo.config);
  const n = notifyCheck(repo.config, repo.commonDir, notifySend.ok);
  const notifications = check('notifications', n.ok, false, n.detail, n.hint);
  const kube = await kubeCheck(repo.config, env);
  const kubernetes = kube ? [check('kubernetes', kube.ok, false, kube.detail, kube.hint)] : [];
  const permissions = permissionLines(repo.config).map((l) =>
    check(`permissions ${l.agent}`, true, false, l.detail),
  );
  return [
    git,
    ...repo.checks,
    tmux,
    ...sandboxChecks(sandbox),
    check('container engine', engine.ok, false, engine.detail, engine.hint),
    rg,
    mergiraf,
    notifySend,
    notifications,
    ...agents,
    ...permissions,
    ...kubernetes,
    ports,
  ];
}

export function doctorFailed(checks: DoctorCheck[]): boolean {
  return checks.some((c) => c.required && !c.ok);
}
