#!/usr/bin/env node
import { CommanderError } from 'commander';
import { BraidError, EXIT } from '../core/errors.js';
import { programFor } from './program.js';

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

process.on('SIGINT', () => process.exit(EXIT.interrupted));
main();
