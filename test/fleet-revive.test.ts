import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive, processStartTime } from '../src/exec/pid.js';
import { findRepo } from '../src/git/repo.js';
import { openStore } from '../src/store/db.js';
import { claimForRevive, getTask } from '../src/store/tasks.js';
import { cliJson, fakeClaudeOnPath, requireBuiltCli, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

interface Row {
  name: string;
  status: string;
  agentSessionId: string | null;
  worktree: string;
  runtime: string;
  pid: number | null;
}
interface Launch {
  argv: string[];
  cwd: string;
  pid: number;
}

let repo: TempRepo;
let server: TmuxServer;
let env: NodeJS.ProcessEnv;
let argvLog: string;

const braid = (...args: string[]) => runCli(repo.dir, args, { env, timeoutMs: 90_000 });
const ls = async () => (await cliJson<{ tasks: Row[] }>(repo.dir, ['ls'], env)).tasks;
const launches = (): Launch[] =>
  existsSync(argvLog)
    ? readFileSync(argvLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Launch)
    : [];

beforeAll(async () => {
  await requireBuiltCli();
  repo = await tempRepo();
  server = tmuxServer();
  argvLog = path.join(repo.parent, 'argv.jsonl');
  env = {
    ...server.env,
    ...fakeClaudeOnPath(repo.parent),
    FAKE_CLAUDE_ARGV_LOG: argvLog,
    // No supervisor until braid up: nothing must notice the deaths before it does.
    BRAID_NO_SUPERVISOR: '1',
  };
  writeFileSync(path.join(repo.dir, 'braid.yaml'), 'agent: claude\ndeps: none\n');
}, 120_000);

afterAll(async () => {
  // The supervisor first (it would bring sessions back), then the sessions: their hooks write into .git.
  await runCli(repo.dir, ['down'], { env });
  await server?.kill();
  await repo?.cleanupEventually();
});

describe('braid up after a reboot', () => {
  it('brings back three interactive and two headless sessions by their session id; a stopped one stays stopped', async () => {
    const release = path.join(repo.parent, 'release');
    // i1 sits at its prompt; the others are mid-turn when the machine goes down.
    const made = await Promise.all([
      braid('new', 'i1', '-p', '@write one.txt one'),
      braid('new', 'i2', '-p', `@waitfile ${release}`),
      braid('new', 'i3', '-p', `@waitfile ${release}`),
      braid('new', 'h1', '--headless', '-p', `@waitfile ${release}`),
      braid('new', 'h2', '--headless', '-p', `@waitfile ${release}`),
      braid('new', 'stopped', '-p', '@write s.txt s'),
    ]);
    expect(
      made.map((r) => r.code),
      made.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0, 0, 0, 0, 0]);
    const before = await until('every session has its agent session id', async () => {
      const rows = await ls();
      return rows.every((r) => r.agentSessionId) && rows.find((r) => r.name === 'i1')?.status === 'idle'
        ? rows
        : undefined;
    });
    expect((await braid('stop', 'stopped')).code).toBe(0);

    // The machine goes down: every agent SIGKILLed with its recorder, the tmux server gone. A pane's
    // agent would otherwise outlive its server for a moment and fire a late hook, which no reboot does.
    const killed = before.filter((r) => r.pid);
    for (const row of killed) killHard(row.pid as number);
    await server.kill();
    await until('every session is gone', () => killed.every((r) => !isProcessAlive(r.pid)));
    const seen = launches().length;

    const up = await cliJson<{ revived: Array<{ name: string; runtime: string; agentSessionId: string }> }>(
      repo.dir,
      ['up'],
      env,
    );
    const revived = new Map(up.revived.map((r) => [r.name, r]));
    const interactive = ['i1', 'i2', 'i3'];
    const headless = ['h1', 'h2'];
    expect([...revived.keys()].sort(), JSON.stringify(up)).toEqual([...headless, ...interactive]);
    for (const name of headless) expect(revived.get(name)?.runtime).toBe('headless');
    for (const name of interactive) expect(revived.get(name)?.runtime).toBe('tmux');

    const relaunched = await until('five agents launched again', () => {
      const l = launches().slice(seen);
      return l.length >= 5 ? l : undefined;
    });
    for (const name of [...interactive, ...headless]) {
      const row = before.find((r) => r.name === name) as Row;
      const launch = relaunched.find((l) => l.cwd === realpathSync(row.worktree));
      expect(launch, `${name} relaunched in its worktree`).toBeDefined();
      const at = launch?.argv.indexOf('--resume') ?? -1;
      expect(launch?.argv[at + 1]).toBe(row.agentSessionId);
      expect(launch?.argv.includes('-p')).toBe(headless.includes(name));
    }
    // The interactive ones run in panes of a new tmux server, in their worktrees.
    const panes = await server.run(['list-panes', '-a', '-F', '#{window_name} #{pane_current_path}']);
    for (const name of interactive) {
      const row = before.find((r) => r.name === name) as Row;
      expect(panes.split('\n')).toContain(`${name} ${row.worktree}`);
    }
    const stopped = (await ls()).find((r) => r.name === 'stopped');
    expect(stopped?.status).not.toMatch(/starting|working|idle/);
    writeFileSync(release, '');
    // Several sessions started, killed and brought back on a busy machine.
  }, 300_000);
});

