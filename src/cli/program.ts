import type { Command } from 'commander';
import { COMMANDS } from './commands/index.js';
import { baseProgram, withCommands } from './program-base.js';

export function buildProgram(): Command {
  return withCommands(baseProgram(), COMMANDS);
}
