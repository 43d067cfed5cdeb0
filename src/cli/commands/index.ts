import type { Command } from 'commander';
import { detectCapabilities } from '../../isolate/sandbox/capabilities.js';
import { registerDoctor } from './doctor.js';
import { registerHook } from './hook.js';
import { registerInit } from './init.js';
import { registerLand } from './land.js';
import { registerLock } from './lock.js';
import { register as newTask } from './new.js';
import { register as note } from './note.js';
import { registerQueue } from './queue.js';
import { register as radar } from './radar.js';
import { register as run } from './run.js';
import { register as session } from './session.js';
import { register as stats } from './stats.js';
import { register as supervisor } from './supervisor.js';
import { register as ui } from './ui.js';
import { register as web } from './web.js';
import { register as workspace } from './workspace.js';

/** Each command module registers itself; one line here per command keeps merges trivial. */
export const COMMANDS: Array<(program: Command) => void> = [
  registerInit,
  newTask,
  run,
  workspace,
  session,
  registerLand,
  registerQueue,
  radar,
  stats,
  web,
  ui,
  registerLock,
  note,
  (program) => registerDoctor(program, detectCapabilities),
  registerHook,
  supervisor,
];