describe('a session being brought back', () => {
  it('is not read as failed while its reviver starts it, and is once that reviver died', async () => {
    // No supervisor here: this test plays the reviver itself.
    await braid('down');
    expect(
      (await braid('new', 'claimed', '--agent', 'shell', '--headless', '-p', 'exec sleep 600')).code,
    ).toBe(0);
    const live = await until('claimed running', async () =>
      (await ls()).find((r) => r.name === 'claimed' && r.pid),
    );
    killHard(live.pid as number);
    await until(
      'claimed failed',
      async () => (await ls()).find((r) => r.name === 'claimed')?.status === 'failed',
    );

    // A reviver (a live process) claims it; its handle is still the dead session's.
    const reviver = spawn('sleep', ['600'], { stdio: 'ignore' });
    const store = openStore((await findRepo(repo.dir)).commonDir);
    try {
      const pid = reviver.pid as number;
      const since = getTask(store, 'claimed')?.statusSince as number;
      expect(
        claimForRevive(store, 'claimed', since, { pid, pidStart: processStartTime(pid), label: 'test' }),
      ).toBe(true);
      expect((await ls()).find((r) => r.name === 'claimed')?.status).toBe('starting');
      // The claim lapses with its claimant: the dead session reads as failed again, for the next braid up.
      reviver.kill('SIGKILL');
      await until('the reviver gone', () => !isProcessAlive(pid));
      expect((await ls()).find((r) => r.name === 'claimed')?.status).toBe('failed');
    } finally {
      reviver.kill('SIGKILL');
      store.close();
    }
  });
});

describe('braid up --install', () => {
  it('writes a systemd user unit that runs braid up, and --uninstall removes it', async () => {
    const home = path.join(repo.parent, 'home');
    const config = path.join(home, 'cfg');
    mkdirSync(config, { recursive: true });
    const homeEnv = { ...env, HOME: home, XDG_CONFIG_HOME: config, SHELL: '/bin/zsh' };
    const installed = await cliJson<{ via: string; path: string; enabled: boolean; note: string | null }>(
      repo.dir,
      ['up', '--install', '--via', 'systemd'],
      homeEnv,
    );
    expect(installed.via).toBe('systemd');
    expect(path.dirname(installed.path)).toBe(path.join(config, 'systemd', 'user'));
    const unit = readFileSync(installed.path, 'utf8');
    expect(unit).toContain(`WorkingDirectory="${repo.dir}"`);
    expect(unit).toMatch(/^ExecStart=.*"up"$/m);
    // Where no systemd user manager answers (containers), braid says so instead of enabling.
    if (!installed.enabled) expect(installed.note).toMatch(/systemctl --user is not usable/);

    const removed = await cliJson<{ uninstalled: boolean; removed: string }>(
      repo.dir,
      ['up', '--uninstall'],
      homeEnv,
    );
    expect(removed).toMatchObject({ uninstalled: true, removed: installed.path });
    expect(existsSync(installed.path)).toBe(false);

    const login = await cliJson<{ via: string; path: string; lines: string[] }>(
      repo.dir,
      ['up', '--install', '--via', 'login-file'],
      homeEnv,
    );
    expect(login.path).toBe(path.join(home, '.zprofile'));
    expect(login.lines.join('\n')).toContain(`cd '${repo.dir}'`);
    expect(existsSync(login.path)).toBe(false);
  });
});

/** SIGKILL to a process's group, or to it alone when it leads none; one already gone is fine. */
function killHard(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      return;
    } catch {
      // not a group leader, or gone
    }
  }
}
