import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { findRepo } from '../src/git/repo.js';
import { claudeAgent } from '../src/run/agents/claude.js';
import { writeClaudeSettings } from '../src/run/agents/claude-settings.js';
import { findExecutable } from '../src/run/agents/registry.js';
import { openStore, type Store } from '../src/store/db.js';
import { listEvents } from '../src/store/events.js';
import { getTask } from '../src/store/tasks.js';
import { CLI, ROOT } from './helpers/cli.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './helpers/repo.js';
import { addWorktreeTask } from './helpers/tasks.js';

const FAKE = path.join(ROOT, 'test/fixtures/fake-claude');
/** What braid passes for a headless task without a sandbox: its default permission policy. */
const permissions = { sandboxed: false, asRoot: process.getuid?.() === 0, settings: {}, setup: [] };
const realClaude = findExecutable('claude');

let repo: TempRepo;
let store: Store;
let commonDir: string;
let bin: string;
let configDir: string;

async function addTask(name: string): Promise<{ worktree: string; settings: string }> {
  const worktree = await addWorktreeTask(repo, store, name);
  const settings = await writeClaudeSettings({
    dir: path.join(commonDir, 'braid', 'agents', name),
    task: name,
    braidCommand: [process.execPath, CLI],
  });
  return { worktree, settings };
}

/** Runs argv as braid would launch it, with `claude` resolving to the fake through PATH. */
function launch(argv: string[], worktree: string, task: string, input?: string) {
  return run(argv[0], argv.slice(1), {
    cwd: worktree,
    env: {
      ...GIT_TEST_ENV,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      CLAUDE_CONFIG_DIR: configDir,
      BRAID_TASK: task,
    },
    input,
    allowFailure: true,
    // A guard against a hang: each hook is a braid process, slow on a loaded machine.
    timeoutMs: 100_000,
  });
}

const hookEvents = (task: string) =>
  listEvents(store, { task })
    .filter((e) => e.kind === 'hook.received')
    .map((e) => e.data.event);

beforeEach(async () => {
  repo = await tempRepo();
  commonDir = (await findRepo(repo.dir)).commonDir;
  store = openStore(commonDir);
  bin = path.join(repo.parent, 'bin');
  configDir = path.join(repo.parent, 'claude-config');
  mkdirSync(bin);
  symlinkSync(FAKE, path.join(bin, 'claude'));
});
afterEach(async () => {
  store.close();
  // A detached radar rescan started by the last edit hook may still be writing under .git/braid.
  await repo.cleanupEventually();
});

