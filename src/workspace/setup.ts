import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../core/errors.js';
import { run } from '../exec/run.js';

export interface SetupRun {
  commands: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  timeoutSeconds: number;
  onProgress?: (line: string) => void;
}

/**
 * Runs the configured setup commands (the user's own shell lines, e.g. `npm ci`) in a new worktree,
 * every line of output into the task's log, the latest line as progress.
 */
export async function runSetup(setup: SetupRun): Promise<void> {
  mkdirSync(path.dirname(setup.logPath), { recursive: true });
  for (const command of setup.commands) {
    appendFileSync(setup.logPath, `$ ${command}\n`);
    setup.onProgress?.(command);
    const res = await run('sh', ['-c', command], {
      cwd: setup.cwd,
      env: setup.env,
      timeoutMs: setup.timeoutSeconds * 1000,
      allowFailure: true,
      onLine: (line) => {
        appendFileSync(setup.logPath, `${line}\n`);
        setup.onProgress?.(line);
      },
    });
    if (res.code !== 0) {
      appendFileSync(setup.logPath, `[braid] exited with ${res.code ?? res.signal}\n`);
      throw new BraidError(
        'E_SETUP_FAILED',
        `setup command failed (${res.signal ? `killed by ${res.signal}` : `exit ${res.code}`}): ${command}`,
        `See the log: ${setup.logPath}. Fix it, then braid rm the task and create it again.`,
      );
    }
  }
}
