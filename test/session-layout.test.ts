import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from './helpers/cli.js';
import { type PlanRepo, planRepo } from './helpers/plan-run.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

let p: PlanRepo;
let tmux: TmuxServer;

beforeAll(async () => {
  p = await planRepo('layout: tiled');
  tmux = tmuxServer();
});

afterAll(async () => {
  await tmux?.kill();
  await p?.cleanup();
});

interface LsTask {
  name: string;
  worktree: string;
  status: string;
  statusSource: string;
}

describe('layout: tiled, through braid new', () => {
  it('puts each task in a pane of one window; Claude settings stay out of the worktree', async () => {
    const env = { ...p.env, BRAID_TMUX_SOCKET: tmux.socket, TMUX: '' };
    for (const name of ['left', 'right']) {
      const res = await runCli(
        p.repo.dir,
        ['new', name, '-p', `@write ${name}.txt hi\n@commit ${name} work`],
        {
          env,
        },
      );
      expect(res.code, res.stderr).toBe(0);
    }
    expect(await tmux.run(['list-windows', '-t', '=braid-repo', '-F', '#{window_name}'])).not.toContain('\n');
    const panes = await tmux.run(['list-panes', '-s', '-t', '=braid-repo', '-F', '#{pane_start_path}']);
    const ls = () => cliJson<{ tasks: LsTask[] }>(p.repo.dir, ['ls'], env);
    const { tasks } = await ls();
    expect(panes.split('\n').sort()).toEqual(tasks.map((t) => t.worktree).sort());
    for (const name of ['left', 'right']) {
      const log = () => p.repo.git('log', '--name-only', '--format=', `main..braid/${name}`);
      await until(`${name}'s commit`, async () => (await log()) === `${name}.txt`, 20_000);
    }
    // The hooks in the generated settings ran: status comes from them.
    await until(
      'idle from hooks',
      async () => (await ls()).tasks.every((t) => t.status === 'idle' && t.statusSource === 'hook'),
      20_000,
    );
    for (const t of tasks) {
      const dir = path.join(p.repo.dir, '.git/braid/agents', t.name);
      const settings = readdirSync(dir).map((f) => path.join(dir, f));
      expect(settings.length).toBeGreaterThan(0);
      for (const file of settings) expect(path.relative(t.worktree, file)).toMatch(/^\.\./);
      expect(
        await p.repo.git('-C', t.worktree, 'status', '--porcelain', '--ignored', '--untracked-files=all'),
      ).toBe('');
      expect(existsSync(path.join(t.worktree, '.claude'))).toBe(false);
    }
  });
});
