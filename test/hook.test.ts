import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRepo } from '../src/git/repo.js';
import { receiveHook } from '../src/run/agents/hook-receiver.js';
import { openStore, type Store, storePath } from '../src/store/db.js';
import { appendEvent, listEvents } from '../src/store/events.js';
import { addNote, listNotes } from '../src/store/notes.js';
import { getTask } from '../src/store/tasks.js';
import { CLI, runCli } from './helpers/cli.js';
import { processState } from './helpers/process.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';
import { lockStore } from './helpers/store-locker.js';
import { addWorktreeTask } from './helpers/tasks.js';
import { until } from './helpers/wait.js';

let repo: TempRepo;
let commonDir: string;
let store: Store;

const addTask = (name: string) => addWorktreeTask(repo, store, name);

/** Fires `braid hook <event>` as a real process, the way Claude Code does. */
function fire(
  cwd: string,
  event: string,
  payload: Record<string, unknown>,
  task: string | null,
  env: NodeJS.ProcessEnv = {},
) {
  return runCli(cwd, ['hook', event], {
    env: { BRAID_TASK: task ?? '', ...env },
    input: hookBody(cwd, event, payload),
  });
}

function hookBody(cwd: string, event: string, payload: Record<string, unknown>): string {
  const body = { session_id: 'sess-1', transcript_path: '/t/sess-1.jsonl', cwd, hook_event_name: event };
  return JSON.stringify({ ...body, ...payload });
}

/** The same, as a child the test can stop and continue (BRAID_PAUSE_AT). */
function spawnHook(
  cwd: string,
  event: string,
  payload: Record<string, unknown>,
  task: string,
  env: NodeJS.ProcessEnv,
) {
  const child = spawn(process.execPath, [CLI, 'hook', event], {
    cwd,
    env: { ...process.env, ...GIT_TEST_ENV, BRAID_NO_SUPERVISOR: '1', BRAID_TASK: task, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout })),
  );
  child.stdin.end(hookBody(cwd, event, payload));
  return { pid: child.pid as number, done };
}

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

