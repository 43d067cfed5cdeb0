import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../../core/errors.js';
import { REGISTERED_HOOK_EVENTS } from '../../core/status.js';

/** Far beyond the hook's own run (it waits ~250 ms for a busy store, then spools), short enough never to stall a session. */
const HOOK_TIMEOUT_S = 10;

const CLAUDE_SETTINGS_FILE = 'claude-settings.json';

export interface ClaudeSettingsOptions {
  /** Outside the worktree (the agent must not commit it), e.g. <commonDir>/braid/agents/<task>. */
  dir: string;
  task: string;
  /** Absolute argv that runs braid, e.g. [process.execPath, '/abs/dist/cli/main.js'] (or ['node', …] in a container). */
  braidCommand: string[];
}

/**
 * Writes the settings file passed with `claude --settings`; Claude Code merges it with the user's own,
 * so their hooks keep running beside braid's. Returns its path.
 */
export async function writeClaudeSettings(opts: ClaudeSettingsOptions): Promise<string> {
  const settings = claudeSettings(opts.task, opts.braidCommand);
  mkdirSync(opts.dir, { recursive: true });
  const file = path.join(opts.dir, CLAUDE_SETTINGS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

export function claudeSettings(task: string, braidCommand: string[]): Record<string, unknown> {
  for (const [i, part] of braidCommand.entries()) {
    // A bare program name first (`node` inside a container, found on its PATH) is the one exception.
    const bareProgram = i === 0 && /^[A-Za-z0-9._-]+$/.test(part);
    if (!path.isAbsolute(part) && !bareProgram) {
      throw new BraidError(
        'E_CONFIG',
        `hook command parts must be absolute paths, got '${part}'`,
        'Pass [process.execPath, <absolute path of dist/cli/main.js>].',
      );
    }
  }
  return claudeSettingsWith(task, (event) => hookCommand(braidCommand, event));
}

/** The settings with each registered event's hook command made by `commandOf` (a pod's posts to braid's endpoint). */
export function claudeSettingsWith(
  task: string,
  commandOf: (event: string) => string,
): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const event of REGISTERED_HOOK_EVENTS) {
    // No matcher: every tool, every notification type, every session source.
    hooks[event] = [{ hooks: [{ type: 'command', command: commandOf(event), timeout: HOOK_TIMEOUT_S }] }];
  }
  // BRAID_TASK is also in the session's environment; this keeps hooks right if Claude Code drops it.
  return { env: { BRAID_TASK: task }, hooks };
}

/** Hook commands are shell strings by Claude Code's design: built only from quoted absolute paths and a fixed event name. */
export function hookCommand(braidCommand: string[], event: string): string {
  return [...braidCommand.map(shellQuote), 'hook', event].join(' ');
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
