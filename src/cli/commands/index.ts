import type { Command } from 'commander';

export type RegisterCommands = (program: Command) => void;

/** One command module: the commands it registers, and how to load it. */
export interface CommandModule {
  names: readonly string[];
  load: () => Promise<RegisterCommands>;
}

/**
 * Every command module, in the order `braid --help` lists them. Each is imported only when one of its
 * commands runs (or for the full help): hooks and scripts call braid often, and loading every
 * module's dependencies cost most of a short command's time (docs/benchmarks.md).
 * One entry per module keeps merges trivial; `test/unit/cli-commands.test.ts` checks the names.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['init'], load: async () => (await import('./init.js')).registerInit },
  { names: ['new'], load: async () => (await import('./new.js')).register },
  { names: ['run'], load: async () => (await import('./run.js')).register },
  { names: ['ls', 'env', 'rm', 'gc'], load: async () => (await import('./workspace.js')).register },
  {
    names: ['start', 'stop', 'attach', 'send', 'logs', 'diff'],
    load: async () => (await import('./session.js')).register,
  },
  { names: ['land'], load: async () => (await import('./land.js')).registerLand },
  { names: ['queue'], load: async () => (await import('./queue.js')).registerQueue },
  { names: ['radar'], load: async () => (await import('./radar.js')).register },
  { names: ['stats'], load: async () => (await import('./stats.js')).register },
  { names: ['web'], load: async () => (await import('./web.js')).register },
  { names: ['ui'], load: async () => (await import('./ui.js')).register },
  { names: ['lock', 'locks'], load: async () => (await import('./lock.js')).registerLock },
  { names: ['budget'], load: async () => (await import('./budget.js')).register },
  { names: ['note'], load: async () => (await import('./note.js')).register },
  { names: ['notify'], load: async () => (await import('./notify.js')).register },
  {
    names: ['doctor'],
    load: async () => {
      const [{ registerDoctor }, { detectCapabilities }] = await Promise.all([
        import('./doctor.js'),
        import('../../isolate/sandbox/capabilities.js'),
      ]);
      return (program) => registerDoctor(program, detectCapabilities);
    },
  },
  { names: ['hook'], load: async () => (await import('./hook.js')).registerHook },
  { names: ['up', 'down', 'supervisor'], load: async () => (await import('./supervisor.js')).register },
];

/** The module that registers `name`, or undefined (an option, `help`, or a mistyped command). */
export function commandModuleOf(name: string | undefined): CommandModule | undefined {
  return name === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(name));
}

/** Every module's registration, loaded together, in help order. */
export async function loadAllCommands(): Promise<RegisterCommands[]> {
  return Promise.all(COMMAND_MODULES.map((m) => m.load()));
}
