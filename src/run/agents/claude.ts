import { claudePolicy, describeClaudePolicy, type PermissionInputs } from '../../core/permissions.js';
import { readClaudeStatusFile } from './claude-status-file.js';
import { type AgentAdapter, type AgentPolicy, type LaunchContext, promptArgs } from './types.js';

function settingsArgs(ctx: LaunchContext): string[] {
  return ctx.settingsPath ? ['--settings', ctx.settingsPath] : [];
}

/** Claude Code's flags for braid's permission policy (also for custom commands that take them). */
export function claudeAgentPolicy(inputs: PermissionInputs): AgentPolicy {
  const p = claudePolicy(inputs);
  const args = [
    ...(p.mode ? ['--permission-mode', p.mode] : []),
    ...(p.allowedTools.length ? ['--allowedTools', ...p.allowedTools] : []),
  ];
  return { args, env: p.env, summary: describeClaudePolicy(p) };
}

/** Permission flags, then the prompt after `--`: --allowedTools takes every value up to the next option. */
function policyAndPrompt(ctx: LaunchContext, headless: boolean): string[] {
  const args = ctx.permissions ? claudeAgentPolicy({ ...ctx.permissions, headless }).args : [];
  if (!ctx.prompt) return args;
  return args.length ? [...args, '--', ctx.prompt] : promptArgs(ctx.prompt);
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
    ...policyAndPrompt(ctx, true),
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
    return ['claude', ...settingsArgs(ctx), ...session, ...policyAndPrompt(ctx, false)];
  },
  headless(ctx) {
    return headlessArgv(ctx, ctx.sessionId ? ['--session-id', ctx.sessionId] : []);
  },
  statusFile: readClaudeStatusFile,
  resume(ctx, sessionId) {
    return ['claude', ...settingsArgs(ctx), '--resume', sessionId, ...policyAndPrompt(ctx, false)];
  },
  headlessResume(ctx, sessionId) {
    return headlessArgv(ctx, ['--resume', sessionId]);
  },
  policy: claudeAgentPolicy,
  // Ctrl-C twice quits an interactive session and fires SessionEnd.
  gracefulStop: { keys: ['Escape', 'C-c', 'C-c'], signal: 'SIGTERM' },
  // 2.1 opens a /rate-limit-options menu at a subscription's limit: typed text would land in it.
  limitDismissKeys: ['Escape'],
};
