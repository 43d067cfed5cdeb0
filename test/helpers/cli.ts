import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/exec/run.js';
import { GIT_TEST_ENV } from './repo.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');

/** For a file's beforeAll: the global setup built dist once; a file never rebuilds it under the others. */
export async function requireBuiltCli(): Promise<void> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run the tests through vitest (its global setup builds)`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built braid CLI as a real process (the global setup builds it once). */
export async function runCli(
  cwd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const res = await run(process.execPath, [CLI, ...args], {
    cwd,
    env: {
      ...GIT_TEST_ENV,
      NO_COLOR: '1',
      BRAID_TMUX_SOCKET: 'braid-test-unused',
      // Only the supervisor's own tests want one running in the background.
      BRAID_NO_SUPERVISOR: '1',
      ...options.env,
    },
    input: options.input,
    timeoutMs: options.timeoutMs ?? 60_000,
    allowFailure: true,
  });
  return { code: res.code, stdout: res.stdout, stderr: res.stderr };
}

/** Runs braid with --json and parses stdout, failing loudly with stderr when it is not JSON. */
export async function cliJson<T = unknown>(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const res = await runCli(cwd, [...args, '--json'], { env });
  try {
    return JSON.parse(res.stdout) as T;
  } catch {
    throw new Error(
      `braid ${args.join(' ')} --json did not print JSON (exit ${res.code}):\n${res.stdout}\n${res.stderr}`,
    );
  }
}

/**
 * The fake Claude Code as `claude` on PATH (a `bin` folder in `parent`), so braid's built-in claude adapter
 * and its --resume are used; its transcripts go to `parent/claude-config`. Returns the environment to add.
 */
export function fakeClaudeOnPath(parent: string): { PATH: string; CLAUDE_CONFIG_DIR: string } {
  const bin = path.join(parent, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(path.join(ROOT, 'test/fixtures/fake-claude'), path.join(bin, 'claude'));
  return {
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    CLAUDE_CONFIG_DIR: path.join(parent, 'claude-config'),
  };
}
