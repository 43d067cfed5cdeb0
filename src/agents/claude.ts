import { readClaudeStatusFile } from './claude-status-file.js';
import { type AgentAdapter, type LaunchContext, promptArgs } from './types.js';

function settingsArgs(ctx: LaunchContext): string[] {
  return ctx.settingsPath ? ['--settings', ctx.settingsPath] : [];
}

/** Claude Code: status from hooks (braid's settings file is merged with the user's own). */
export const claudeAgent: AgentAdapter = {
  name: 'claude',
  binary: 'claude',
  installHint: 'Install Claude Code: npm install -g @anthropic-ai/claude-code',
  statusMode: 'hooks',
  interactive(ctx) {
    const session = ctx.sessionId ? ['--session-id', ctx.sessionId] : [];
    return ['claude', ...settingsArgs(ctx), ...session, ...promptArgs(ctx.prompt)];
  },
  headless(ctx) {
    const budget = ctx.maxBudgetUsd !== undefined ? ['--max-budget-usd', String(ctx.maxBudgetUsd)] : [];
    const session = ctx.sessionId ? ['--session-id', ctx.sessionId] : [];
    // stream-json requires --verbose; the result event carries cost and usage.
    return [
      'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      ...settingsArgs(ctx),
      ...budget,
      ...session,
      ...promptArgs(ctx.prompt),
    ];
  },
  statusFile: readClaudeStatusFile,
  resume(ctx, sessionId) {
    return ['claude', ...settingsArgs(ctx), '--resume', sessionId];
  },
  // Ctrl-C twice quits an interactive session and fires SessionEnd.
  gracefulStop: { keys: ['Escape', 'C-c', 'C-c'], signal: 'SIGTERM' },
};
