import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { BraidError, isBraidError } from '../../core/errors.js';
import { run, shellArgsOneStream } from '../../exec/run.js';

export interface SetupRun {
  commands: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  timeoutSeconds: number;
  onProgress?: (line: string) => void;
}

/** How often a long setup command says it is still running. */
const STILL_RUNNING_MS = 15_000;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Runs the configured setup commands (the user's own shell lines, e.g. `npm ci`) in a new worktree:
 * every line of output goes to the task's log; progress is one line per command (which, how long).
 */
export async function runSetup(setup: SetupRun): Promise<void> {
  mkdirSync(path.dirname(setup.logPath), { recursive: true });
  for (const [i, command] of setup.commands.entries()) {
    const label = `setup ${i + 1}/${setup.commands.length}: ${command}`;
    appendFileSync(setup.logPath, `$ ${command}\n`);
    setup.onProgress?.(`${label} (output in ${setup.logPath})`);
    const started = Date.now();
    const ticker = setInterval(
      () => setup.onProgress?.(`${label} (running, ${seconds(Date.now() - started)})`),
      STILL_RUNNING_MS,
    );
    // Its own process group, as the gate: a timeout ends what sh started (npm ci and its children).
    const res = await run('sh', shellArgsOneStream(command), {
      cwd: setup.cwd,
      env: setup.env,
      timeoutMs: setup.timeoutSeconds * 1000,
      allowFailure: true,
      processGroup: true,
      onLine: (line) => appendFileSync(setup.logPath, `${line}\n`),
    })
      .catch((err: unknown) => {
        if (!isBraidError(err, 'E_TIMEOUT')) throw err;
        return 'timed out' as const;
      })
      .finally(() => clearInterval(ticker));
    if (res === 'timed out') {
      appendFileSync(
        setup.logPath,
        `[braid] timed out after ${setup.timeoutSeconds} s (setup_timeout): its process group was ended\n`,
      );
      throw new BraidError(
        'E_SETUP_FAILED',
        `setup command timed out after ${setup.timeoutSeconds} s (setup_timeout in braid.yaml): ${command}`,
        `See the log: ${setup.logPath}. If it needs longer, raise setup_timeout in braid.yaml; then braid rm the task and create it again.`,
      );
    }
    if (res.code !== 0) {
      appendFileSync(setup.logPath, `[braid] exited with ${res.code ?? res.signal}\n`);
      throw new BraidError(
        'E_SETUP_FAILED',
        `setup command failed (${res.signal ? `killed by ${res.signal}` : `exit ${res.code}`}): ${command}`,
        `See the log: ${setup.logPath}. Fix it, then braid rm the task and create it again.`,
      );
    }
    setup.onProgress?.(`${label} (done in ${seconds(Date.now() - started)})`);
  }
}
