/**
 * What an agent may do without asking, per launch. A headless run has nobody to answer a permission
 * prompt, so braid grants what landing needs (edit files, commit on the task's own branch, run the
 * gate and setup commands); an interactive session keeps the user's own settings unless braid.yaml
 * says otherwise; a sandboxed run may skip the prompts altogether, since the sandbox is the boundary.
 */

/** Claude Code's permission modes (`--permission-mode`). */
export const CLAUDE_PERMISSION_MODES = [
  'default',
  'acceptEdits',
  'plan',
  'bypassPermissions',
  'dontAsk',
] as const;
type ClaudePermissionMode = (typeof CLAUDE_PERMISSION_MODES)[number];

/** The agent's own settings in braid.yaml (`agents.<name>`) that shape its permissions. */
interface PermissionSettings {
  permission_mode?: ClaudePermissionMode;
  allowed_tools?: string[];
}

export interface PermissionInputs {
  headless: boolean;
  /** The session runs inside braid's bubblewrap sandbox (`--sandbox`, `--readonly` or `sandbox:`). */
  sandboxed: boolean;
  /** braid runs as root: Claude Code refuses bypassPermissions there unless told it is sandboxed. */
  asRoot: boolean;
  settings: PermissionSettings;
  /** The configured gate and setup commands: the agent may run them to check its own work. */
  gate?: string;
  setup: string[];
}

export interface ClaudePolicy {
  /** null: no flag, Claude Code uses the user's own settings. */
  mode: ClaudePermissionMode | null;
  /** `--allowedTools` rules, e.g. `Bash(git commit:*)`. */
  allowedTools: string[];
  /** Extra environment for the agent (IS_SANDBOX=1 so that bypassPermissions runs as root). */
  env: Record<string, string>;
  /** Where the mode came from, for `braid doctor` and the docs. */
  origin: 'braid.yaml' | 'headless default' | 'sandbox default' | 'user settings';
}

/** The git commands a headless agent needs to commit its work and to merge its base in a hand-back. */
export const GIT_RULES = [
  'add',
  'commit',
  'status',
  'diff',
  'log',
  'show',
  'merge',
  'rm',
  'mv',
  'restore',
].map((sub) => `Bash(git ${sub}:*)`);

/** `Bash(<cmd>:*)` rules for a shell command line: each simple command of a `&&`, `||` or `;` chain. */
export function bashRulesFor(commandLine: string): string[] {
  return commandLine
    .split(/&&|\|\||;/)
    .map((part) => part.trim().replace(/\s+/g, ' '))
    .filter((part) => part && !/[|<>`$()]/.test(part))
    .map((part) => `Bash(${part}:*)`);
}

/** The Claude Code permission policy for one launch. */
export function claudePolicy(inputs: PermissionInputs): ClaudePolicy {
  const { settings } = inputs;
  const explicit = settings.permission_mode ?? null;
  let mode: ClaudePermissionMode | null = explicit;
  let origin: ClaudePolicy['origin'] = 'braid.yaml';
  if (!explicit && inputs.headless) {
    [mode, origin] = inputs.sandboxed
      ? ['bypassPermissions', 'sandbox default']
      : ['acceptEdits', 'headless default'];
  } else if (!explicit) origin = 'user settings';
  // Defaults are for runs nobody watches; an interactive session gets only what braid.yaml names.
  const defaults = inputs.headless && mode !== 'bypassPermissions' ? defaultRules(inputs) : [];
  const allowedTools = unique([...defaults, ...(settings.allowed_tools ?? [])]);
  const env: Record<string, string> =
    mode === 'bypassPermissions' && inputs.asRoot ? { IS_SANDBOX: '1' } : {};
  return { mode, allowedTools, env, origin };
}

function defaultRules(inputs: PermissionInputs): string[] {
  const commands = [...(inputs.gate ? [inputs.gate] : []), ...inputs.setup];
  return [...GIT_RULES, ...commands.flatMap(bashRulesFor)];
}

/** One line for `braid doctor` and logs: what the agent may do unasked. */
export function describeClaudePolicy(p: ClaudePolicy): string {
  if (!p.mode && p.allowedTools.length === 0) return "the user's own Claude Code settings";
  const mode = p.mode ? `--permission-mode ${p.mode}` : "the user's own permission mode";
  const rules = p.allowedTools.length ? ` + ${p.allowedTools.length} allowed tool rules` : '';
  const root = p.env.IS_SANDBOX ? ' (IS_SANDBOX=1: running as root)' : '';
  return `${mode}${rules}${root} (${p.origin})`;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
