import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/core/config.js';
import { isBraidError } from '../src/core/errors.js';
import { run } from '../src/exec/run.js';
import { claudeSettings, hookCommand } from '../src/run/agents/claude-settings.js';
import { checkInstalled, getAgent } from '../src/run/agents/registry.js';
import type { LaunchContext } from '../src/run/agents/types.js';

const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-agents-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ctx = (prompt: string, extra: Partial<LaunchContext> = {}): LaunchContext => ({
  prompt,
  worktree: dir,
  settingsPath: '/state/braid/agents/t1/claude-settings.json',
  ...extra,
});
const config = (raw: unknown = {}) => parseConfig(raw, 'braid.yaml');
const NASTY = `it's "quoted" $(touch pwned) \`id\` ; rm -rf / && echo $HOME $&`;

/** What a process really received as argv (printed as JSON by node). */
async function receivedArgv(argv: string[]): Promise<string[]> {
  const res = await run(argv[0], argv.slice(1), { cwd: dir });
  return JSON.parse(res.stdout) as string[];
}

describe('agent adapters', () => {
  it('builds claude argv for interactive, headless and resume', () => {
    const claude = getAgent('claude', config());
    expect(claude.statusMode).toBe('hooks');
    expect(claude.interactive(ctx('fix the bug'))).toEqual([
      'claude',
      '--settings',
      '/state/braid/agents/t1/claude-settings.json',
      'fix the bug',
    ]);
    expect(claude.headless(ctx('fix it', { maxBudgetUsd: 2.5 }))).toEqual([
      'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--settings',
      '/state/braid/agents/t1/claude-settings.json',
      '--max-budget-usd',
      '2.5',
      'fix it',
    ]);
    expect(claude.resume?.(ctx(''), 'abc-123')).toEqual([
      'claude',
      '--settings',
      '/state/braid/agents/t1/claude-settings.json',
      '--resume',
      'abc-123',
    ]);
    // A prompt that looks like an option is still the prompt.
    expect(claude.interactive(ctx('--help me')).slice(-2)).toEqual(['--', '--help me']);
  });

  it('builds codex, aider and shell argv', () => {
    // Not a linked worktree here, so no git folders to add; headless runs get a sandbox that can write.
    expect(getAgent('codex', config()).headless(ctx('go'))).toEqual([
      'codex',
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      'go',
    ]);
    expect(getAgent('aider', config()).headless(ctx('-x go'))).toContain('--message=-x go');
    expect(getAgent('shell', config()).headless(ctx('make test'))).toEqual(['sh', '-c', 'make test']);
  });

  it("takes Codex's sandbox keys under agents.codex only", () => {
    expect(config({ agents: { codex: { headless_sandbox_mode: 'read-only' } } }).agents.codex).toEqual({
      headless_sandbox_mode: 'read-only',
    });
    const err = (() => {
      try {
        return config({ agents: { claude: { sandbox_mode: 'workspace-write' } } });
      } catch (e) {
        return e;
      }
    })();
    expect(isBraidError(err, 'E_CONFIG')).toBe(true);
    expect(String((err as Error).message)).toContain('agents.codex only');
  });

  it('passes a custom agent prompt as one argument, whatever it holds', async () => {
    const agent = getAgent(
      'echoer',
      config({
        agents: {
          echoer: {
            command: [
              process.execPath,
              '-e',
              'console.log(JSON.stringify(process.argv.slice(1)))',
              '{prompt}',
              'in={worktree}',
            ],
          },
        },
      }),
    );
    const argv = agent.interactive(ctx(NASTY));
    expect(await receivedArgv(argv)).toEqual([NASTY, `in=${dir}`]);
    expect(agent.headless(ctx(NASTY))).toEqual(argv);
  });

  it('refuses {prompt} spliced into a shell script', () => {
    const err = (() => {
      try {
        return getAgent('bad', config({ agents: { bad: { command: ['sh', '-c', 'agent {prompt}'] } } }));
      } catch (e) {
        return e;
      }
    })();
    expect(isBraidError(err, 'E_CONFIG')).toBe(true);
    // As its own argument to sh -c '...' "$1" it is fine.
    const ok = getAgent(
      'good',
      config({ agents: { good: { command: ['sh', '-c', 'echo "$1"', 'sh', '{prompt}'] } } }),
    );
    expect(ok.interactive(ctx(NASTY))[4]).toBe(NASTY);
  });

  it('lets braid.yaml override a built-in and rejects unknown names', () => {
    const c = getAgent(
      'claude',
      config({ agents: { claude: { command: ['my-claude', '{prompt}'], status: 'hooks' } } }),
    );
    expect(c.interactive(ctx('hi'))).toEqual(['my-claude', 'hi']);
    expect(getAgent('aider', config({ agents: { aider: { status: 'process' } } })).statusMode).toBe(
      'process',
    );
    let err: unknown;
    try {
      getAgent('nope', config());
    } catch (e) {
      err = e;
    }
    expect(isBraidError(err, 'E_CONFIG')).toBe(true);
  });

  it('reports a missing binary as E_AGENT_MISSING with the install hint', async () => {
    const claude = getAgent('claude', config());
    const err = await checkInstalled(claude, { PATH: dir }).catch((e) => e);
    expect(isBraidError(err, 'E_AGENT_MISSING')).toBe(true);
    expect(err.hint).toContain('npm install -g @anthropic-ai/claude-code');
    // Put an executable named claude on PATH: now it is found.
    const bin = path.join(dir, 'claude');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    await expect(checkInstalled(claude, { PATH: `/nonexistent:${dir}` })).resolves.toBeUndefined();
  });
});

describe('claude hook settings', () => {
  it('quotes absolute paths so the hook command runs as written', async () => {
    const weird = path.join(dir, "it's a dir");
    const cmd = hookCommand([process.execPath, path.join(weird, 'main.js')], 'Stop');
    // Run the shell string the way Claude Code does, with a stand-in main.js printing its argv.
    mkdirSync(weird, { recursive: true });
    writeFileSync(path.join(weird, 'main.js'), 'console.log(JSON.stringify(process.argv.slice(2)))');
    const res = await run('sh', ['-c', cmd], { cwd: dir });
    expect(JSON.parse(res.stdout)).toEqual(['hook', 'Stop']);
  });

  it('registers every hook braid listens to and refuses relative commands', () => {
    const s = claudeSettings('t1', ['/usr/bin/node', '/opt/braid/main.js']) as {
      hooks: Record<string, Array<{ hooks: Array<{ type: string; command: string }> }>>;
      env: Record<string, string>;
    };
    expect(Object.keys(s.hooks).sort()).toEqual(
      [
        'Notification',
        'PermissionRequest',
        'PostToolUse',
        'PostToolUseFailure',
        'PreToolUse',
        'SessionEnd',
        'SessionStart',
        'Stop',
        'StopFailure',
        'UserPromptSubmit',
      ].sort(),
    );
    expect(s.hooks.Stop[0].hooks[0].type).toBe('command');
    expect(s.env.BRAID_TASK).toBe('t1');
    expect(() => claudeSettings('t1', ['node', 'main.js'])).toThrow(/absolute/);
  });
});
