import path from 'node:path';
import { BraidError } from '../core/errors.js';
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

/**
 * An agent from braid.yaml `agents.<name>`: argv templates where `{prompt}`, `{worktree}`, `{settings}`
 * and `{session_id}` are filled in inside their own element, so the prompt stays one argument.
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
  const withSession = (template: string[] | undefined) =>
    template
      ? (ctx: LaunchContext, sessionId: string) => fillTemplate(template, { ...ctx, sessionId })
      : undefined;
  return {
    name,
    binary: command[0],
    installHint:
      base?.binary === command[0]
        ? base.installHint
        : `Install ${command[0]}, or fix agents.${name}.command in braid.yaml.`,
    statusMode: cfg.status ?? base?.statusMode ?? 'screen',
    screenIdleMs: screenIdleMs(cfg) ?? base?.screenIdleMs,
    interactive: (ctx) => fillTemplate(command, ctx),
    headless: (ctx) => fillTemplate(headlessCommand, ctx),
    resume: withSession(cfg.resume_command),
    headlessResume: withSession(cfg.headless_resume_command),
    gracefulStop: base?.gracefulStop ?? { keys: ['C-c'], signal: 'SIGTERM' },
  };
}

export function screenIdleMs(cfg: CustomAgentConfig): number | undefined {
  return cfg.screen_idle_seconds === undefined ? undefined : cfg.screen_idle_seconds * 1000;
}

/** Replaces placeholders element by element; never joins elements into a string. */
export function fillTemplate(template: string[], ctx: LaunchContext): string[] {
  const values: Record<string, string> = {
    '{prompt}': ctx.prompt,
    '{worktree}': ctx.worktree,
    '{settings}': ctx.settingsPath ?? '',
    '{session_id}': ctx.sessionId ?? '',
  };
  // split/join, not String.replace: a '$&' in the prompt must stay literal.
  return template.map((arg) =>
    Object.entries(values).reduce((acc, [key, value]) => acc.split(key).join(value), arg),
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
