import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { provisionTask } from '../src/isolate/workspace/provision.js';
import type { Project } from '../src/project/project.js';
import { getTask, updateTask } from '../src/store/tasks.js';
import { App } from '../src/tui/App.js';
import { projectData } from '../src/tui/data.js';
import { CLI, runCli } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { openTerminal, type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { dashboard as openDashboard } from './helpers/tui.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
let project: Project;

beforeAll(async () => {
  repo = await tempRepo({ files: { 'a.txt': 'a\n' } });
  project = await projectFor(repo.dir);
  for (const name of ['clean', 'dirty', 'other']) await provisionTask(project, { name, prompt: 'work' });
});

afterAll(() => {
  project?.close();
  repo?.cleanup();
});

const dashboard = (initialSelected: string | null = null) => openDashboard(project, initialSelected);

describe('braid ui over a real project', () => {
  it('renders a row per task with its status, and shows a status change on the next refresh', async () => {
    const { ui, frame, shows } = dashboard();
    try {
      await shows('other');
      const row = frame()
        .split('\n')
        .find((l) => l.includes('clean'));
      expect(row).toMatch(/clean\s+idle/);
      expect(frame()).toContain('TASK');
      expect(frame()).toContain('queue: empty');
      // The queue's health from the read model: depth, batch and window, slots busy, waits, rates.
      expect(frame()).toMatch(/depth 0 · next batch \d+, window \d+ · slots 0\/\d+ busy/);
      updateTask(project.store, 'other', { status: 'waiting', statusDetail: 'permission for Bash' });
      await shows('waiting (permission for Bash)');
    } finally {
      ui.unmount();
    }
  });

  it('r then y removes a clean task, worktree and all', async () => {
    const worktree = getTask(project.store, 'clean')!.worktree;
    const { ui, frame, shows } = dashboard('clean');
    try {
      await shows('clean');
      ui.stdin.write('r');
      await shows('remove clean? (y/n)');
      ui.stdin.write('y');
      await shows('removed clean');
      expect(existsSync(worktree)).toBe(false);
      expect(getTask(project.store, 'clean')).toBeNull();
      await until(
        'row gone',
        () =>
          !frame()
            .split('\n')
            .some((l) => /^\W*clean\s/.test(l)),
        15_000,
      );
    } finally {
      ui.unmount();
    }
  });

  it('refuses to remove a task with unlanded work, and says why', async () => {
    const worktree = getTask(project.store, 'dirty')!.worktree;
    writeFileSync(path.join(worktree, 'new.txt'), 'work in progress\n');
    const { ui, shows } = dashboard('dirty');
    try {
      await shows('dirty');
      ui.stdin.write('r');
      await shows('remove dirty? (y/n)');
      ui.stdin.write('y');
      await shows('has work that is not on main');
      await shows('--force');
      expect(existsSync(path.join(worktree, 'new.txt'))).toBe(true);
      expect(getTask(project.store, 'dirty')).not.toBeNull();
    } finally {
      ui.unmount();
    }
  });

  it('shows the diff of the selected task in a pane and closes it with q', async () => {
    const { ui, frame, shows } = dashboard('dirty');
    try {
      await shows('dirty');
      ui.stdin.write('d');
      await shows('diff of dirty');
      expect(frame()).toContain('+work in progress');
      ui.stdin.write('q');
      await shows('TASK');
    } finally {
      ui.unmount();
    }
  });
});

describe('braid ui in real tmux', () => {
  const servers: TmuxServer[] = [];
  const server = () => {
    servers.push(tmuxServer());
    return servers[servers.length - 1];
  };
  afterAll(async () => {
    vi.unstubAllEnvs();
    for (const s of servers) await s.kill();
  });

  it('n asks for a name and a prompt, then provisions and starts the task', async () => {
    const tmux = server();
    // The runtime finds its tmux server through the environment, as it does for the CLI.
    vi.stubEnv('BRAID_TMUX_SOCKET', tmux.socket);
    vi.stubEnv('TMUX', undefined);
    const shellProject = await projectFor(repo.dir, 'agent: shell\n');
    const ui = render(
      createElement(App, { data: projectData(shellProject), refreshMs: 100, onLeave: () => {} }),
    );
    try {
      await until('table', () => ui.lastFrame()?.includes('dirty'), 15_000);
      ui.stdin.write('n');
      await until('name prompt', () => ui.lastFrame()?.includes('new task name'), 5_000);
      ui.stdin.write('fresh');
      ui.stdin.write('\r');
      await until('prompt prompt', () => ui.lastFrame()?.includes('prompt for fresh'), 5_000);
      ui.stdin.write('echo made > out.txt');
      ui.stdin.write('\r');
      const task = await until('task row', () => getTask(shellProject.store, 'fresh') ?? false, 15_000);
      const out = path.join(task.worktree, 'out.txt');
      await until('agent output', () => existsSync(out) && readFileSync(out, 'utf8') === 'made\n', 20_000);
      await until('created message', () => ui.lastFrame()?.includes('created fresh'), 15_000);
    } finally {
      ui.unmount();
      shellProject.close();
    }
  });

  it('draws the table in a pane and exits on q', async () => {
    // A server of its own: the one above is configured by braid's runtime for agent sessions.
    const tmux = server();
    const codeFile = path.join(repo.parent, 'ui-exit-code');
    await openTerminal(
      tmux,
      'ui',
      repo.dir,
      // tmux 3.3 can leave a dead pane's process unreaped and its status unset: record the code ourselves.
      ['sh', '-c', '"$@"; echo $? > "$0"', codeFile, process.execPath, CLI, 'ui'],
      [`BRAID_TMUX_SOCKET=${tmux.socket}`],
    );
    const screen = () => tmux.run(['capture-pane', '-p', '-t', 'ui']);
    await until(
      'table',
      async () => /TASK\s+STATUS/.test(await screen()) && (await screen()).includes('dirty'),
      20_000,
    );
    await tmux.run(['send-keys', '-t', 'ui', 'q']);
    const code = await until(
      'the ui to exit',
      () => (existsSync(codeFile) && readFileSync(codeFile, 'utf8').trim()) || undefined,
      15_000,
    );
    expect(code).toBe('0');
  });
});

describe('braid ui attaching to a tmux task, in real tmux', () => {
  const MARK = 'ATTACH-MARK-42';
  let braidTmux: TmuxServer;
  const others: TmuxServer[] = [];

  beforeAll(async () => {
    braidTmux = tmuxServer();
    const res = await runCli(
      repo.dir,
      ['new', 'zlive', '--agent', 'shell', '-p', `echo ${MARK}; exec sleep 600`],
      { env: { BRAID_TMUX_SOCKET: braidTmux.socket, TMUX: '', BRAID_NO_SUPERVISOR: '1' } },
    );
    expect(res.code, res.stderr).toBe(0);
  });

  afterAll(async () => {
    await braidTmux?.kill();
    for (const s of others) await s.kill();
  });

  /** Starts `braid ui` in a session `ui` of `host`, braid's sessions being on braidTmux; selects zlive. */
  async function uiIn(host: TmuxServer) {
    await host.run(
      ['new-session', '-d', '-s', 'ui', '-x', '140', '-y', '30', '-c', repo.dir]
        .concat(['-e', `BRAID_TMUX_SOCKET=${braidTmux.socket}`, '-e', 'BRAID_NO_SUPERVISOR=1'])
        .concat(['--', process.execPath, CLI, 'ui']),
    );
    const screen = () => host.run(['capture-pane', '-p', '-t', 'ui:']);
    await until('the table', async () => /TASK\s+STATUS/.test(await screen()), 20_000);
    await until(
      'zlive selected',
      async () => {
        if (/^> zlive/m.test(await screen())) return true;
        await host.run(['send-keys', '-t', 'ui:', 'Down']);
        return false;
      },
      15_000,
    );
    return screen;
  }

  it('in another tmux than braid’s: a and the pane shows the task; detaching brings the table back', async () => {
    const user = tmuxServer();
    others.push(user);
    const screen = await uiIn(user);
    await user.run(['send-keys', '-t', 'ui:', 'a']);
    await until('the task in the ui pane', async () => (await screen()).includes(MARK), 15_000);
    expect(await screen()).not.toMatch(/TASK\s+STATUS/);
    await braidTmux.run(['detach-client', '-a', '-s', '=braid-repo']);
    // The ui redraws from a blank screen on return, so one capture must show the table and the selection.
    await until(
      'the table again, zlive still selected',
      async () => {
        const shown = await screen();
        return /TASK\s+STATUS/.test(shown) && /^> zlive/m.test(shown);
      },
      15_000,
    );
  });

  it('inside braid’s own tmux: a switches the client to the task; the last session is the dashboard', async () => {
    const screen = await uiIn(braidTmux);
    // A real client on braid's server, itself shown in a pane of an outer server.
    const outer = tmuxServer();
    others.push(outer);
    await outer.run(
      ['new-session', '-d', '-s', 'term', '-x', '150', '-y', '35', '--', 'env', '-u', 'TMUX'].concat([
        'tmux',
        '-L',
        braidTmux.socket,
        'attach-session',
        '-t',
        '=ui',
      ]),
    );
    const client = () => braidTmux.run(['list-clients', '-F', '#{client_session}']);
    await until('a client on ui', async () => (await client()) === 'ui', 15_000);
    await braidTmux.run(['send-keys', '-t', 'ui:', 'a']);
    await until('the client on the task', async () => (await client()) === 'braid-repo', 15_000);
    const terminal = () => outer.run(['capture-pane', '-p', '-t', 'term:']);
    await until('the task in the terminal', async () => (await terminal()).includes(MARK), 15_000);
    await until('the way back', async () => (await screen()).includes('prefix + L'), 15_000);
    await braidTmux.run(['switch-client', '-l']);
    await until('the table in the terminal', async () => /TASK\s+STATUS/.test(await terminal()), 15_000);
  });
});
