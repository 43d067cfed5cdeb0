import type { AgentAdapter } from './types.js';

/**
 * The prompt IS the command: `sh -c PROMPT` in the worktree. The one place braid runs a shell string on
 * purpose: it is the user's own command (scripts, tests, demos), passed as one argument.
 */
export const shellAgent: AgentAdapter = {
  name: 'shell',
  binary: 'sh',
  installHint: 'Install a POSIX shell (sh) and put it on PATH.',
  statusMode: 'process',
  // No command: an interactive shell in the worktree.
  interactive: (ctx) => (ctx.prompt ? ['sh', '-c', ctx.prompt] : ['sh', '-i']),
  headless: (ctx) => ['sh', '-c', ctx.prompt || 'true'],
  policy: () => ({ args: [], env: {}, summary: 'the prompt runs as a shell command: nothing to grant' }),
  gracefulStop: { keys: ['C-c'], signal: 'SIGTERM' },
};
