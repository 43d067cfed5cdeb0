import type { AgentAdapter } from './types.js';

// --message=TEXT keeps a prompt that starts with '-' a value, not an option.
const message = (prompt: string): string[] => (prompt ? [`--message=${prompt}`] : []);

/** aider: works on one message; headless runs answer every question with yes. */
export const aiderAgent: AgentAdapter = {
  name: 'aider',
  binary: 'aider',
  installHint: 'Install aider: pipx install aider-chat',
  statusMode: 'screen',
  interactive: (ctx) => ['aider', ...message(ctx.prompt)],
  headless: (ctx) => ['aider', '--yes-always', '--no-pretty', ...message(ctx.prompt)],
  gracefulStop: { keys: ['C-c', 'C-d'], signal: 'SIGTERM' },
};
