import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isProcessAlive } from '../src/exec/pid.js';
import type { Project } from '../src/project/project.js';
import { handleOf } from '../src/run/session/reach.js';
import { getTask } from '../src/store/tasks.js';
import { runCli } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { dashboard as openDashboard } from './helpers/tui.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
let project: Project;
let tmux: TmuxServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  repo = await tempRepo({ files: { 'a.txt': 'a\n' } });
  tmux = tmuxServer();
  // The ui's runtime finds braid's tmux server through the environment, as the CLI does.
  vi.stubEnv('BRAID_TMUX_SOCKET', tmux.socket);
  vi.stubEnv('TMUX', undefined);
  env = { BRAID_TMUX_SOCKET: tmux.socket, TMUX: '', BRAID_NO_SUPERVISOR: '1' };
  project = await projectFor(repo.dir, 'agent: shell\ndeps: none\n');
  // An agent that answers every line it is sent, so what arrives in its pane can be read back.
  const echo = await runCli(repo.dir, ['new', 'echoer', '-p', 'while read l; do echo "got:$l"; done'], {
    env,
  });
  expect(echo.code, echo.stderr).toBe(0);
  const done = await runCli(repo.dir, ['new', 'finished', '--no-start', '-p', 'unused'], { env });
  expect(done.code, done.stderr).toBe(0);
  const worktree = getTask(project.store, 'finished')!.worktree;
  await g(worktree, 'rm', '-q', 'a.txt');
  await g(worktree, 'commit', '-q', '-m', 'finished: drop a.txt');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await tmux?.kill();
  project?.close();
  repo?.cleanup();
});

const dashboard = (initialSelected: string | null = null) => openDashboard(project, initialSelected);

const pane = (task: string) => handleOf(getTask(project.store, task)!)!.target!;

describe('braid ui keys acting on real sessions', () => {
  it('s and a line of text: the text arrives in the task’s tmux pane', async () => {
    const { ui, shows } = dashboard('echoer');
    try {
      await shows('echoer');
      ui.stdin.write('s');
      await shows('send to echoer');
      ui.stdin.write('hello from the ui');
      ui.stdin.write('\r');
      await until(
        'the echo in the pane',
        async () =>
          (await tmux.run(['capture-pane', '-p', '-t', pane('echoer')])).includes('got:hello from the ui'),
        15_000,
      );
    } finally {
      ui.unmount();
    }
  });

  it('x stops the session: its pane process is gone and the task has ended', async () => {
    const target = pane('echoer');
    const pid = handleOf(getTask(project.store, 'echoer')!)!.pid!;
    const { ui, shows, frame } = dashboard('echoer');
    try {
      await shows('echoer');
      expect(frame()).toContain('x stop');
      ui.stdin.write('x');
      await shows('stopped echoer');
      const dead = await tmux.run(['display-message', '-p', '-t', target, '#{pane_dead}']);
      expect(dead).toBe('1');
      // Ended, even while tmux 3.3 has not reaped it yet (a zombie answers kill 0).
      expect(isProcessAlive(pid)).toBe(false);
      await until(
        'echoer ended',
        () => ['exited', 'failed'].includes(getTask(project.store, 'echoer')!.status),
        15_000,
      );
      // Ended: the keys no longer offer stop, and x does nothing.
      await until(`no "x stop" in:\n${frame()}`, () => !frame().includes('x stop'), 15_000);
      ui.stdin.write('x');
      expect(frame()).not.toContain('stopping echoer');
      expect(frame()).toMatch(/1 task|\d+ tasks/);
    } finally {
      ui.unmount();
    }
  });

  it('l lands the task on main', async () => {
    const before = await repo.git('rev-parse', 'main');
    const { ui, shows } = dashboard('finished');
    try {
      await shows('finished');
      ui.stdin.write('l');
      await shows('landed finished');
      expect(await repo.git('rev-parse', 'main')).not.toBe(before);
      expect(await repo.git('ls-tree', '--name-only', 'main')).not.toContain('a.txt');
      expect(getTask(project.store, 'finished')?.landedCommit).toBe(await repo.git('rev-parse', 'main'));
    } finally {
      ui.unmount();
    }
  });
});
