/**
 * The user service that runs `braid up` at login, so sessions come back after a reboot: a systemd user
 * unit where systemd runs, else lines for the shell's login file. Pure: text and names only.
 */

export type ServiceVia = 'systemd' | 'login-file';

export interface ServiceSpec {
  /** The repository's root (the unit's working directory). */
  root: string;
  repoName: string;
  /** The argv that runs braid (node and its main module). */
  braid: string[];
  /** Environment the sessions need at login (PATH, the tmux socket, …). */
  env: Record<string, string>;
}

/** One unit per repository: its name, then a short hash of its path (two checkouts of one name differ). */
export function unitName(repoName: string, rootHash: string): string {
  const safe = repoName.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40) || 'repo';
  return `braid-up-${safe}-${rootHash.slice(0, 8)}.service`;
}

/** systemd reads `%` as a specifier and `"`/`\` inside quotes as escapes. */
function systemdQuote(word: string): string {
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

export function unitText(spec: ServiceSpec): string {
  const env = Object.entries(spec.env).map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}`);
  return [
    '[Unit]',
    `Description=braid: bring back the sessions of ${spec.root.replace(/%/g, '%%')} after a restart`,
    '',
    '[Service]',
    // braid up starts the supervisor and the sessions detached, then returns.
    'Type=oneshot',
    'RemainAfterExit=yes',
    // Stopping the unit must not kill the sessions it brought back.
    'KillMode=process',
    `WorkingDirectory=${systemdQuote(spec.root)}`,
    ...env,
    `ExecStart=${[...spec.braid, 'up'].map(systemdQuote).join(' ')}`,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The login file of the user's shell: zsh reads ~/.zprofile, the others ~/.profile. */
export function loginFileFor(shell: string | undefined): string {
  return shell && /(^|\/)zsh$/.test(shell) ? '.zprofile' : '.profile';
}

/** Lines to add to the login file: `braid up` in the repository, in the background, quiet. */
export function loginLines(spec: ServiceSpec): string[] {
  const cmd = [...spec.braid, 'up'].map(shellQuote).join(' ');
  return [
    `# braid: bring back the sessions of ${spec.root} after a restart`,
    `(cd ${shellQuote(spec.root)} && ${cmd} >/dev/null 2>&1 &)`,
  ];
}

/** Variables worth carrying into the unit: what braid and the agents find their way with. */
const SERVICE_ENV_KEYS = [
  'PATH',
  'BRAID_TMUX_SOCKET',
  'BRAID_CONFIG',
  'CLAUDE_CONFIG_DIR',
  'BRAID_PRICING',
] as const;

export function serviceEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of SERVICE_ENV_KEYS) {
    const v = env[k];
    if (v) out[k] = v;
  }
  return out;
}
