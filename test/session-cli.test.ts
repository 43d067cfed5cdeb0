import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/core/task.js';
import { openStore } from '../src/store/db.js';
import { listEvents } from '../src/store/events.js';
import { getTask } from '../src/store/tasks.js';
import { cliJson, fakeClaudeOnPath, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

interface TaskRow {
  name: string;
  status: string;
  statusSource: string;
  statusSince: number;
  statusDetail: string | null;
  exitCode: number | null;
  agentSessionId: string | null;
  worktree: string;
  pid: number | null;
  changedFiles: number | null;
}

let repo: TempRepo;
let server: TmuxServer;
let env: NodeJS.ProcessEnv;
let configDir: string;
let ghostAgent: string;

const braid = (...args: string[]) => runCli(repo.dir, args, { env });
const ls = async () => (await cliJson<{ tasks: TaskRow[] }>(repo.dir, ['ls'], env)).tasks;
const row = async (name: string) => (await ls()).find((t) => t.name === name) as TaskRow;
const script = (...lines: string[]) => ['```', ...lines, '```'].join('\n');

/** Polls `braid ls`, which also reads liveness and screens: for what only polling can see. */
async function statusOf(name: string, status: string, what = `${name} ${status}`): Promise<TaskRow> {
  return until(
    what,
    async () => {
      const t = await row(name);
      return t.status === status ? t : undefined;
    },
    20_000,
  );
}

/** Waits on the store alone, for what hooks push (cheaper than a braid process per poll). */
async function hookStatus(name: string, status: string): Promise<void> {
  await until(`${name} ${status} in the store`, () => stored(name)?.status === status, 20_000);
}

function stored(name: string): Task | null {
  const store = openStore(path.join(repo.dir, '.git'));
  try {
    return getTask(store, name);
  } finally {
    store.close();
  }
}

/** The status changes braid recorded for a task, in order. */
function statusTrail(name: string): string[] {
  const store = openStore(path.join(repo.dir, '.git'));
  try {
    return listEvents(store, { task: name })
      .filter((e) => e.kind === 'status.changed')
      .map((e) => String(e.data.to));
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  repo = await tempRepo();
  server = tmuxServer();
  // The fake Claude Code is `claude` on PATH, so the built-in claude adapter (and its --resume) is used.
  const fake = fakeClaudeOnPath(repo.parent);
  configDir = fake.CLAUDE_CONFIG_DIR;
  ghostAgent = path.join(repo.parent, 'later-bin', 'ghost-agent');
  // No supervisor: these tests drive status through braid ls alone.
  env = {
    ...server.env,
    BRAID_NO_SUPERVISOR: '1',
    ...fake,
  };
  writeFileSync(
    path.join(repo.dir, 'braid.yaml'),
    [
      'agent: claude',
      'deps: none',
      'ports: { names: [PORT], range: [4700, 4799], block: 2 }',
      'agents:',
      '  shell: { status: screen, screen_idle_seconds: 0.6 }',
      `  ghost: { command: [${JSON.stringify(ghostAgent)}, "{prompt}"], status: screen, screen_idle_seconds: 0.6 }`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await server?.kill();
  repo?.cleanup();
});

describe('sessions from the command line, in tmux on a private socket', () => {
  it('runs three agents at once, follows their hooks, types literally, resumes, and sees a kill', async () => {
    const prompts: Record<string, string> = {
      t1: script('@write one.txt one', '@ask Which colour should the button be?', '@say thanks'),
      t2: script('@write two.txt two'),
      t3: script('@write three.txt three', '@status idle', '@sleep 600000'),
    };
    const created = await Promise.all(Object.entries(prompts).map(([n, p]) => braid('new', n, '-p', p)));
    for (const r of created) expect(r.stderr).not.toMatch(/error/i);
    expect(created.map((r) => r.code)).toEqual([0, 0, 0]);

    // One window per task, each started in its own worktree.
    const panes = await server.run(['list-panes', '-a', '-F', '#{window_name} #{pane_current_path}']);
    const tasks = await ls();
    for (const t of tasks) expect(panes.split('\n')).toContain(`${t.name} ${t.worktree}`);

    // t1 asks: waiting, with the question from the Notification shown by ls.
    // PermissionRequest comes first (waiting for a tool), then the Notification with the question.
    await until(
      "the question as t1's status detail",
      () => stored('t1')?.statusDetail === 'Which colour should the button be?',
      20_000,
    );
    const waiting = await row('t1');
    expect(waiting.status).toBe('waiting');
    expect(waiting.statusSource).toBe('hook');
    expect(waiting.statusDetail).toBe('Which colour should the button be?');
    const table = (await braid('ls')).stdout;
    expect(table).toMatch(/t1\s+waiting \(Which colour should the butto/);
    expect(table).toContain('FOR');
    await braid('send', 't1', 'blue');
    await hookStatus('t1', 'idle');
    expect(statusTrail('t1')).toEqual(expect.arrayContaining(['working', 'waiting', 'idle']));
    const trail = statusTrail('t1');
    expect(trail.indexOf('working')).toBeLessThan(trail.indexOf('waiting'));
    expect(trail.lastIndexOf('idle')).toBeGreaterThan(trail.indexOf('waiting'));
    expect(readFileSync(path.join(waiting.worktree, 'one.txt'), 'utf8')).toBe('one\n');

    // Text is typed literally: key names and shell syntax arrive as written (the fake appends the prompt).
    const literal = 'keep C-c and $(whoami) and Enter as text ;';
    expect((await braid('send', 't1', literal)).code).toBe(0);
    const notes = path.join(waiting.worktree, 'fake-claude.md');
    await until(
      'the answer typed into notes.md',
      () => existsSync(notes) && readFileSync(notes, 'utf8').includes(literal),
      10_000,
    );
    expect(readFileSync(notes, 'utf8')).toBe(`- ${literal}\n`);
    expect((await braid('logs', 't1')).stdout).toContain('? Which colour should the button be?');

    // Stop, then start resumes the same Claude session (the fake keeps one transcript per session id).
    await hookStatus('t2', 'idle');
    const t2 = await row('t2');
    expect(t2.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await braid('stop', 't2')).code).toBe(0);
    expect((await row('t2')).status).toBe('exited');
    const started = await braid('start', 't2');
    expect(started.code, started.stderr).toBe(0);
    await until('t2 SessionStart', () => stored('t2')?.statusSource === 'hook', 10_000);
    await braid('send', 't2', 'after the resume');
    await hookStatus('t2', 'idle');
    expect(stored('t2')?.agentSessionId).toBe(t2.agentSessionId);
    const transcripts = readdirSync(path.join(configDir, 'projects'), { recursive: true, encoding: 'utf8' });
    const mine = transcripts.filter((f) => f.endsWith(`${t2.agentSessionId}.jsonl`));
    expect(mine).toHaveLength(1);
    const lines = readFileSync(path.join(configDir, 'projects', mine[0]), 'utf8');
    expect(lines).toContain('two.txt');
    expect(lines).toContain('after the resume');

    // Killing the pane's process ends the session as failed, seen by the next ls.
    // An interrupt fires no hook: Claude Code's status file tells that t3 went idle.
    await until('three.txt in the worktree of t3', () =>
      existsSync(path.join(stored('t3')?.worktree ?? '/none', 'three.txt')),
    );
    const t3 = await statusOf('t3', 'idle');
    expect(t3.statusSource).toBe('hook');
    const diff = await braid('diff', 't3');
    expect(diff.stdout).toContain('+three');
    process.kill(t3.pid as number, 'SIGKILL');
    const dead = await statusOf('t3', 'failed');
    expect(dead.statusSource).toBe('process');
    expect(dead.exitCode).toBeNull();
    expect((await braid('ls')).stdout).toMatch(/t3\s+failed \(ended without an exit code\)/);
    const late = await braid('send', 't3', 'anyone there?');
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('braid start t3');
  });

  it('keeps a headless session running after braid exits and records its exit', async () => {
    const res = await braid('new', 'h1', '--headless', '-p', script('@sleep 800', '@write late.txt late'));
    expect(res.code, res.stderr).toBe(0);
    // `braid new` has exited; the agent carries on and finishes on its own.
    await hookStatus('h1', 'exited');
    const done = await until('h1 to exit with 0', async () => {
      const t = await row('h1');
      return t.exitCode === 0 ? t : undefined;
    });
    expect(done.status).toBe('exited');
    expect(readFileSync(path.join(done.worktree, 'late.txt'), 'utf8')).toBe('late\n');
    expect((await braid('logs', 'h1')).stdout).toContain('"type":"result"');
    // Attaching to a headless session follows its log; an ended one prints it and returns.
    expect((await braid('attach', 'h1')).stdout).toContain('"type":"result"');
  });

  it('watches the screen of an agent without hooks: changing is working, quiet is idle', async () => {
    const loop = 'for i in 1 2 3; do echo tick $i; sleep 0.2; done; while read l; do echo "got $l"; done';
    expect((await braid('new', 's1', '--agent', 'shell', '-p', loop)).code).toBe(0);
    const first = await until('s1 working or idle (screen)', async () => {
      const t = await row('s1');
      return t.status === 'working' || t.status === 'idle' ? t : undefined;
    });
    expect(first.statusSource).toBe('screen');
    await statusOf('s1', 'idle');
    await braid('send', 's1', 'hello');
    await until('got hello on the pane of s1', () =>
      server.run(['capture-pane', '-p', '-t', `=braid-repo:s1`]).then((s) => s.includes('got hello')),
    );
    const busy = await row('s1');
    expect(busy.status).toBe('working');
    expect(busy.statusSource).toBe('screen');
    const idle = await statusOf('s1', 'idle');
    expect(idle.statusSource).toBe('screen');
    // A shell ends on the stop's Ctrl-C by a signal: failed, but marked as asked for.
    expect((await braid('stop', 's1')).code).toBe(0);
    expect(stored('s1')?.statusDetail).toMatch(/^stopped with braid stop/);
  });

  it('a missing agent leaves the task provisioned with an install hint; start works once installed', async () => {
    const res = await braid('new', 'g1', '--agent', 'ghost', '-p', 'anything');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not installed');
    expect(res.stderr).toContain('braid start g1');
    const g1 = await row('g1');
    expect(existsSync(g1.worktree)).toBe(true);
    expect(g1.status).toBe('idle');
    mkdirSync(path.dirname(ghostAgent), { recursive: true });
    writeFileSync(ghostAgent, '#!/bin/sh\necho "ghost got: $1"\nexec sleep 600\n', { mode: 0o755 });
    const started = await braid('start', 'g1');
    expect(started.code, started.stderr).toBe(0);
    await until('ghost got: anything in the log of g1', async () =>
      (await braid('logs', 'g1')).stdout.includes('ghost got: anything'),
    );
    expect((await braid('stop', 'g1')).code).toBe(0);
  });
});
