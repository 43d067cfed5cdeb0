import type { Command } from 'commander';
import { registerHook } from './hook.js';
import { register as newTask } from './new.js';
import { register as radar } from './radar.js';
import { register as stats } from './stats.js';
import { register as web } from './web.js';
import { register as workspace } from './workspace.js';

/** Each command module registers itself; one line here per command keeps merges trivial. */
export const COMMANDS: Array<(program: Command) => void> = [
  newTask,
  workspace,
  radar,
  stats,
  registerHook,
  web,
];
