import { gitWritablePaths, worktreeCommonDir } from '../../isolate/sandbox/git-paths.js';
import { type AgentAdapter, type LaunchContext, promptArgs } from './types.js';

type CodexSandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';
type CodexApprovalPolicy = 'untrusted' | 'on-failure' | 'on-request' | 'never';

/** braid.yaml `agents.codex`: Codex's own sandbox and approval settings (see docs/config.md). */
export interface CodexSettings {
  /** Interactive sessions (`--sandbox`); unset: the user's own Codex config decides. */
  sandbox_mode?: CodexSandboxMode;
  /** Headless runs (`codex exec --sandbox`); default: sandbox_mode, else workspace-write. */
  headless_sandbox_mode?: CodexSandboxMode;
  /** Interactive sessions (`--ask-for-approval`); `codex exec` never asks, whatever is set. */
  approval_policy?: CodexApprovalPolicy;
}

/**
 * What `git commit` writes outside a linked worktree (the common git dir's objects, refs, logs and
 * the worktree's admin folder), as `--add-dir`: Codex's workspace-write sandbox mounts the
 * worktree's git folder read-only, so without these a task could edit but never commit.
 */
function gitDirArgs(worktree: string): string[] {
  const common = worktreeCommonDir(worktree);
  return common ? gitWritablePaths(worktree, common).flatMap((dir) => ['--add-dir', dir]) : [];
}

function headlessPermissions(settings: CodexSettings, ctx: LaunchContext): string[] {
  const mode = settings.headless_sandbox_mode ?? settings.sandbox_mode ?? 'workspace-write';
  return ['--sandbox', mode, ...(mode === 'workspace-write' ? gitDirArgs(ctx.worktree) : [])];
}

function interactivePermissions(settings: CodexSettings, ctx: LaunchContext): string[] {
  const mode = settings.sandbox_mode;
  // Only with a mode braid set: the TUI exits ("Ignoring --add-dir") when the user's own is read-only.
  return [
    ...(mode ? ['--sandbox', mode] : []),
    ...(settings.approval_policy ? ['--ask-for-approval', settings.approval_policy] : []),
    ...(mode === 'workspace-write' ? gitDirArgs(ctx.worktree) : []),
  ];
}

/** OpenAI Codex CLI: no hooks braid can use, so status comes from the screen. */
export function codexAgentWith(settings: CodexSettings): AgentAdapter {
  return {
    name: 'codex',
    binary: 'codex',
    installHint: 'Install Codex: npm install -g @openai/codex',
    statusMode: 'screen',
    interactive: (ctx) => ['codex', ...interactivePermissions(settings, ctx), ...promptArgs(ctx.prompt)],
    headless: (ctx) => [
      'codex',
      'exec',
      '--json',
      ...headlessPermissions(settings, ctx),
      ...promptArgs(ctx.prompt),
    ],
    resume: (ctx, sessionId) => [
      'codex',
      'resume',
      ...interactivePermissions(settings, ctx),
      sessionId,
      ...promptArgs(ctx.prompt),
    ],
    // `exec resume` takes no --sandbox of its own: exec's options go before the subcommand.
    headlessResume: (ctx, sessionId) => [
      'codex',
      'exec',
      '--json',
      ...headlessPermissions(settings, ctx),
      'resume',
      sessionId,
      ...promptArgs(ctx.prompt),
    ],
    policy: ({ headless }) => {
      const mode = headless
        ? (settings.headless_sandbox_mode ?? settings.sandbox_mode ?? 'workspace-write')
        : settings.sandbox_mode;
      const gitDirs = mode === 'workspace-write' ? " + the task's git folders (--add-dir)" : '';
      const approval =
        !headless && settings.approval_policy ? ` --ask-for-approval ${settings.approval_policy}` : '';
      const summary = mode
        ? `--sandbox ${mode}${gitDirs}${approval}${headless ? ' (exec never asks)' : ''}`
        : "the user's own Codex settings";
      return { args: [], env: {}, summary };
    },
    gracefulStop: { keys: ['C-c', 'C-c'], signal: 'SIGTERM' },
  };
}

export const codexAgent: AgentAdapter = codexAgentWith({});
