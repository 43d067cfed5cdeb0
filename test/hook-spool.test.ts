import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRepo } from '../src/git/repo.js';
import { EventLog } from '../src/orchestrate/supervisor/event-log.js';
import { Reconciler } from '../src/orchestrate/supervisor/reconcile.js';
import { openProject } from '../src/project/project.js';
import { drainHookSpool, spoolPath } from '../src/run/agents/hook-spool.js';
import { openStore, type Store, storePath } from '../src/store/db.js';
import { listEvents } from '../src/store/events.js';
import { getTask, insertTask } from '../src/store/tasks.js';
import { cliJson, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { lockStore } from './helpers/store-locker.js';
import { addWorktreeTask } from './helpers/tasks.js';

let repo: TempRepo;
let commonDir: string;
let store: Store;

const addTask = (name: string) => addWorktreeTask(repo, store, name);

type Step = [string, Record<string, unknown>];

/** Fires `braid hook <event>` as a real process, the way Claude Code does. */
function fire(cwd: string, task: string, session: string, [event, payload]: Step) {
  const body = { session_id: session, transcript_path: `/t/${session}.jsonl`, cwd, hook_event_name: event };
  return runCli(cwd, ['hook', event], {
    env: { BRAID_TASK: task },
    input: JSON.stringify({ ...body, ...payload }),
  });
}

/** One session's hooks fire one after another (Claude Code waits for each); sessions run side by side. */
async function runSessions(prefix: string, worktrees: Record<string, string>) {
  return Promise.all(
    Object.entries(SESSIONS).map(async ([key, steps]) => {
      const codes: Array<number | null> = [];
      for (const step of steps)
        codes.push((await fire(worktrees[key], `${prefix}${key}`, `sess-${key}`, step)).code);
      return codes;
    }),
  );
}

const SESSIONS: Record<string, Step[]> = {
  done: [
    ['SessionStart', { source: 'startup' }],
    ['UserPromptSubmit', { prompt: 'fix it' }],
    ['PreToolUse', { tool_name: 'Edit', tool_input: { file_path: '/x/a.ts', old_string: 'a'.repeat(5000) } }],
    ['PostToolUse', { tool_name: 'Edit', tool_input: { file_path: '/x/a.ts' }, tool_response: 'ok' }],
    ['Stop', { stop_hook_active: false, last_assistant_message: 'done. '.repeat(400) }],
  ],
  asking: [
    ['SessionStart', { source: 'startup' }],
    ['UserPromptSubmit', { prompt: 'deploy' }],
    ['PreToolUse', { tool_name: 'Bash', tool_input: { command: 'make deploy' } }],
    ['PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'make deploy' } }],
    [
      'Notification',
      { notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' },
    ],
  ],
  ended: [
    ['SessionStart', { source: 'startup' }],
    ['UserPromptSubmit', { prompt: 'look around' }],
    ['PostToolUse', { tool_name: 'Read', tool_input: { file_path: '/x/b.ts' } }],
    ['Stop', {}],
    ['SessionEnd', { reason: 'prompt_input_exit' }],
  ],
  busy: [
    ['UserPromptSubmit', { prompt: 'p'.repeat(800) }],
    ['PreToolUse', { tool_name: 'Write', tool_input: { file_path: '/x/c.ts', content: 'c'.repeat(9000) } }],
    ['PostToolUse', { tool_name: 'Write', tool_input: { file_path: '/x/c.ts' } }],
    ['PreToolUse', { tool_name: 'Bash', tool_input: { command: 'npm test' } }],
    ['PostToolUse', { tool_name: 'Bash', tool_input: { command: 'npm test' } }],
  ],
};
const KEYS = Object.keys(SESSIONS);

/** What a task's status and event log say, without times and ids. */
function outcome(name: string) {
  const t = getTask(store, name)!;
  // What hooks record; an edit recorded straight in also starts a radar rescan, which logs its own events.
  const events = listEvents(store, { task: name })
    .filter((e) => e.kind === 'hook.received' || e.kind === 'status.changed')
    .map((e) => ({ kind: e.kind, data: e.data }));
  return {
    status: t.status,
    source: t.statusSource,
    detail: t.statusDetail,
    session: t.agentSessionId,
    transcript: t.transcriptPath,
    events,
  };
}

const spoolLines = () =>
  existsSync(spoolPath(commonDir))
    ? readFileSync(spoolPath(commonDir), 'utf8').split('\n').filter(Boolean)
    : [];
const spoolFiles = () => readdirSync(path.join(commonDir, 'braid')).filter((f) => f.startsWith('hook-spool'));
const hookErrors = () => {
  const file = path.join(commonDir, 'braid', 'hook-errors.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

beforeEach(async () => {
  repo = await tempRepo();
  commonDir = (await findRepo(repo.dir)).commonDir;
  store = openStore(commonDir);
});
afterEach(async () => {
  store.close();
  // A detached radar rescan started by an edit hook may still be writing under .git/braid.
  await repo.cleanupEventually();
});

describe('the hook spool', () => {
  // About a hundred real processes (worktrees, hooks, ls): a loaded machine needs more than a minute.
  it('spools 20 hooks while another process locks the store; braid ls applies them as if they went straight in', async () => {
    const direct: Record<string, string> = {};
    const spooled: Record<string, string> = {};
    for (const key of KEYS) direct[key] = await addTask(`d-${key}`);
    for (const key of KEYS) spooled[key] = await addTask(`s-${key}`);
    const straight = await runSessions('d-', direct);
    expect(straight.flat().every((c) => c === 0)).toBe(true);
    expect(spoolFiles()).toEqual([]);

    const locker = await lockStore(storePath(commonDir));
    let codes: Array<number | null>[];
    let lines: string[];
    try {
      codes = await runSessions('s-', spooled);
      lines = spoolLines();
    } finally {
      await locker.release();
    }
    expect(codes.flat()).toEqual(Array(20).fill(0));
    // Every line whole (no two hooks' writes interleaved), and nothing reached the store yet.
    expect(lines.map((l) => JSON.parse(l).event).sort()).toEqual(
      Object.values(SESSIONS)
        .flat()
        .map(([e]) => e)
        .sort(),
    );
    for (const key of KEYS) expect(getTask(store, `s-${key}`)!.status).toBe('starting');

    const ls = await cliJson<{ tasks: Array<{ name: string; status: string; statusDetail: string | null }> }>(
      repo.dir,
      ['ls'],
    );
    const status = Object.fromEntries(ls.tasks.map((t) => [t.name, [t.status, t.statusDetail]]));
    expect(status['s-done']).toEqual(['idle', null]);
    expect(status['s-asking']).toEqual(['waiting', 'Claude needs your permission to use Bash']);
    expect(status['s-ended']).toEqual(['exited', 'prompt_input_exit']);
    expect(status['s-busy']).toEqual(['working', null]);
    for (const key of KEYS) expect(outcome(`s-${key}`)).toEqual(outcome(`d-${key}`));
    expect(spoolFiles()).toEqual([]);

    // A crash between applying and deleting leaves the lines behind: read again, applied once.
    writeFileSync(spoolPath(commonDir), `${lines.join('\n')}\n`);
    await cliJson(repo.dir, ['ls']);
    for (const key of KEYS) expect(outcome(`s-${key}`)).toEqual(outcome(`d-${key}`));
    expect(spoolFiles()).toEqual([]);
    expect(hookErrors()).toBe('');
  }, 180_000);

  it('the next hook that gets the store applies the spool before its own event', async () => {
    const wt = await addTask('t1');
    const locker = await lockStore(storePath(commonDir));
    try {
      expect((await fire(wt, 't1', 's', ['UserPromptSubmit', { prompt: 'go' }])).code).toBe(0);
    } finally {
      await locker.release();
    }
    expect(spoolLines()).toHaveLength(1);
    expect((await fire(wt, 't1', 's', ['Stop', {}])).code).toBe(0);
    const hooks = listEvents(store, { task: 't1' }).filter((e) => e.kind === 'hook.received');
    expect(hooks.map((e) => e.data.event)).toEqual(['UserPromptSubmit', 'Stop']);
    expect(getTask(store, 't1')!.status).toBe('idle');
    expect(spoolFiles()).toEqual([]);
  });

  it("the supervisor's reconcile pass applies the spool", async () => {
    const wt = await addTask('t1');
    const locker = await lockStore(storePath(commonDir));
    try {
      expect((await fire(wt, 't1', 's', ['UserPromptSubmit', { prompt: 'go' }])).code).toBe(0);
    } finally {
      await locker.release();
    }
    expect(getTask(store, 't1')!.status).toBe('starting');
    const project = await openProject(repo.dir, {});
    try {
      await new Reconciler(project, new EventLog(path.join(repo.parent, 'events.jsonl'))).pass();
    } finally {
      project.close();
    }
    expect(getTask(store, 't1')!.status).toBe('working');
    expect(spoolFiles()).toEqual([]);
  });

  it('exits 0 on a broken store, logs it, and keeps the event for when the store is back', async () => {
    const wt = await addTask('t1');
    store.close();
    const file = storePath(commonDir);
    writeFileSync(file, 'this is not a database, just bytes '.repeat(200));
    for (const suffix of ['-wal', '-shm']) writeFileSync(file + suffix, '');
    const res = await fire(wt, 't1', 's', ['UserPromptSubmit', { prompt: 'go' }]);
    expect(res.code).toBe(0);
    expect(hookErrors()).toMatch(/UserPromptSubmit: store unusable, event spooled/);
    expect(spoolLines()).toHaveLength(1);

    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    store = openStore(commonDir);
    insertTask(store, {
      ...{ name: 't1', branch: 'braid/t1', worktree: wt, base: 'main', agent: 'claude' },
      baseCommit: await repo.git('rev-parse', 'HEAD'),
      status: 'starting',
    });
    expect(drainHookSpool(store, commonDir)).toEqual({ applied: 1, skipped: 0 });
    expect(getTask(store, 't1')!.status).toBe('working');
    expect(spoolFiles()).toEqual([]);
  });
});