describe('fake-claude with braid settings', () => {
  it('runs headless: hooks land on the right task, the edit is committed, the result parses', async () => {
    const { worktree, settings } = await addTask('t1');
    await addTask('t2');
    const prompt = [
      'Add a greeting.',
      '```',
      '@write src/hello.txt hello from t1',
      '@tokens 1000 200 300 4000',
      '@commit add greeting',
      '```',
    ].join('\n');
    const res = await launch(
      claudeAgent.headless({ prompt, worktree, settingsPath: settings, maxBudgetUsd: 5, permissions }),
      worktree,
      't1',
    );
    expect(res.code).toBe(0);

    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'system', subtype: 'hook_started', hook_event: 'SessionStart' });
    expect(lines.find((l) => l.subtype === 'init')).toBeTruthy();
    const result = lines.find((l) => l.type === 'result');
    expect(result).toMatchObject({ type: 'result', subtype: 'success', is_error: false });
    expect(result.usage).toMatchObject({
      input_tokens: 1000,
      output_tokens: 200,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 4000,
    });
    expect(result.total_cost_usd).toBeGreaterThan(0);

    expect(hookEvents('t1')).toEqual([
      'SessionStart',
      'UserPromptSubmit',
      'PreToolUse',
      'PostToolUse',
      'PreToolUse',
      'PostToolUse',
      'Stop',
      'SessionEnd',
    ]);
    expect(hookEvents('t2')).toEqual([]);
    const task = getTask(store, 't1')!;
    expect(task.status).toBe('exited');
    expect(task.agentSessionId).toBe(result.session_id);
    expect(task.transcriptPath).toBe(
      path.join(configDir, 'projects', worktree.replace(/[^a-zA-Z0-9]/g, '-'), `${result.session_id}.jsonl`),
    );
    const transcript = readFileSync(task.transcriptPath!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const usage = transcript.filter((l) => l.type === 'assistant' && l.message.usage.input_tokens === 1000);
    // Streamed twice like Claude Code: same id and requestId, the later line complete.
    expect(usage).toHaveLength(2);
    expect(usage[0].message.id).toBe(usage[1].message.id);
    expect(usage[1].message.usage.output_tokens).toBe(200);

    expect(readFileSync(path.join(worktree, 'src/hello.txt'), 'utf8')).toBe('hello from t1\n');
    expect(await repo.git('log', '-1', '--format=%s', 'braid/t1')).toBe('add greeting');
    expect(await repo.git('show', 'braid/t1:src/hello.txt')).toBe('hello from t1');
  });

  it('runs interactive: asks, waits for the answer, and ends on /exit', async () => {
    const { worktree, settings } = await addTask('t1');
    const argv = claudeAgent.interactive({
      prompt: '@ask May I edit a.txt? ;; @write a.txt yes',
      worktree,
      settingsPath: settings,
    });
    const res = await launch(argv, worktree, 't1', 'sure\n@append a.txt again\n/exit\n');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('? May I edit a.txt?');
    expect(hookEvents('t1')).toEqual([
      'SessionStart',
      'UserPromptSubmit',
      'PreToolUse',
      'PermissionRequest',
      'Notification',
      'PostToolUse',
      'PreToolUse',
      'PostToolUse',
      'Stop',
      'UserPromptSubmit',
      'PreToolUse',
      'PostToolUse',
      'Stop',
      'SessionEnd',
    ]);
    const statuses = listEvents(store, { task: 't1' })
      .filter((e) => e.kind === 'status.changed')
      .map((e) => [e.data.to, e.data.detail]);
    expect(statuses).toContainEqual(['waiting', 'permission to use AskUserQuestion']);
    expect(statuses).toContainEqual(['waiting', 'May I edit a.txt?']);
    expect(statuses.at(-1)).toEqual(['exited', 'prompt_input_exit']);
    expect(readFileSync(path.join(worktree, 'a.txt'), 'utf8')).toBe('yes\nagain\n');
    // The status file is gone after exit, as with Claude Code.
    expect(readdirSync(path.join(configDir, 'sessions'))).toEqual([]);
  });

  it("merges the user's own hooks: their context reaches the transcript, exit 2 blocks the tool", async () => {
    const { worktree, settings } = await addTask('t1');
    mkdirSync(configDir, { recursive: true });
    const context = JSON.stringify({
      hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: 'mind the radar' },
    });
    const userHooks = {
      hooks: {
        PreToolUse: [
          { matcher: 'Write', hooks: [{ type: 'command', command: `echo '${context}'` }] },
          { matcher: 'Bash', hooks: [{ type: 'command', command: 'echo no shell today >&2; exit 2' }] },
        ],
      },
    };
    writeFileSync(path.join(configDir, 'settings.json'), JSON.stringify(userHooks));
    const prompt = '@write a.txt one ;; @run touch b.txt';
    const res = await launch(
      claudeAgent.headless({ prompt, worktree, settingsPath: settings, permissions }),
      worktree,
      't1',
    );
    expect(res.code).toBe(0);
    const task = getTask(store, 't1')!;
    const transcript = readFileSync(task.transcriptPath!, 'utf8');
    expect(transcript).toContain('mind the radar');
    expect(transcript).toContain('blocked by hook: no shell today');
    expect(readdirSync(worktree)).toContain('a.txt');
    expect(readdirSync(worktree)).not.toContain('b.txt');
    // braid's hooks ran beside the user's: the blocked Bash call has no PostToolUse.
    expect(hookEvents('t1').filter((e) => e === 'PreToolUse')).toHaveLength(2);
    expect(hookEvents('t1').filter((e) => e === 'PostToolUse')).toHaveLength(1);
  });

  it('in print mode, like Claude Code, refuses what the permission policy does not allow and lists it', async () => {
    const { worktree, settings } = await addTask('t1');
    const prompt = '@write a.txt one ;; @run curl -s -o b.txt http://127.0.0.1:9 ;; @commit c';
    const result = async (ctx: Parameters<typeof claudeAgent.headless>[0]) => {
      const res = await launch(claudeAgent.headless(ctx), worktree, 't1');
      expect(res.code).toBe(0);
      return res.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .find((l) => l.type === 'result');
    };
    // No permission mode: every edit and command is refused, the run still "succeeds".
    const bare = await result({ prompt, worktree, settingsPath: settings });
    expect(bare.subtype).toBe('success');
    expect(bare.permission_denials.map((d: { tool_name: string }) => d.tool_name)).toEqual([
      'Write',
      'Bash',
      'Bash',
    ]);
    expect(readdirSync(worktree)).not.toContain('a.txt');
    // braid's headless default: edits and git commit pass, a command it did not allow is refused.
    const policy = await result({ prompt, worktree, settingsPath: settings, permissions });
    expect(policy.permission_denials).toEqual([
      expect.objectContaining({
        tool_name: 'Bash',
        tool_input: { command: 'curl -s -o b.txt http://127.0.0.1:9' },
      }),
    ]);
    expect(readdirSync(worktree)).toContain('a.txt');
    expect(readdirSync(worktree)).not.toContain('b.txt');
    expect(await repo.git('log', '-1', '--format=%s', 'braid/t1')).toBe('c');
  });

  it('fails a turn with an error result and exit 1', async () => {
    const { worktree, settings } = await addTask('t1');
    const res = await launch(
      claudeAgent.headless({ prompt: '@fail out of ideas', worktree, settingsPath: settings }),
      worktree,
      't1',
    );
    expect(res.code).toBe(1);
    const result = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((l) => l.type === 'result');
    expect(result).toMatchObject({ type: 'result', is_error: true, result: 'out of ideas' });
  });
});

describe.skipIf(!realClaude)('real Claude Code with braid settings (offline)', () => {
  it('records SessionStart and SessionEnd for the right task', async () => {
    const { worktree, settings } = await addTask('t1');
    await addTask('t2');
    const home = path.join(repo.parent, 'home');
    mkdirSync(home);
    const res = await run(
      realClaude!,
      ['-p', 'hi', '--output-format', 'stream-json', '--verbose', '--settings', settings],
      {
        cwd: worktree,
        // A clean environment: no login, no API key, so it stops after the hooks.
        env: {
          PATH: process.env.PATH,
          HOME: home,
          CLAUDE_CONFIG_DIR: configDir,
          BRAID_TASK: 't1',
          DISABLE_AUTOUPDATER: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        },
        replaceEnv: true,
        allowFailure: true,
        timeoutMs: 60_000,
      },
    );
    expect(res.stdout).toContain('"type":"result"');
    const events = hookEvents('t1');
    expect(events[0]).toBe('SessionStart');
    // Hooks run concurrently: StopFailure ("Not logged in") may be recorded after SessionEnd.
    expect(events).toContain('SessionEnd');
    expect(getTask(store, 't1')!.status).toBe('exited');
    expect(hookEvents('t2')).toEqual([]);
    expect(getTask(store, 't1')!.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
