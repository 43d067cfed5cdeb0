import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../src/project/project.js';
import { getTask, updateTask } from '../src/store/tasks.js';
import { App } from '../src/tui/App.js';
import { projectData } from '../src/tui/data.js';
import { provisionTask } from '../src/workspace/provision.js';
import { CLI } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { eventually, type TmuxServer, tmuxServer } from './helpers/tmux.js';

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

function dashboard(initialSelected: string | null = null) {
  const ui = render(
    createElement(App, {
      data: projectData(project, { radarEveryMs: 60_000 }),
      refreshMs: 100,
      initialSelected,
      onLeave: () => {},
    }),
  );
  const frame = () => ui.lastFrame() ?? '';
  const shows = (text: string, what = text) =>
    eventually(() => frame().includes(text), 15_000, `"${what}" in:\n${frame()}`);
  return { ui, frame, shows };
}

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
      updateTask(project.store.db, 'other', { status: 'waiting', statusDetail: 'permission for Bash' });
      await shows('waiting (permission for Bash)');
    } finally {
      ui.unmount();
    }
  });

  it('r then y removes a clean task, worktree and all', async () => {
    const worktree = getTask(project.store.db, 'clean')!.worktree;
    const { ui, frame, shows } = dashboard('clean');
    try {
      await shows('clean');
      ui.stdin.write('r');
      await shows('remove clean? (y/n)');
      ui.stdin.write('y');
      await shows('removed clean');
      expect(existsSync(worktree)).toBe(false);
      expect(getTask(project.store.db, 'clean')).toBeNull();
      await eventually(
        () =>
          !frame()
            .split('\n')
            .some((l) => /^\W*clean\s/.test(l)),
        15_000,
        'row gone',
      );
    } finally {
      ui.unmount();
    }
  });

  it('refuses to remove a task with unlanded work, and says why', async () => {
    const worktree = getTask(project.store.db, 'dirty')!.worktree;
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
      expect(getTask(project.store.db, 'dirty')).not.toBeNull();
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
  let tmux: TmuxServer;
  afterAll(async () => {
    await tmux?.kill();
  });

  it('draws the table in a pane and exits on q', async () => {
    tmux = tmuxServer();
    await tmux.run([
      'new-session',
      '-d',
      '-s',
      'ui',
      '-x',
      '120',
      '-y',
      '30',
      '-c',
      repo.dir,
      '-e',
      `BRAID_TMUX_SOCKET=${tmux.socket}`,
      '--',
      process.execPath,
      CLI,
      'ui',
    ]);
    // Keep the pane after its process ends so its exit status can be read.
    await tmux.run(['set-option', '-w', '-t', 'ui', 'remain-on-exit', 'on']);
    const screen = () => tmux.run(['capture-pane', '-p', '-t', 'ui']);
    await eventually(
      async () => /TASK\s+STATUS/.test(await screen()) && (await screen()).includes('dirty'),
      20_000,
      'table',
    );
    await tmux.run(['send-keys', '-t', 'ui', 'q']);
    const dead = await eventually(
      async () => {
        const out = await tmux.run(['display-message', '-p', '-t', 'ui', '#{pane_dead} #{pane_dead_status}']);
        return out.startsWith('1') ? out : false;
      },
      15_000,
      'the ui to exit',
    );
    expect(dead).toBe('1 0');
  });
});
