import type { Command } from 'commander';
import { registerDoctor } from './doctor.js';
import { registerInit } from './init.js';
import { registerLock } from './lock.js';

/** Each command module registers itself; one line here per command keeps merges trivial. */
export const COMMANDS: Array<(program: Command) => void> = [registerLock, registerInit, registerDoctor];
