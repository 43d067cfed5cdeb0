import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, runCli } from './helpers/cli.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
let tmux: TmuxServer;

beforeAll(async () => {
  await requireBuiltCli();
  repo = await tempRepo();
  tmux = tmuxServer();
  await tmux.run(['new-session', '-d', '-s', 'keep', '--', 'sleep', '600']);
  // A pane whose braid has exited stays, so its screen can still be read.
  await tmux.run(['set-option', '-g', 'remain-on-exit', 'on']);
});

afterAll(async () => {
  await tmux?.kill();
  repo?.cleanup();
});

const ESC = String.fromCharCode(27);
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for terminal colour codes is the point.
const SGR = /\x1b\[[0-9;]*m/;

/** `braid note` in a tmux pane (a real terminal) with the given variables; the screen with its colour codes. */
async function onTerminal(session: string, vars: string[]): Promise<string> {
  const env = ['env', '-u', 'NO_COLOR', '-u', 'FORCE_COLOR', ...vars, 'BRAID_NO_SUPERVISOR=1'];
  const gitEnv = Object.entries(GIT_TEST_ENV).map(([k, v]) => `${k}=${v}`);
  const command = [...env, ...gitEnv, process.execPath, CLI, 'note', `hello from ${session}`];
  await tmux.run([
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '160',
    '-y',
    '20',
    '-c',
    repo.dir,
    '--',
    ...command,
  ]);
  return until(
    `braid note's output in ${session}`,
    async () => {
      // From the start of its history: a pane resized after it printed may have scrolled lines off.
      const screen = await tmux.run(['capture-pane', '-p', '-e', '-S', '-', '-t', session]);
      return screen.includes('sessions started later') && screen;
    },
    20_000,
  );
}

describe('colours', () => {
  it('colours a terminal, and neither a terminal with NO_COLOR nor a pipe', async () => {
    const coloured = await onTerminal('plain', []);
    // `note 1` is bold, the line under it dim.
    expect(coloured).toContain(`${ESC}[1mnote 1`);
    expect(coloured).toMatch(SGR);

    const noColor = await onTerminal('nocolor', ['NO_COLOR=1']);
    expect(noColor).toMatch(/note \d+ kept for every session/);
    expect(noColor).not.toMatch(SGR);

    const piped = await runCli(repo.dir, ['note', 'hello through a pipe'], { env: { NO_COLOR: undefined } });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(/note \d+ kept for every session/);
    expect(piped.stdout).not.toMatch(SGR);
  });
});
