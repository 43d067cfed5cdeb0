import type { Command } from 'commander';
import { commandModuleOf, loadAllCommands } from './commands/index.js';
import { baseProgram, withCommands } from './program-base.js';

/** The whole CLI, every command registered (for `--help`, `help` and mistyped commands). */
export async function buildProgram(): Promise<Command> {
  return withCommands(baseProgram(), await loadAllCommands());
}

/**
 * The program for these arguments: the command's own module only, so a short command (and `braid
 * hook`, on every tool use of every agent) does not load the whole CLI (see docs/benchmarks.md).
 * `--version` needs no command; `--help`, `help` and unknown commands get them all.
 */
export async function programFor(argv: readonly string[]): Promise<Command> {
  const first = argv[2];
  if (first === '-V' || first === '--version') return baseProgram();
  const module = commandModuleOf(first);
  return module ? withCommands(baseProgram(), [await module.load()]) : buildProgram();
}
