import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, commandModuleOf } from '../../src/cli/commands/index.js';
import { buildProgram } from '../../src/cli/program.js';

/** The names a registration adds to an empty program. */
async function namesRegisteredBy(load: () => Promise<(program: Command) => void>): Promise<string[]> {
  const program = new Command('braid');
  (await load())(program);
  return program.commands.map((c) => c.name());
}

// Loading every command module through vitest's transform takes seconds on a busy machine: no speed check.
describe('the lazy command table', { timeout: 60_000 }, () => {
  it('names exactly the commands each module registers, so braid <command> loads the right one', async () => {
    for (const module of COMMAND_MODULES)
      expect(await namesRegisteredBy(module.load), module.names.join(',')).toEqual(module.names);
  });

  it('the full program (for --help) has every command once, in the table order', async () => {
    const program = await buildProgram();
    const names = program.commands.map((c) => c.name());
    expect(names).toEqual(COMMAND_MODULES.flatMap((m) => m.names));
    expect(new Set(names).size).toBe(names.length);
  });

  it('finds no module for options, help or a mistyped command (they get the whole CLI)', () => {
    for (const arg of [undefined, '--help', '-h', 'help', 'lss'])
      expect(commandModuleOf(arg)).toBeUndefined();
    expect(commandModuleOf('logs')?.names).toContain('attach');
  });
});
