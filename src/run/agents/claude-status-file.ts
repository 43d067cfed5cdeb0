import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { claudeConfigDir } from './claude-home.js';

/** What interactive Claude Code says about itself in `<config dir>/sessions/<pid>.json`. */
export interface AgentFileState {
  state: 'idle' | 'busy' | 'waiting' | 'shell';
  waitingFor: string | null;
  /** When the file was last written (ms since epoch): older than a hook, it says nothing new. */
  writtenAt: number;
}

const STATES = new Set(['idle', 'busy', 'waiting', 'shell']);

/**
 * Reads Claude Code's status file for the process `pid`, or null when there is none or it is unreadable.
 * Internal and undocumented, but it covers interrupts (Esc), which fire no hook.
 */
export function readClaudeStatusFile(
  pid: number,
  env: NodeJS.ProcessEnv = process.env,
): AgentFileState | null {
  const file = path.join(claudeConfigDir(env), 'sessions', `${pid}.json`);
  try {
    const writtenAt = statSync(file).mtimeMs;
    const data = JSON.parse(readFileSync(file, 'utf8')) as { status?: unknown; waitingFor?: unknown };
    // -p runs write the file without a status.
    if (typeof data.status !== 'string' || !STATES.has(data.status)) return null;
    const waitingFor = typeof data.waitingFor === 'string' ? data.waitingFor : null;
    return { state: data.status as AgentFileState['state'], waitingFor, writtenAt };
  } catch {
    return null;
  }
}
