import type { AgentAdapter, AgentPolicy } from './types.js';

// --message=TEXT keeps a prompt that starts with '-' a value, not an option.
const message = (prompt: string): string[] => (prompt ? [`--message=${prompt}`] : []);

/** Nobody answers aider's questions in a headless run: yes to all; interactive sessions ask the user. */
function policy({ headless }: { headless: boolean }): AgentPolicy {
  return headless
    ? { args: ['--yes-always'], env: {}, summary: '--yes-always (headless: every question answered yes)' }
    : { args: [], env: {}, summary: "the user's own aider settings" };
}

/** aider: works on one message; headless runs answer every question with yes. */
export const aiderAgent: AgentAdapter = {
  name: 'aider',
  binary: 'aider',
  installHint: 'Install aider: pipx install aider-chat',
  statusMode: 'screen',
  interactive: (ctx) => ['aider', ...message(ctx.prompt)],
  headless: (ctx) => ['aider', ...policy({ headless: true }).args, '--no-pretty', ...message(ctx.prompt)],
  policy,
  gracefulStop: { keys: ['C-c', 'C-d'], signal: 'SIGTERM' },
};
