import { type AgentAdapter, promptArgs } from './types.js';

/** OpenAI Codex CLI: no hooks braid can use, so status comes from the screen. */
export const codexAgent: AgentAdapter = {
  name: 'codex',
  binary: 'codex',
  installHint: 'Install Codex: npm install -g @openai/codex',
  statusMode: 'screen',
  interactive: (ctx) => ['codex', ...promptArgs(ctx.prompt)],
  headless: (ctx) => ['codex', 'exec', '--json', ...promptArgs(ctx.prompt)],
  resume: (_ctx, sessionId) => ['codex', 'resume', sessionId],
  gracefulStop: { keys: ['C-c', 'C-c'], signal: 'SIGTERM' },
};
