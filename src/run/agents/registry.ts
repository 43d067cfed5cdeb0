import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { BraidConfig } from '../../core/config.js';
import { BraidError } from '../../core/errors.js';
import { aiderAgent } from './aider.js';
import { claudeAgent } from './claude.js';
import { codexAgent, codexAgentWith } from './codex.js';
import { customAgent, screenIdleMs } from './custom.js';
import { shellAgent } from './shell.js';
import type { AgentAdapter } from './types.js';

export const BUILTIN_AGENTS: Readonly<Record<string, AgentAdapter>> = {
  claude: claudeAgent,
  codex: codexAgent,
  aider: aiderAgent,
  shell: shellAgent,
};

/** The adapter for `name`: braid.yaml `agents.<name>` first (a command there overrides a built-in). */
export function getAgent(name: string, config: BraidConfig): AgentAdapter {
  const builtin = Object.hasOwn(BUILTIN_AGENTS, name) ? BUILTIN_AGENTS[name] : undefined;
  const entry = Object.hasOwn(config.agents, name) ? config.agents[name] : undefined;
  if (entry?.command || (entry && !builtin)) return customAgent(name, entry, builtin);
  if (builtin && entry) {
    // Codex's own sandbox and approval settings shape its argv.
    const configured = name === 'codex' ? codexAgentWith(entry) : builtin;
    const idle = screenIdleMs(entry) ?? configured.screenIdleMs;
    return { ...configured, statusMode: entry.status ?? configured.statusMode, screenIdleMs: idle };
  }
  if (builtin) return builtin;
  const known = [...new Set([...Object.keys(BUILTIN_AGENTS), ...Object.keys(config.agents)])].sort();
  throw new BraidError(
    'E_CONFIG',
    `unknown agent '${name}'`,
    `Use one of ${known.join(', ')}, or define it in braid.yaml: agents: { ${name}: { command: ["${name}", "{prompt}"] } }.`,
  );
}

/** Throws E_AGENT_MISSING with the install hint when the agent's binary cannot be run. */
export async function checkInstalled(
  adapter: AgentAdapter,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (findExecutable(adapter.binary, env)) return;
  throw new BraidError(
    'E_AGENT_MISSING',
    `${adapter.binary} (agent '${adapter.name}') is not installed or not on PATH`,
    adapter.installHint,
  );
}

/** The absolute path `binary` resolves to on env.PATH (or itself when it holds a '/'), or null. */
export function findExecutable(binary: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (binary.includes('/')) return isExecutableFile(binary) ? binary : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
