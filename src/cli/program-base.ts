import { Command } from 'commander';
import { commandModuleOf } from './commands/index.js';

/** The top-level `braid` command without subcommands: shared by the full CLI and the hook fast path. */
export function baseProgram(): Command {
  return new Command('braid')
    .description('Run many coding agents in parallel on one repository: isolated, watched, landed safely.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** Adds the commands, each failing through the top-level catch instead of exiting. */
export function withCommands(program: Command, commands: ReadonlyArray<(program: Command) => void>): Command {
  for (const register of commands) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
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
  if (module) return withCommands(baseProgram(), [await module.load()]);
  const { buildProgram } = await import('./program.js');
  return buildProgram();
}
