import type { Command } from 'commander';
import { loadAllCommands } from './commands/index.js';
import { baseProgram, withCommands } from './program-base.js';

/** The whole CLI, every command registered (for `--help`, `help` and mistyped commands). */
export async function buildProgram(): Promise<Command> {
  return withCommands(baseProgram(), await loadAllCommands());
}
