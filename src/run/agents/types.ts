import type { PermissionInputs } from '../../core/permissions.js';
import type { AgentFileState } from './claude-status-file.js';

/** What braid needs to know to launch and watch one kind of agent. */

export interface LaunchContext {
  /** The task's prompt: always passed as one argument, never through a shell. */
  prompt: string;
  /** The task's worktree, where the agent runs. */
  worktree: string;
  /** Hook settings written for this task (Claude Code), or null. */
  settingsPath: string | null;
  /** The agent's own session id to use or resume, when known. */
  sessionId?: string | null;
  /** Spending cap for headless runs, where the agent supports one. */
  maxBudgetUsd?: number;
  /** What shapes the agent's permissions (braid.yaml, sandbox, gate); none: the agent's own settings. */
  permissions?: Omit<PermissionInputs, 'headless'>;
}

/** The flags and environment that carry a permission policy to the agent, and a line saying what it allows. */
export interface AgentPolicy {
  args: string[];
  env: Record<string, string>;
  summary: string;
}

/** hooks: the agent reports through `braid hook`; screen: braid reads activity from the pane; process: liveness only. */
export type StatusMode = 'hooks' | 'screen' | 'process';

export interface AgentAdapter {
  name: string;
  /** The executable (argv[0] of every command below). */
  binary: string;
  /** How to install the binary, shown when it is missing. */
  installHint: string;
  statusMode: StatusMode;
  /** statusMode screen: how long an unchanged screen must stay so before the session counts as idle. */
  screenIdleMs?: number;
  /** argv for an interactive session (in tmux). */
  interactive(ctx: LaunchContext): string[];
  /** argv for a headless run that works on the prompt and exits. */
  headless(ctx: LaunchContext): string[];
  /** The agent's own status file for the process `pid`, where it keeps one (Claude Code). */
  statusFile?(pid: number, env?: NodeJS.ProcessEnv): AgentFileState | null;
  /** argv resuming an earlier interactive session by the agent's own id (ctx.prompt: a follow-up message or ''). */
  resume?(ctx: LaunchContext, sessionId: string): string[];
  /** argv for a headless run that continues an earlier session with ctx.prompt (e.g. a conflict hand-back). */
  headlessResume?(ctx: LaunchContext, sessionId: string): string[];
  /** The permission policy of a launch (headless or interactive), where the agent has one. */
  policy?(inputs: PermissionInputs): AgentPolicy;
  /** How to ask the agent to stop: tmux keys sent in order, then a signal if it is still alive. */
  gracefulStop?: { keys?: string[]; signal?: NodeJS.Signals };
  /** tmux keys that close what an interactive session shows at a usage limit, before braid types into it. */
  limitDismissKeys?: string[];
}

/** A prompt that starts with '-' would be read as an option: end the options first. */
export function promptArgs(prompt: string): string[] {
  if (!prompt) return [];
  return prompt.startsWith('-') ? ['--', prompt] : [prompt];
}
