/** `braid up --install` / `--uninstall`: the user service that runs `braid up` at login. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  loginFileFor,
  loginLines,
  type ServiceSpec,
  type ServiceVia,
  serviceEnv,
  unitName,
  unitText,
} from '../core/login-service.js';
import { run } from '../exec/run.js';
import type { Project } from '../project/project.js';
import { braidCommand } from '../run/session/lifecycle.js';

export interface InstallReport {
  via: ServiceVia;
  /** The unit written (systemd), or the login file the lines belong in. */
  path: string;
  /** systemd: whether `systemctl --user enable` succeeded. */
  enabled: boolean;
  /** login-file: what to add to it (braid prints them, it never edits the user's login file). */
  lines: string[];
  /** Why something could not be done here (systemctl unusable…), or null. */
  note: string | null;
}

export interface UninstallReport {
  /** The unit removed, or null when none was installed. */
  removed: string | null;
  /** The login file whose braid lines the user removes by hand, when no unit was found. */
  loginFile: string | null;
  note: string | null;
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

function unitPath(project: Project, env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME || path.join(home(env), '.config');
  const hash = createHash('sha256').update(project.repo.root).digest('hex');
  return path.join(config, 'systemd', 'user', unitName(project.repo.name, hash));
}

function spec(project: Project, env: NodeJS.ProcessEnv): ServiceSpec {
  return {
    root: project.repo.root,
    repoName: project.repo.name,
    braid: braidCommand(),
    env: serviceEnv(env),
  };
}

/** Whether a systemd user manager answers here (containers and many CI machines have none). */
async function systemdUserUsable(env: NodeJS.ProcessEnv): Promise<boolean> {
  const res = await run('systemctl', ['--user', 'show-environment'], {
    cwd: home(env),
    env,
    timeoutMs: 5_000,
    allowFailure: true,
  }).catch(() => null);
  return res?.code === 0;
}

export async function installLoginService(
  project: Project,
  via: ServiceVia | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InstallReport> {
  const usable = await systemdUserUsable(env);
  const chosen = via ?? (usable ? 'systemd' : 'login-file');
  const s = spec(project, env);
  if (chosen === 'login-file') {
    const file = path.join(home(env), loginFileFor(env.SHELL));
    return { via: chosen, path: file, enabled: false, lines: loginLines(s), note: null };
  }
  const file = unitPath(project, env);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, unitText(s));
  if (!usable) {
    const note = `systemctl --user is not usable here: the unit is written; enable it where systemd runs with systemctl --user enable ${path.basename(file)}`;
    return { via: chosen, path: file, enabled: false, lines: [], note };
  }
  const opts = { cwd: home(env), env, timeoutMs: 15_000, allowFailure: true };
  await run('systemctl', ['--user', 'daemon-reload'], opts);
  const res = await run('systemctl', ['--user', 'enable', path.basename(file)], opts);
  const note = res.code === 0 ? null : `systemctl --user enable failed: ${res.stderr.trim()}`;
  return { via: chosen, path: file, enabled: res.code === 0, lines: [], note };
}

export async function uninstallLoginService(
  project: Project,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UninstallReport> {
  const file = unitPath(project, env);
  if (!existsSync(file)) {
    const loginFile = path.join(home(env), loginFileFor(env.SHELL));
    return { removed: null, loginFile, note: null };
  }
  let note: string | null = null;
  if (await systemdUserUsable(env)) {
    const opts = { cwd: home(env), env, timeoutMs: 15_000, allowFailure: true };
    await run('systemctl', ['--user', 'disable', path.basename(file)], opts);
    rmSync(file, { force: true });
    await run('systemctl', ['--user', 'daemon-reload'], opts);
  } else {
    rmSync(file, { force: true });
    note = 'systemctl --user is not usable here: the unit file is removed';
  }
  return { removed: file, loginFile: null, note };
}
