#!/usr/bin/env node
import { BraidError, EXIT } from '../core/errors.js';

/** The single top-level catch: known errors print message + hint, unknown ones print the stack. */
async function main(): Promise<void> {
  const argv = process.argv;
  if (isPlainHookCall(argv)) {
    // Every tool use of every agent runs this: no commander, no other command's modules.
    const { runHook } = await import('./hook.js');
    await runHook(argv[3]);
    return;
  }
  const { programFor } = await import('./program.js');
  const program = await programFor(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = await reportError(err);
  }
}

/** `braid hook <event>` exactly as agent settings write it; `--help` and mistakes go through commander. */
function isPlainHookCall(argv: readonly string[]): boolean {
  return argv.length === 4 && argv[2] === 'hook' && /^[A-Za-z]+$/.test(argv[3]);
}

async function reportError(err: unknown): Promise<number> {
  const { CommanderError } = await import('commander');
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
