import { Command } from 'commander';

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
