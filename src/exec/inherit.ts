import { spawn } from 'node:child_process';
import { BraidError } from '../core/errors.js';
import { toolHint } from './run.js';

export interface InheritedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Runs a command on this process's own terminal (stdio inherited) and forwards termination
 * signals to it: for launchers that wrap an interactive agent (e.g. the sandbox proxy launcher).
 */
export function runInherited(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<InheritedExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: 'inherit',
    });
    const forward = (signal: NodeJS.Signals) => () => {
      child.kill(signal);
    };
    const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const detach = () => {
      for (const [s, h] of handlers) process.off(s, h);
    };
    child.on('error', (err) => {
      detach();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        missing
          ? new BraidError(
              'E_TOOL_MISSING',
              `${command} is not installed (or not on PATH)`,
              toolHint(command),
            )
          : new BraidError('E_PROCESS', `could not start ${command}: ${err.message}`),
      );
    });
    child.on('exit', (code, signal) => {
      detach();
      resolve({ code, signal });
    });
  });
}
