import { homedir } from 'node:os';
import path from 'node:path';

/** Where Claude Code keeps its data: `$CLAUDE_CONFIG_DIR` (first entry if a list) or `~/.claude`. */
export function claudeConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.CLAUDE_CONFIG_DIR ?? '').split(',')[0]?.trim();
  return first ? path.resolve(first) : path.join(env.HOME || homedir(), '.claude');
}
