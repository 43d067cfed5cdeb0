import type { Command } from 'commander';
import { registerHook } from './hook.js';

/** Each command module registers itself; one line here per command keeps merges trivial. */
export const COMMANDS: Array<(program: Command) => void> = [registerHook];
