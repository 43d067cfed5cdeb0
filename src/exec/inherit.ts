import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { BraidError } from '../core/errors.js';
import { toolHint } from './run.js';

export interface InheritedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Beside run(): for commands the user watches (braid lock -- CMD): argument array, explicit cwd,
 * the terminal passed through untouched, no timeout (the user's command decides how long it takes).
 * While the child runs, SIGINT/SIGTERM/SIGHUP go to it and braid waits for it to end, so cleanup
 * (like releasing a lock) happens after the child is gone.
 */
export function runInherited(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<InheritedResult> {
  return new Promise((resolve, reject) => {
    const saved = FORWARDED.map((sig) => [sig, process.listeners(sig)] as const);
    let child: ReturnType<typeof spawn> | null = null;
    let pending: NodeJS.Signals | null = null;
    const forward = (sig: NodeJS.Signals) => {
      if (!child) pending = sig;
      else if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    // Before the spawn: a signal that comes as the child starts must reach it, not end braid at once
    // (the CLI's own handlers would exit; they are held back until the child has ended).
    for (const [sig] of saved) {
      process.removeAllListeners(sig);
      process.on(sig, forward);
    }
    child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: 'inherit',
    });
    if (pending) forward(pending);
    const restore = () => {
      for (const [sig, listeners] of saved) {
        process.removeListener(sig, forward);
        for (const l of listeners) process.on(sig, l as NodeJS.SignalsListener);
      }
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      restore();
      if (e.code === 'ENOENT')
        reject(
          new BraidError('E_TOOL_MISSING', `${command} is not installed (or not on PATH)`, toolHint(command)),
        );
      else reject(new BraidError('E_PROCESS', `could not start ${command}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      restore();
      resolve({ code, signal });
    });
  });
}

/** The shell convention for a command's outcome: its code, or 128 + the signal's number. */
export function exitCodeOf(result: InheritedResult): number {
  if (result.signal) return 128 + (constants.signals[result.signal] ?? 0);
  return result.code ?? 1;
}
