import type { Command } from 'commander';
import { registerHook } from './hook.js';
import { register as radar } from './radar.js';
import { register as stats } from './stats.js';

/** Each command module registers itself; one line here per command keeps merges trivial. */
export const COMMANDS: Array<(program: Command) => void> = [
  radar,
  stats,
  registerHook,
];
