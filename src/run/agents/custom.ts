import path from 'node:path';
import { BraidError } from '../../core/errors.js';
import { claudeAgentPolicy } from './claude.js';
import type { AgentAdapter, LaunchContext, StatusMode } from './types.js';

export interface CustomAgentConfig {
  command?: string[];
  headless_command?: string[];
  resume_command?: string[];
  headless_resume_command?: string[];
  status?: StatusMode;
  screen_idle_seconds?: number;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'fish']);

/** The element a template holds where Claude Code's permission flags from braid's policy go. */
const PERMISSIONS = '{permissions}';

/**
 * An agent from braid.yaml `agents.<name>`: argv templates where `{prompt}`, `{worktree}`, `{settings}`
 * and `{session_id}` are filled in inside their own element, so the prompt stays one argument; an
 * element `{permissions}` becomes Claude Code's permission flags (`--permission-mode`, `--allowedTools`).
 */
export function customAgent(name: string, cfg: CustomAgentConfig, base?: AgentAdapter): AgentAdapter {
  const command = cfg.command;
  if (!command?.length) {
    throw new BraidError(
      'E_CONFIG',
      `agents.${name} in braid.yaml has no command`,
      `Give the command as an array, e.g. agents: { ${name}: { command: ["my-agent", "{prompt}"] } }.`,
    );
  }
  const headlessCommand = cfg.headless_command ?? command;
  for (const template of [command, headlessCommand, cfg.resume_command, cfg.headless_resume_command])
    if (template) refuseShellSplice(name, template);
  const withSession = (template: string[] | undefined, headless: boolean) =>
    template
      ? (ctx: LaunchContext, sessionId: string) => fillTemplate(template, { ...ctx, sessionId }, headless)
      : undefined;
  const templates = [command, headlessCommand, cfg.resume_command, cfg.headless_resume_command];
  const takesPermissions = templates.some((t) => t?.includes(PERMISSIONS));
  return {
    name,
    binary: command[0],
    installHint:
      base?.binary === command[0]
        ? base.installHint
        : `Install ${command[0]}, or fix agents.${name}.command in braid.yaml.`,
    statusMode: cfg.status ?? base?.statusMode ?? 'screen',
    screenIdleMs: screenIdleMs(cfg) ?? base?.screenIdleMs,
    interactive: (ctx) => fillTemplate(command, ctx, false),
    headless: (ctx) => fillTemplate(headlessCommand, ctx, true),
    resume: withSession(cfg.resume_command, false),
    headlessResume: withSession(cfg.headless_resume_command, true),
    policy: takesPermissions ? claudeAgentPolicy : undefined,
    gracefulStop: base?.gracefulStop ?? { keys: ['C-c'], signal: 'SIGTERM' },
  };
}

export function screenIdleMs(cfg: CustomAgentConfig): number | undefined {
  return cfg.screen_idle_seconds === undefined ? undefined : cfg.screen_idle_seconds * 1000;
}

/** Replaces placeholders element by element; never joins elements into a string. */
function fillTemplate(template: string[], ctx: LaunchContext, headless = false): string[] {
  const flags = ctx.permissions ? claudeAgentPolicy({ ...ctx.permissions, headless }).args : [];
  const values: Record<string, string> = {
    '{prompt}': ctx.prompt,
    '{worktree}': ctx.worktree,
    '{settings}': ctx.settingsPath ?? '',
    '{session_id}': ctx.sessionId ?? '',
  };
  // split/join, not String.replace: a '$&' in the prompt must stay literal.
  return template.flatMap((arg) =>
    arg === PERMISSIONS
      ? flags
      : [Object.entries(values).reduce((acc, [key, value]) => acc.split(key).join(value), arg)],
  );
}

// Inside `sh -c "tool {prompt}"` the prompt would become shell code: require it as its own argument.
function refuseShellSplice(name: string, template: string[]): void {
  if (!SHELLS.has(path.basename(template[0]))) return;
  const spliced = template.slice(1).some((arg) => arg !== '{prompt}' && arg.includes('{prompt}'));
  if (spliced) {
    throw new BraidError(
      'E_CONFIG',
      `agents.${name}.command puts {prompt} inside a shell script, where the prompt would run as code`,
      `Pass it as its own argument and read it as "$1": ["sh", "-c", "my-agent \\"$1\\"", "sh", "{prompt}"].`,
    );
  }
}
