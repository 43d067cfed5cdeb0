import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedAgentYaml } from '../src/demo/plan.js';
import { cliJson, ROOT, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

const AGENT = path.join(ROOT, 'test/fixtures/fake-claude');

interface LsJson {
  tasks: Array<{ name: string; status: string; statusDetail?: string | null }>;
}

let repo: TempRepo;
let env: NodeJS.ProcessEnv;
let tmux: TmuxServer | null = null;
afterEach(async () => {
  await tmux?.kill();
  tmux = null;
  repo?.cleanup();
});

async function setup(): Promise<void> {
  repo = await tempRepo({ files: { 'shared.txt': 'base\n', 'other.txt': 'o\n' } });
  // One script waits in a shell loop: allow Bash beside braid's own git rules.
  const yaml = [
    ...scriptedAgentYaml(AGENT),
    '    allowed_tools: ["Bash"]',
    'deps: none',
    'gate: grep -q . shared.txt',
    '',
  ].join('\n');
  writeFileSync(path.join(repo.dir, 'braid.yaml'), yaml);
  await repo.commit('braid config', {});
  env = { CLAUDE_CONFIG_DIR: path.join(repo.parent, 'claude') };
}

/** The kinds of the events recorded for a task, oldest first (read straight from the store). */
function eventKinds(task: string): string[] {
  const db = new Database(path.join(repo.dir, '.git', 'braid', 'state.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT kind FROM events WHERE task = ? ORDER BY id').all(task) as Array<{
      kind: string;
    }>;
    return rows.map((r) => r.kind);
  } finally {
    db.close();
  }
}

async function statusOf(name: string): Promise<string | undefined> {
  const ls = await cliJson<LsJson>(repo.dir, ['ls'], env);
  return ls.tasks.find((t) => t.name === name)?.status;
}

/** Starts a headless scripted task and waits for its agent to finish. */
async function finishedTask(name: string, script: string[]): Promise<void> {
  const res = await runCli(repo.dir, ['new', name, '--headless', '-p', script.join('\n')], { env });
  expect(res.code, res.stderr).toBe(0);
  await until(`${name} to be exited`, async () => (await statusOf(name)) === 'exited', 60_000);
}

describe('conflicts handed back to the agent', () => {
  it('the agent resolves a conflict in a resumed run and the task lands; rm needs no --force after', async () => {
    await setup();
    await finishedTask('left', ['@write shared.txt left', '@commit left']);
    await finishedTask('right', [
      '@write shared.txt right',
      '@commit right',
      '@resolve shared.txt left+right',
    ]);

    const first = await runCli(repo.dir, ['land', 'left', 'right', '--json'], { env });
    expect(first.code).toBe(3);
    const report = JSON.parse(first.stdout);
    expect(report.landed.map((l: { name: string }) => l.name)).toEqual(['left']);
    expect(report.handedBack).toEqual([{ name: 'right', conflictFiles: ['shared.txt'] }]);

    // The resumed agent merges main, writes its resolution and commits; then the queue takes it again.
    await until(
      'right to be exited after the resumed run',
      async () => (await statusOf('right')) === 'exited',
      60_000,
    );
    const second = await cliJson<{ landed: Array<{ name: string }> }>(repo.dir, ['land', 'right'], env);
    expect(second.landed.map((l) => l.name)).toEqual(['right']);
    expect(await repo.git('show', 'main:shared.txt')).toBe('left+right');

    // left was squash-landed and main has since changed its line again: nothing of it is lost.
    const rm = await runCli(repo.dir, ['rm', 'left'], { env });
    expect(rm.code, rm.stderr).toBe(0);
    expect(existsSync(path.join(repo.parent, 'repo.braid', 'left'))).toBe(false);
  }, 150_000);

  it('an agent that ends without a resolution leaves the task in conflict with what to do', async () => {
    await setup();
    await finishedTask('first', ['@write shared.txt first', '@commit first']);
    await finishedTask('stubborn', ['@write shared.txt stubborn', '@commit stubborn']);

    const land = await cliJson<{ handedBack: unknown[] }>(repo.dir, ['land', 'first', 'stubborn'], env);
    expect(land.handedBack).toHaveLength(1);
    // Its resumed run finds no resolution for shared.txt, fails the turn and exits.
    await until(
      'stubborn to leave starting',
      async () => (await statusOf('stubborn')) !== 'starting',
      60_000,
    );
    await until(
      'land to reject stubborn: ended without committing a resolution',
      async () => {
        const res = await cliJson<{ rejected: Array<{ name: string; reason: string }> }>(
          repo.dir,
          ['land', 'stubborn'],
          env,
        );
        return res.rejected.some(
          (r) => r.name === 'stubborn' && /without committing a resolution/.test(r.reason),
        );
      },
      60_000,
    );
    expect(await statusOf('stubborn')).toBe('conflict');
    expect(await repo.git('show', 'main:shared.txt')).toBe('first');
  }, 150_000);

  it('a live tmux session gets the conflict typed in, resolves and commits, and the task lands', async () => {
    await setup();
    tmux = tmuxServer();
    env = { ...env, BRAID_TMUX_SOCKET: tmux.socket };
    await finishedTask('left', ['@write shared.txt left', '@commit left']);
    const script = ['@write shared.txt right', '@commit right', '@resolve shared.txt left+right'];
    const started = await runCli(repo.dir, ['new', 'right', '-p', script.join('\n')], { env });
    expect(started.code, started.stderr).toBe(0);
    // Its first turn is done and it waits at the prompt: a live session.
    await until('right idle', async () => (await statusOf('right')) === 'idle', 60_000);
    const committed = await repo.git('rev-parse', 'braid/right');

    const first = await cliJson<{ handedBack: Array<{ name: string }> }>(
      repo.dir,
      ['land', 'left', 'right'],
      env,
    );

    expect(first.handedBack.map((h) => h.name)).toEqual(['right']);
    // Typed into the session: the agent merges main, resolves, commits, all in the same tmux window.
    const resolved = await until(
      'a resolution commit',
      async () => {
        const tip = await repo.git('rev-parse', 'braid/right');
        return tip !== committed && tip;
      },
      60_000,
    );
    expect(await repo.git('show', `${resolved}:shared.txt`)).toBe('left+right');
    // The same session took it: typed in, no second agent run started.
    expect(eventKinds('right')).toContain('land.typed-into-session');
    expect(eventKinds('right')).not.toContain('land.resolver-started');
    expect(await statusOf('right')).not.toBe('exited');
    const second = await cliJson<{ landed: Array<{ name: string }> }>(repo.dir, ['land', 'right'], env);
    expect(second.landed.map((l) => l.name)).toEqual(['right']);
    expect(await repo.git('show', 'main:shared.txt')).toBe('left+right');
    expect(await tmux.run(['list-sessions', '-F', '#{session_name}'])).not.toBe('');
  }, 150_000);

  it('a live headless run does not hold the queue: a task behind it lands, and the run is resumed once it ends', async () => {
    await setup();
    await finishedTask('left', ['@write shared.txt left', '@commit left']);
    const release = path.join(repo.parent, 'release');
    const script = [
      '@write shared.txt right',
      '@commit right',
      '@resolve shared.txt left+right',
      `@run while [ ! -f '${release}' ]; do sleep 0.05; done`,
    ];
    const res = await runCli(repo.dir, ['new', 'right', '--headless', '-p', script.join('\n')], { env });
    expect(res.code, res.stderr).toBe(0);
    const base = await repo.git('rev-parse', 'main');
    await until('commit', async () => (await repo.git('rev-parse', 'braid/right')) !== base, 60_000);
    await finishedTask('independent', ['@write other.txt independent', '@commit independent']);

    // right's run is still going (it waits for the release file): the land neither waits for it nor stops.
    const first = await runCli(repo.dir, ['land', 'left', 'right', 'independent', '--json'], { env });
    expect(first.code).toBe(3);
    const report = JSON.parse(first.stdout);
    expect(report.landed.map((l: { name: string }) => l.name)).toEqual(['left', 'independent']);
    expect(report.handedBack).toEqual([{ name: 'right', conflictFiles: ['shared.txt'] }]);
    expect(await repo.git('show', 'main:other.txt')).toBe('independent');
    expect(eventKinds('right')).toContain('land.handback-waiting');
    expect(eventKinds('right')).not.toContain('land.resolver-started');
    expect(await statusOf('right')).not.toBe('exited');
    const queue = await cliJson<{ entries: Array<{ task: string; state: string }> }>(
      repo.dir,
      ['queue'],
      env,
    );
    expect(queue.entries.filter((e) => e.task === 'right').map((e) => e.state)).toContain('waiting_agent');

    // The run ends; the next queue pass resumes it with the conflict (not given up as "ended without a resolution").
    writeFileSync(release, '');
    await until('the first run', async () => (await statusOf('right')) === 'exited', 60_000);
    const second = await cliJson<{ handedBack: Array<{ name: string }> }>(repo.dir, ['land', 'right'], env);
    expect(second.handedBack.map((h) => h.name)).toEqual(['right']);
    expect(eventKinds('right')).toContain('land.resolver-started');
    await until('the resolver run', async () => (await statusOf('right')) === 'exited', 60_000);
    const third = await cliJson<{ landed: Array<{ name: string }> }>(repo.dir, ['land', 'right'], env);
    expect(third.landed.map((l) => l.name)).toEqual(['right']);
    expect(await repo.git('show', 'main:shared.txt')).toBe('left+right');
  }, 150_000);
});
