import { readClaudeStatusFile } from './claude-status-file.js';
import { type AgentAdapter, type LaunchContext, promptArgs } from './types.js';

function settingsArgs(ctx: LaunchContext): string[] {
  return ctx.settingsPath ? ['--settings', ctx.settingsPath] : [];
}

/** `claude -p` with stream-json (which requires --verbose): its result event carries cost and usage. */
function headlessArgv(ctx: LaunchContext, session: string[]): string[] {
  const budget = ctx.maxBudgetUsd !== undefined ? ['--max-budget-usd', String(ctx.maxBudgetUsd)] : [];
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
    return headlessArgv(ctx, ctx.sessionId ? ['--session-id', ctx.sessionId] : []);
  },
  statusFile: readClaudeStatusFile,
  resume(ctx, sessionId) {
    return ['claude', ...settingsArgs(ctx), '--resume', sessionId, ...promptArgs(ctx.prompt)];
  },
  headlessResume(ctx, sessionId) {
    return headlessArgv(ctx, ['--resume', sessionId]);
  },
  // Ctrl-C twice quits an interactive session and fires SessionEnd.
  gracefulStop: { keys: ['Escape', 'C-c', 'C-c'], signal: 'SIGTERM' },
};
