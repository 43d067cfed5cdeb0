import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/core/task.js';
import { signalGroup } from '../src/exec/process-group.js';
import { openStore } from '../src/store/db.js';
import { getTask } from '../src/store/tasks.js';
import { cliJson, fakeClaudeOnPath, requireBuiltCli, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

interface Row {
  name: string;
  status: string;
  statusDetail: string | null;
  limitResetsAt: string | null;
  agentSessionId: string | null;
  worktree: string;
}

let repo: TempRepo;
let server: TmuxServer;
let env: NodeJS.ProcessEnv;
let argvLog: string;

const braid = (...args: string[]) => runCli(repo.dir, args, { env, timeoutMs: 90_000 });
const ls = async () => (await cliJson<{ tasks: Row[] }>(repo.dir, ['ls'], env)).tasks;
function stored(name: string): Task | null {
  const store = openStore(path.join(repo.dir, '.git'));
  try {
    return getTask(store, name);
  } finally {
    store.close();
  }
}
const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

beforeAll(async () => {
  await requireBuiltCli();
  repo = await tempRepo();
  server = tmuxServer();
  argvLog = path.join(repo.parent, 'argv.jsonl');
  env = {
    ...server.env,
    ...fakeClaudeOnPath(repo.parent),
    FAKE_CLAUDE_ARGV_LOG: argvLog,
    // The supervisor resumes limited sessions: it runs here, its limit loop often, no stagger.
    BRAID_NO_SUPERVISOR: '0',
    BRAID_SUPERVISOR_LIMITS_MS: '200',
    BRAID_LIMIT_STAGGER_MS: '0',
    BRAID_SUPERVISOR_USAGE_MS: '300',
    BRAID_SUPERVISOR_BUDGET_MS: '300',
  };
  // A scripted turn costs $0.0006: only the spender below reaches the dollar.
  writeFileSync(path.join(repo.dir, 'braid.yaml'), 'agent: claude\ndeps: none\nbudget: { task_usd: 1 }\n');
}, 120_000);

afterAll(async () => {
  // The supervisor first (it starts sessions), then the sessions: their hooks write into .git.
  await runCli(repo.dir, ['down'], { env });
  await server?.kill();
  const headless = stored('hl')?.options.session as { pid?: number } | undefined;
  if (headless?.pid) signalGroup(headless.pid, 'SIGKILL');
  await repo?.cleanupEventually();
});

describe('usage limits', () => {
  it('marks limited sessions, holds new starts until the reset, then resumes them', async () => {
    // The reset lies well beyond the few braid commands made before it.
    const epoch = Math.ceil(Date.now() / 1000) + 30;
    const made = await Promise.all([
      braid('new', 'lim', '-p', `@limit ${epoch}`),
      braid('new', 'hl', '--headless', '-p', `@limit ${epoch}`),
    ]);
    expect(
      made.map((r) => r.code),
      made.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0]);
    // Read from the store (cheap on a busy machine): the hooks put the limit there.
    await until('both limited', () => ['lim', 'hl'].every((n) => stored(n)?.status === 'limited'));
    const limited = await ls();
    for (const r of limited.filter((t) => t.status === 'limited'))
      expect(r.limitResetsAt).toBe(new Date(epoch * 1000).toISOString());

    // A new session of the limited agent waits for the reset.
    const held = await braid('new', 'later', '-p', '@write later.txt later');
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toMatch(/usage limit/);
    const later = stored('later') as Task;
    expect(later.status).toBe('limited');
    expect(later.statusDetail).toMatch(/^start held/);

    // At the reset: the interactive one is told to go on, the headless one resumed by its id, the held one started.
    const lim = limited.find((r) => r.name === 'lim') as Row;
    await until(
      'lim continued in its pane',
      () => read(path.join(lim.worktree, 'fake-claude.md')).includes('usage limit has reset'),
      120_000,
    );
    await until(
      'later started and wrote its file',
      () => existsSync(path.join(later.worktree, 'later.txt')),
      60_000,
    );
    const hl = limited.find((r) => r.name === 'hl') as Row;
    const resumed = await until(
      'hl resumed',
      () =>
        read(argvLog)
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { argv: string[]; cwd: string })
          .find((l) => l.cwd === realpathSync(hl.worktree) && l.argv.includes('--resume')),
      60_000,
    );
    expect(resumed.argv[resumed.argv.indexOf('--resume') + 1]).toBe(hl.agentSessionId);
    expect(resumed.argv).toContain('-p');
    // Waits for a reset ~30 s ahead and several sessions on a busy machine.
  }, 300_000);

  it('pauses a session at 100 % of its budget with its work committed; braid budget resumes it', async () => {
    // 400,000 input tokens: well over a $1 budget at any Sonnet price.
    const made = await braid('new', 'spender', '-p', '@write w.txt wip ;; @tokens 400000 0');
    expect(made.code, made.stderr).toBe(0);
    const paused = await until(
      'spender paused',
      () => (stored('spender')?.status === 'paused' ? stored('spender') : undefined),
      90_000,
    );
    expect(paused?.statusDetail).toMatch(/^budget: task spent \$\d+\.\d\d of \$1\.00/);
    expect((await repo.git('show', `${paused?.branch}:w.txt`)).trim()).toBe('wip');

    const raised = await cliJson<{ resumed: boolean }>(repo.dir, ['budget', 'spender', '5'], env);
    expect(raised.resumed).toBe(true);
    const task = stored('spender') as Task;
    const launch = await until('spender resumed in its conversation', () =>
      read(argvLog)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { argv: string[]; cwd: string })
        .find((l) => l.cwd === realpathSync(task.worktree) && l.argv.includes('--resume')),
    );
    expect(launch.argv[launch.argv.indexOf('--resume') + 1]).toBe(paused?.agentSessionId);
    // A stop, a commit and a resume through the supervisor on a busy machine.
  }, 300_000);
});
