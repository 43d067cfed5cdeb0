import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/exec/pid.js';
import { enqueueTasks } from '../src/land/land.js';
import { stopSupervisor, supervisorHolder } from '../src/orchestrate/supervisor/control.js';
import { eventLogPath, type LoggedEvent, readEventLog } from '../src/orchestrate/supervisor/event-log.js';
import { openProject, type Project } from '../src/project/project.js';
import { sessionPaths } from '../src/run/session/reach.js';
import { listFindings } from '../src/store/radar.js';
import { latestSamples } from '../src/store/samples.js';
import { getTask, insertTask, updateTask } from '../src/store/tasks.js';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';
import { tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

/** Supervisors in these tests are real detached processes with short loops. */
const FAST = {
  BRAID_NO_SUPERVISOR: '0',
  BRAID_SUPERVISOR_RECONCILE_MS: '150',
  BRAID_SUPERVISOR_QUEUE_MS: '150',
  BRAID_SUPERVISOR_USAGE_MS: '200',
  BRAID_SUPERVISOR_RADAR_MS: '60000',
};

let repo: TempRepo;
let project: Project | null = null;

beforeAll(async () => {
  await requireBuiltCli();
});

afterEach(async () => {
  if (project) {
    await stopSupervisor(project, 2000);
    project.close();
    project = null;
  }
  repo?.cleanup();
});

async function setup(): Promise<Project> {
  repo = await tempRepo();
  project = await openProject(repo.dir, {});
  return project;
}

const events = (p: Project): LoggedEvent[] => readEventLog(eventLogPath(p.repo.commonDir));

/** The supervisor stores a change, then logs it: waits for the log line instead of racing it. */
async function expectLogged(p: Project, partial: Record<string, unknown>): Promise<void> {
  await until(
    `a logged ${JSON.stringify(partial)}`,
    () =>
      events(p).some((e) =>
        Object.entries(partial).every(([k, v]) => (e as Record<string, unknown>)[k] === v),
      ),
    10_000,
  );
}

async function up(env: Record<string, string>): Promise<{ pid: number; started: boolean; loops: unknown[] }> {
  const res = await runCli(repo.dir, ['up', '--json'], { env });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

describe('the supervisor', () => {
  it('runs once per repository, is taken over after SIGKILL, and stops with braid down', async () => {
    const p = await setup();
    const env = { ...FAST, BRAID_SUPERVISOR_GRACE_MS: '60000' };
    const first = await up(env);
    expect(first.started).toBe(true);
    expect(isProcessAlive(first.pid)).toBe(true);
    expect((first.loops as Array<{ name: string }>).map((l) => l.name)).toEqual([
      'reconcile',
      'usage',
      'changes',
      'radar',
      'queue',
      'budget',
      'limits',
      'notes',
      'notify',
      'disk',
    ]);

    const second = await up(env);
    expect(second).toMatchObject({ started: false, pid: first.pid });

    process.kill(first.pid, 'SIGKILL');
    await until('the killed supervisor to die', () => !isProcessAlive(first.pid), 5000);
    const third = await up(env);
    expect(third.started).toBe(true);
    expect(third.pid).not.toBe(first.pid);
    expect(supervisorHolder(p)?.pid).toBe(third.pid);

    const down = await runCli(repo.dir, ['down', '--json'], { env });
    expect(JSON.parse(down.stdout)).toMatchObject({ stopped: true, pid: third.pid, forced: false });
    expect(isProcessAlive(third.pid)).toBe(false);
    expect(supervisorHolder(p)).toBeNull();
    const status = JSON.parse((await runCli(repo.dir, ['supervisor', '--json'])).stdout);
    expect(status.running).toBe(false);

    const log = events(p);
    expect(log.filter((e) => e.kind === 'supervisor.started').map((e) => e.pid)).toEqual([
      first.pid,
      third.pid,
    ]);
    expect(log.at(-1)).toMatchObject({ kind: 'supervisor.stopped', pid: third.pid, reason: 'signal' });
  });

  it('is started by braid new, reconciles an exited headless agent, samples it, and leaves when idle', async () => {
    const p = await setup();
    const env = { ...FAST, BRAID_SUPERVISOR_GRACE_MS: '800' };
    // The agent lives until the test has seen the supervisor sample it.
    const release = path.join(repo.parent, 'release-t1');
    const res = await runCli(
      repo.dir,
      [
        'new',
        't1',
        '--agent',
        'shell',
        '--headless',
        '-p',
        `echo hi; while [ ! -e '${release}' ]; do sleep 0.05; done`,
      ],
      { env },
    );
    expect(res.code, res.stderr).toBe(0);
    const holder = await until('a supervisor', () => supervisorHolder(p) ?? undefined, 10_000);

    // Usage: the session's process tree, measured by the supervisor and stored for braid ls.
    const sample = await until(
      'a usage sample of t1',
      () => {
        const s = latestSamples(p.store).get('t1');
        return s && s.rssBytes !== null && s.rssBytes > 0 ? s : undefined;
      },
      10_000,
    );
    expect(sample.processes).toBeGreaterThan(0);
    writeFileSync(release, '');

    // Nobody but the supervisor looks at the task: its status still becomes exited.
    const task = await until(
      't1 to be exited',
      () => {
        const t = getTask(p.store, 't1');
        return t?.status === 'exited' ? t : undefined;
      },
      15_000,
    );
    expect(task.exitCode).toBe(0);

    await until('the idle supervisor to exit', () => !isProcessAlive(holder.pid, holder.pidStart), 15_000);
    expect(supervisorHolder(p)).toBeNull();
    const log = events(p);
    expect(log).toContainEqual(expect.objectContaining({ kind: 'reconciled', task: 't1', status: 'exited' }));
    expect(log).toContainEqual(expect.objectContaining({ kind: 'status', task: 't1', to: 'exited' }));
    expect(log.at(-1)).toMatchObject({ kind: 'supervisor.stopped', pid: holder.pid, reason: 'idle' });
  });

  it('reconciles a tmux session whose agent exited, without any other braid command', async () => {
    const p = await setup();
    const tmux = tmuxServer();
    try {
      const env = {
        ...FAST,
        BRAID_SUPERVISOR_GRACE_MS: '60000',
        BRAID_TMUX_SOCKET: tmux.socket,
        TMUX: '',
      };
      const res = await runCli(repo.dir, ['new', 'w1', '--agent', 'shell', '-p', 'sleep 1; exit 3'], { env });
      expect(res.code, res.stderr).toBe(0);
      const task = await until(
        'w1 to be failed',
        () => {
          const t = getTask(p.store, 'w1');
          return t?.status === 'failed' ? t : undefined;
        },
        15_000,
      );
      expect(task.exitCode).toBe(3);
      await expectLogged(p, { kind: 'status', task: 'w1', to: 'failed', source: 'process' });
    } finally {
      await stopSupervisor(p, 2000);
      await tmux.kill();
    }
  });

  it('logs the status change its own first pass makes: a supervisor started after the agent exited', async () => {
    const p = await setup();
    const tmux = tmuxServer();
    try {
      const env = { ...FAST, BRAID_SUPERVISOR_GRACE_MS: '60000', BRAID_TMUX_SOCKET: tmux.socket, TMUX: '' };
      const res = await runCli(repo.dir, ['new', 'w2', '--agent', 'shell', '-p', 'exit 4'], {
        env: { ...env, BRAID_NO_SUPERVISOR: '1' },
      });
      expect(res.code, res.stderr).toBe(0);
      // The agent is gone before any supervisor runs: the store still says it is live.
      const exitPath = sessionPaths(p, 'w2').exitPath;
      await until('the exit record of w2', () => existsSync(exitPath), 10_000);
      expect(getTask(p.store, 'w2')?.status).not.toBe('failed');
      await up(env);
      await until('w2 to be failed', () => getTask(p.store, 'w2')?.status === 'failed', 10_000);
      await stopSupervisor(p, 2000);
      expect(events(p)).toContainEqual(
        expect.objectContaining({ kind: 'status', task: 'w2', to: 'failed', source: 'process' }),
      );
    } finally {
      await stopSupervisor(p, 2000);
      await tmux.kill();
    }
  });

  it('follows the screen of an agent without hooks every pass: working, then idle', async () => {
    const p = await setup();
    writeFileSync(
      path.join(repo.dir, 'braid.yaml'),
      'agents:\n  shell: { status: screen, screen_idle_seconds: 0.6 }\n',
    );
    const tmux = tmuxServer();
    try {
      // Nothing but the supervisor reads the screen here (how soon is a speed matter, not checked by a timed test).
      const env = {
        ...FAST,
        BRAID_SUPERVISOR_RECONCILE_MS: '400',
        BRAID_SUPERVISOR_GRACE_MS: '60000',
        BRAID_TMUX_SOCKET: tmux.socket,
        TMUX: '',
      };
      // It ticks until the test has seen it working, then falls quiet.
      const release = path.join(repo.parent, 'release-s1');
      const loop = `while [ ! -e '${release}' ]; do echo tick; sleep 0.1; done; exec sleep 600`;
      const res = await runCli(repo.dir, ['new', 's1', '--agent', 'shell', '-p', loop], { env });
      expect(res.code, res.stderr).toBe(0);
      const working = await until(
        's1 to be working',
        () => {
          const t = getTask(p.store, 's1');
          return t?.status === 'working' ? t : undefined;
        },
        10_000,
      );
      expect(working.statusSource).toBe('screen');
      writeFileSync(release, '');
      // Quiet for 0.6 s is idle, read on one of the next passes.
      const idle = await until(
        's1 to be idle from the screen, read by the supervisor alone',
        () => {
          const t = getTask(p.store, 's1');
          return t?.status === 'idle' ? t : undefined;
        },
        20_000,
      );
      expect(idle.statusSource).toBe('screen');
      await expectLogged(p, { kind: 'status', task: 's1', from: 'working', to: 'idle', source: 'screen' });
    } finally {
      await stopSupervisor(p, 2000);
      await tmux.kill();
    }
  });

  it('reads the exit code of a session a hook already marked exited', async () => {
    const p = await setup();
    const tmux = tmuxServer();
    try {
      const env = { ...FAST, BRAID_SUPERVISOR_GRACE_MS: '60000', BRAID_TMUX_SOCKET: tmux.socket, TMUX: '' };
      // The agent winds down only once the test has marked it exited, as its SessionEnd hook would.
      const release = path.join(repo.parent, 'release-h1');
      const agent = `while [ ! -e '${release}' ]; do sleep 0.05; done; exit 4`;
      const res = await runCli(repo.dir, ['new', 'h1', '--agent', 'shell', '-p', agent], { env });
      expect(res.code, res.stderr).toBe(0);
      // What a SessionEnd hook does while the agent's process is still winding down.
      updateTask(p.store, 'h1', { status: 'exited', statusSource: 'hook', statusDetail: null });
      writeFileSync(release, '');
      const task = await until(
        'the exit code of h1',
        () => {
          const t = getTask(p.store, 'h1');
          return t && t.exitCode !== null ? t : undefined;
        },
        30_000,
      );
      expect(task.exitCode).toBe(4);
      await expectLogged(p, { kind: 'reconciled', task: 'h1', exitCode: 4 });
    } finally {
      await stopSupervisor(p, 2000);
      await tmux.kill();
    }
  });

  it('lands a queued task by itself', async () => {
    const p = await setup();
    const dir = path.join(repo.parent, 'wt-feature');
    const base = await repo.git('rev-parse', 'main');
    await repo.git('worktree', 'add', '-q', '-b', 'braid/feature', dir, 'main');
    writeFileSync(path.join(dir, 'feature.txt'), 'new\n');
    await g(dir, 'add', '-A');
    await g(dir, 'commit', '-q', '-m', 'feature: work');
    insertTask(p.store, {
      name: 'feature',
      branch: 'braid/feature',
      worktree: dir,
      base: 'main',
      baseCommit: base,
      agent: 'shell',
      status: 'exited',
    });
    enqueueTasks({ repo: p.repo, config: p.config, store: p.store }, ['feature']);

    const started = await up({ ...FAST, BRAID_SUPERVISOR_GRACE_MS: '500' });
    const landed = await until(
      'feature to land',
      () => {
        const t = getTask(p.store, 'feature');
        return t?.status === 'landed' ? t : undefined;
      },
      20_000,
    );
    expect(landed.landedCommit).toBe(await repo.git('rev-parse', 'main'));
    expect(await repo.git('show', 'main:feature.txt')).toBe('new');
    await until(
      'the supervisor to leave once the queue is empty',
      () => !isProcessAlive(started.pid),
      15_000,
    );
    expect(events(p)).toContainEqual(
      expect.objectContaining({ kind: 'queue.processed', landed: ['feature'] }),
    );
  });

  it('finds a conflict between two live tasks by its radar loop alone', async () => {
    const p = await setup();
    const env = { ...FAST, BRAID_SUPERVISOR_RADAR_MS: '300', BRAID_SUPERVISOR_GRACE_MS: '500' };
    // Shell agents fire no hooks: no edit hook re-scans, only the supervisor's loop can see this.
    for (const [name, text] of [
      ['left', 'from left'],
      ['right', 'from right'],
    ]) {
      const res = await runCli(
        repo.dir,
        ['new', name, '--agent', 'shell', '--headless', '-p', `echo "${text}" > shared.txt; exec sleep 600`],
        { env },
      );
      expect(res.code, res.stderr).toBe(0);
    }
    try {
      const found = await until(
        'a textual finding between left and right',
        () => listFindings(p.store).find((f) => f.kind === 'textual'),
        20_000,
      );
      expect([found.a, found.b].sort()).toEqual(['left', 'right']);
      expect(found.files).toEqual(['shared.txt']);
      // The loop stores its findings before it logs the change: wait for the log line too.
      await until('the radar loop to log the change', () =>
        events(p).some((e) => e.kind === 'radar.changed' && e.pairs === 1),
      );
      // Nothing was committed: the radar read the live worktrees.
      expect(await repo.git('rev-parse', 'braid/left')).toBe(await repo.git('rev-parse', 'main'));
    } finally {
      for (const name of ['left', 'right']) await runCli(repo.dir, ['stop', name], { env });
    }
  });

  it('is started by braid run when none is running', async () => {
    const p = await setup();
    const plan = path.join(repo.parent, 'plan.yaml');
    writeFileSync(plan, 'tasks:\n  - { name: only, agent: shell, prompt: "sleep 1 && echo x > only.txt" }\n');
    writeFileSync(path.join(repo.dir, 'braid.yaml'), 'deps: none\n');
    expect(supervisorHolder(p)).toBeNull();
    const res = await runCli(repo.dir, ['run', plan, '--json'], {
      env: { ...FAST, BRAID_SUPERVISOR_GRACE_MS: '500' },
    });
    expect(res.code, res.stdout).toBe(0);
    const started = events(p).filter((e) => e.kind === 'supervisor.started');
    expect(started).toHaveLength(1);
    // It is the repository's usual supervisor: it leaves once the run's task is no longer live.
    await until('the supervisor to leave', () => !isProcessAlive(Number(started[0].pid)), 15_000);
    expect(events(p).at(-1)).toMatchObject({ kind: 'supervisor.stopped', reason: 'idle' });
  });
});
