import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers/cli.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
let braidTmux: TmuxServer;
let outer: TmuxServer;
const env = () => ({ BRAID_TMUX_SOCKET: braidTmux.socket, TMUX: '' });

beforeAll(async () => {
  repo = await tempRepo();
  writeFileSync(path.join(repo.dir, 'braid.yaml'), 'deps: none\nagent: shell\n');
  braidTmux = tmuxServer();
  outer = tmuxServer();
});

afterAll(async () => {
  await braidTmux?.kill();
  await outer?.kill();
  await runCli(repo.dir, ['stop', 'tail-h'], { env: env() }).catch(() => {});
  repo?.cleanup();
});

describe('braid attach inside tmux', () => {
  it('switches the real client it runs under to the task’s window', async () => {
    const MARK = 'SWITCHED-TO-TASK-7';
    const made = await runCli(repo.dir, ['new', 'sw', '-p', `echo ${MARK}; exec sleep 600`], { env: env() });
    expect(made.code, made.stderr).toBe(0);
    // The user's own session on braid's server, shown by a real client in a pane of an outer server.
    await braidTmux.run(['new-session', '-d', '-s', 'home', '-x', '120', '-y', '30', '--', 'sleep', '600']);
    await outer.run(
      ['new-session', '-d', '-s', 'term', '-x', '130', '-y', '35', '--', 'env', '-u', 'TMUX'].concat([
        'tmux',
        '-L',
        braidTmux.socket,
        'attach-session',
        '-t',
        '=home',
      ]),
    );
    const clientSession = () => braidTmux.run(['list-clients', '-F', '#{client_session}']);
    await until('a client on home', async () => (await clientSession()) === 'home', 15_000);
    // braid attach typed in a window of that session: TMUX is set there, as for a user inside tmux.
    await braidTmux.run(
      ['new-window', '-t', '=home:', '-c', repo.dir]
        .concat(['-e', `BRAID_TMUX_SOCKET=${braidTmux.socket}`, '-e', 'BRAID_NO_SUPERVISOR=1'])
        .concat(['--', process.execPath, CLI, 'attach', 'sw']),
    );
    await until('the client on the task', async () => (await clientSession()) === 'braid-repo', 15_000);
    const terminal = () => outer.run(['capture-pane', '-p', '-t', 'term:']);
    await until('the task in the terminal', async () => (await terminal()).includes(MARK), 15_000);
    // Still one client: it was switched, not a second one attached (which would fail without a tty).
    expect((await clientSession()).split('\n')).toEqual(['braid-repo']);
  });
});

describe('braid logs -f on a live session', () => {
  it.each([['tmux'], ['headless']])(
    '%s: output written while following appears, then it ends',
    async (kind) => {
      const name = `tail-${kind[0]}`;
      const script = 'echo before-go; while [ ! -f go ]; do sleep 0.1; done; echo after-go; sleep 1';
      const made = await runCli(
        repo.dir,
        ['new', name, '-p', script, ...(kind === 'headless' ? ['--headless'] : [])],
        {
          env: env(),
        },
      );
      expect(made.code, made.stderr).toBe(0);
      const follower = spawn(process.execPath, [CLI, 'logs', name, '-f'], {
        cwd: repo.dir,
        env: { ...process.env, ...GIT_TEST_ENV, ...env(), BRAID_NO_SUPERVISOR: '1', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      follower.stdout.on('data', (d) => {
        out += d;
      });
      const ended = new Promise<number | null>((r) => follower.once('exit', r));
      await until('the first line', () => out.includes('before-go'), 20_000);
      expect(out).not.toContain('after-go');
      writeFileSync(path.join(repo.parent, 'repo.braid', name, 'go'), '');
      await until('the line written while following', () => out.includes('after-go'), 20_000);
      // The session ends by itself, and so does the follower.
      expect(await ended).toBe(0);
    },
    60_000,
  );
});