describe('braid hook', () => {
  it('moves a session working -> waiting -> idle -> exited and records the session', async () => {
    const wt = await addTask('t1');
    const seen: Array<[string, string | null]> = [];
    const steps: Array<[string, Record<string, unknown>]> = [
      ['SessionStart', { source: 'startup' }],
      ['UserPromptSubmit', { prompt: 'fix it' }],
      ['PreToolUse', { tool_name: 'Edit', tool_input: { file_path: `${wt}/a.ts` } }],
      [
        'Notification',
        { notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' },
      ],
      ['PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' } }],
      ['Stop', { stop_hook_active: false }],
      ['SessionEnd', { reason: 'prompt_input_exit' }],
    ];
    for (const [event, payload] of steps) {
      const res = await fire(wt, event, payload, 't1');
      expect(res.code).toBe(0);
      expect(res.stdout).toBe('');
      const t = getTask(store, 't1')!;
      seen.push([t.status, t.statusDetail]);
    }
    expect(seen).toEqual([
      ['starting', null],
      ['working', null],
      ['working', null],
      ['waiting', 'Claude needs your permission to use Bash'],
      ['working', null],
      ['idle', null],
      ['exited', 'prompt_input_exit'],
    ]);
    const task = getTask(store, 't1')!;
    expect(task.statusSource).toBe('hook');
    expect(task.agentSessionId).toBe('sess-1');
    expect(task.transcriptPath).toBe('/t/sess-1.jsonl');
    const hooks = listEvents(store, { task: 't1' }).filter((e) => e.kind === 'hook.received');
    expect(hooks.map((e) => e.data.event)).toEqual(steps.map(([e]) => e));
    expect(hooks[2].data.file).toBe(`${wt}/a.ts`);
    expect(hookErrors()).toBe('');
  });

  // Some fifty real processes at once: a loaded machine needs more than a minute.
  it('loses no event when 40 hooks from 4 tasks fire at once', async () => {
    const names = ['a1', 'a2', 'a3', 'a4'];
    // One after another: git itself races on concurrent `worktree add` (braid serialises its own).
    const worktrees: string[] = [];
    for (const n of names) worktrees.push(await addTask(n));
    // A note waiting for every task: its responder reads and writes the store on each hook too.
    addNote(store, 'rebase on main before you finish');
    const runs = [];
    for (let i = 0; i < 10; i++) {
      for (const [k, name] of names.entries()) {
        runs.push(fire(worktrees[k], 'PostToolUse', { tool_name: 'Edit', tool_use_id: `u${i}` }, name));
      }
    }
    const results = await Promise.all(runs);
    expect(results.map((r) => r.code)).toEqual(results.map(() => 0));
    // A hook that waited too long for the store spooled its event; braid ls applies the spool.
    expect((await runCli(repo.dir, ['ls', '--json'])).code).toBe(0);
    for (const name of names) {
      const events = listEvents(store, { task: name }).filter((e) => e.kind === 'hook.received');
      expect(events).toHaveLength(10);
      expect(getTask(store, name)!.status).toBe('working');
    }
    // Each task is told the note once: by one of its hooks, else (all spooled) by its next one.
    const later = [];
    for (const [k, name] of names.entries())
      later.push(await fire(worktrees[k], 'PreToolUse', { tool_name: 'Read', tool_input: {} }, name));
    const told = [...results, ...later].filter((r) => r.stdout.includes('rebase on main before you finish'));
    expect(told).toHaveLength(names.length);
    const [note] = listNotes(store);
    expect(note.deliveredTo.map((d) => `${d.task}:${d.via}`).sort()).toEqual(
      names.map((n) => `${n}:context`),
    );
    expect(hookErrors()).toBe('');
  }, 180_000);

  it('needs no store after the event went in: a note still reaches the agent when the store is taken then', async () => {
    const wt = await addTask('t1');
    addNote(store, 'the API moved to v2');
    // The hook stops itself once its store work is done; another process then takes the store.
    const hook = spawnHook(wt, 'PreToolUse', { tool_name: 'Read', tool_input: {} }, 't1', {
      BRAID_PAUSE_AT: 'hook:recorded',
    });
    await until('the hook to stop after recording', () => processState(hook.pid) === 'T', 30_000);
    const locker = await lockStore(storePath(commonDir));
    let result: { code: number | null; stdout: string };
    try {
      process.kill(hook.pid, 'SIGCONT');
      result = await hook.done;
    } finally {
      await locker.release();
    }
    expect(result.code).toBe(0);
    expect(hookErrors()).toBe('');
    // Said on this hook, or (had it been kept back) on the next one.
    const next = await fire(wt, 'PostToolUse', { tool_name: 'Read', tool_input: {} }, 't1');
    expect(result.stdout + next.stdout).toContain('the API moved to v2');
    expect(listNotes(store)[0].deliveredTo.map((d) => d.task)).toEqual(['t1']);
  });

  it('keeps the event when git fails or hangs for the hook: BRAID_REPO names the repository', async () => {
    const wt = await addTask('t1');
    const bin = path.join(repo.parent, 'bad-git');
    mkdirSync(bin);
    const fake = (name: string, body: string) => {
      writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    };
    fake('git', 'echo "fatal: broken for this test" >&2; exit 128');
    const env = { PATH: `${bin}:${process.env.PATH}`, BRAID_REPO: repo.dir };
    const failed = await fire(wt, 'UserPromptSubmit', { prompt: 'one' }, 't1', env);
    expect(failed.code).toBe(0);
    // A git that never answers: the hook gives up on it and still keeps the event.
    fake('git', 'exec sleep 600');
    const hung = await fire(wt, 'PostToolUse', { tool_name: 'Read', tool_input: {} }, 't1', env);
    expect(hung.code).toBe(0);
    expect((await runCli(repo.dir, ['ls', '--json'])).code).toBe(0);
    const hooks = listEvents(store, { task: 't1' }).filter((e) => e.kind === 'hook.received');
    expect(hooks.map((e) => e.data.event)).toEqual(['UserPromptSubmit', 'PostToolUse']);
    expect(getTask(store, 't1')!.status).toBe('working');
  });

  it('finds the task from the payload cwd when BRAID_TASK is absent', async () => {
    await addTask('t1');
    const wt2 = await addTask('t2');
    mkdirSync(path.join(wt2, 'src'));
    const res = await fire(path.join(wt2, 'src'), 'UserPromptSubmit', { prompt: 'x' }, null);
    expect(res.code).toBe(0);
    expect(getTask(store, 't2')!.status).toBe('working');
    expect(getTask(store, 't1')!.status).toBe('starting');
  });

  it('exits 0 and logs when the task is unknown', async () => {
    const res = await fire(repo.dir, 'Stop', {}, 'ghost');
    expect(res.code).toBe(0);
    expect(hookErrors()).toMatch(/no task for BRAID_TASK=ghost/);
  });

  it('prints responder words as additionalContext on events that accept it', async () => {
    const wt = await addTask('t1');
    const responders = [
      (task: { name: string }, event: string) => `radar: ${task.name} saw ${event}`,
      () => null,
      () => {
        throw new Error('a broken responder is skipped');
      },
    ];
    const input = (event: string) => ({
      event,
      stdin: JSON.stringify({ session_id: 's', cwd: wt, hook_event_name: event }),
      env: { BRAID_TASK: 't1' },
      cwd: wt,
    });
    const post = await receiveHook(input('PostToolUse'), responders);
    expect(JSON.parse(post.output!)).toEqual({
      hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: 'radar: t1 saw PostToolUse' },
    });
    // Notification output is not shown to the model: no output at all.
    expect((await receiveHook(input('Notification'), responders)).output).toBeNull();
    expect(hookErrors()).toMatch(/responder failed/);
  });

  it('tells a live session once that main moved under it, not about its own landing', async () => {
    const wt = await addTask('t1');
    await addTask('t2');
    appendEvent(store, null, 'main.moved', { branch: 'main', from: 'a', to: 'bbbbbbbbbbbb', task: 't2' });
    appendEvent(store, null, 'main.moved', { branch: 'main', from: 'b', to: 'cccccccccccc', task: 't1' });
    const context = (res: { stdout: string }) =>
      res.stdout ? (JSON.parse(res.stdout).hookSpecificOutput?.additionalContext ?? '') : '';

    const first = context(await fire(wt, 'PreToolUse', { tool_name: 'Read', tool_input: {} }, 't1'));
    expect(first).toContain('main moved while you work: task t2 (bbbbbbbbbb) landed');
    expect(first).not.toContain('task t1');
    const again = context(await fire(wt, 'PreToolUse', { tool_name: 'Read', tool_input: {} }, 't1'));
    expect(again).not.toContain('main moved');
  });
});
