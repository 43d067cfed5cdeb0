#!/usr/bin/env node
import { type Command, CommanderError } from 'commander';
import { BraidError, EXIT } from '../core/errors.js';
import { baseProgram, withCommands } from './program-base.js';

/** The single top-level catch: known errors print message + hint, unknown ones print the stack. */
async function main(): Promise<void> {
  const program = await programFor(process.argv);
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof BraidError) {
    process.stderr.write(`braid: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    return err.exitCode;
  }
  process.stderr.write(`braid: unexpected error\n${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.failed;
}

/**
 * The program for these arguments. `braid hook` runs on every tool use of every agent, so it
 * loads its own command module only, not the whole CLI (see docs/benchmarks.md).
 */
export async function programFor(argv: readonly string[]): Promise<Command> {
  if (argv[2] === 'hook') {
    const { registerHook } = await import('./commands/hook.js');
    return withCommands(baseProgram(), [registerHook]);
  }
  const { buildProgram } = await import('./program.js');
  return buildProgram();
}

process.on('SIGINT', () => process.exit(EXIT.interrupted));
main();
