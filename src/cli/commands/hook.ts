import type { Command } from 'commander';
import { runHook } from './hook-action.js';

export function registerHook(program: Command): void {
  program
    .command('hook')
    .argument('<event>', 'the hook event name, e.g. PostToolUse')
    .description(
      'internal: receives an agent hook payload (JSON on stdin), records it and updates the task status; always exits 0',
    )
    .action(runHook);
}
