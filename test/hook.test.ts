import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiveHook } from '../src/agents/hook-receiver.js';
import { findRepo } from '../src/git/repo.js';
import { openStore, type Store } from '../src/store/db.js';
import { appendEvent, getTask, listEvents } from '../src/store/tasks.js';
import { runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { addWorktreeTask } from './helpers/tasks.js';

let repo: TempRepo;
let commonDir: string;
let store: Store;

const addTask = (name: string) => addWorktreeTask(repo, store, name);

/** Fires `braid hook <event>` as a real process, the way Claude Code does. */
function fire(cwd: string, event: string, payload: Record<string, unknown>, task: string | null) {
  const body = {
    session_id: 'sess-1',
    transcript_path: '/t/sess-1.jsonl',
    cwd,
    hook_event_name: event,
    ...payload,
  };
  return runCli(cwd, ['hook', event], { env: { BRAID_TASK: task ?? '' }, input: JSON.stringify(body) });
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
afterEach(() => {
  store.close();
  repo.cleanup();
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
      const t = getTask(store.db, 't1')!;
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
    const task = getTask(store.db, 't1')!;
    expect(task.statusSource).toBe('hook');
    expect(task.agentSessionId).toBe('sess-1');
    expect(task.transcriptPath).toBe('/t/sess-1.jsonl');
    const hooks = listEvents(store.db, { task: 't1' }).filter((e) => e.kind === 'hook');
    expect(hooks.map((e) => e.data.event)).toEqual(steps.map(([e]) => e));
    expect(hooks[2].data.file).toBe(`${wt}/a.ts`);
    expect(hookErrors()).toBe('');
  });

  it('loses no event when 40 hooks from 4 tasks fire at once', async () => {
    const names = ['a1', 'a2', 'a3', 'a4'];
    // One after another: git itself races on concurrent `worktree add` (braid serialises its own).
    const worktrees: string[] = [];
    for (const n of names) worktrees.push(await addTask(n));
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
      const events = listEvents(store.db, { task: name }).filter((e) => e.kind === 'hook');
      expect(events).toHaveLength(10);
      expect(getTask(store.db, name)!.status).toBe('working');
    }
    expect(hookErrors()).toBe('');
  });

  it('finds the task from the payload cwd when BRAID_TASK is absent', async () => {
    await addTask('t1');
    const wt2 = await addTask('t2');
    mkdirSync(path.join(wt2, 'src'));
    const res = await fire(path.join(wt2, 'src'), 'UserPromptSubmit', { prompt: 'x' }, null);
    expect(res.code).toBe(0);
    expect(getTask(store.db, 't2')!.status).toBe('working');
    expect(getTask(store.db, 't1')!.status).toBe('starting');
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
    appendEvent(store.db, null, 'main.moved', { branch: 'main', from: 'a', to: 'bbbbbbbbbbbb', task: 't2' });
    appendEvent(store.db, null, 'main.moved', { branch: 'main', from: 'b', to: 'cccccccccccc', task: 't1' });
    const context = (res: { stdout: string }) =>
      res.stdout ? (JSON.parse(res.stdout).hookSpecificOutput?.additionalContext ?? '') : '';

    const first = context(await fire(wt, 'PreToolUse', { tool_name: 'Read', tool_input: {} }, 't1'));
    expect(first).toContain('main moved while you work: task t2 (bbbbbbbbbb) landed');
    expect(first).not.toContain('task t1');
    const again = context(await fire(wt, 'PreToolUse', { tool_name: 'Read', tool_input: {} }, 't1'));
    expect(again).not.toContain('main moved');
  });
});
