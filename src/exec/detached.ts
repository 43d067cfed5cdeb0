import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { BraidError } from '../core/errors.js';

export interface DetachedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Appends the process's stdout and stderr to this file (else they go nowhere). */
  logFile?: string;
}

/**
 * Starts a process that outlives braid: its own process group, no stdin, not waited for.
 * Resolves with its pid once the process is running.
 */
export function spawnDetached(command: string, args: string[], options: DetachedOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = options.logFile ? openSync(options.logFile, 'a') : null;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: fd === null ? 'ignore' : ['ignore', fd, fd],
    });
    // The child holds its own copy of the descriptor.
    if (fd !== null) closeSync(fd);
    child.once('error', (err) =>
      reject(new BraidError('E_PROCESS', `could not start ${command}: ${err.message}`)),
    );
    child.once('spawn', () => {
      child.unref();
      if (child.pid === undefined) reject(new BraidError('E_PROCESS', `${command} has no pid`));
      else resolve(child.pid);
    });
  });
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs a command in the caller's process group with stdin from /dev/null and stdout+stderr
 * appended to an open file descriptor; resolves when it ends (used by the headless runner).
 */
export function runToFd(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; fd: number },
): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', options.fd, options.fd],
    });
    child.once('error', (err) => reject(err));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}
