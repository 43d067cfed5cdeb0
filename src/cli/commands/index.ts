import type { Command } from 'commander';
import { registerLand } from './land.js';
import { registerQueue } from './queue.js';

/** Each command module registers itself; one line here per command keeps merges trivial. */
export const COMMANDS: Array<(program: Command) => void> = [registerLand, registerQueue];
