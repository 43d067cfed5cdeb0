import { describe, expect, it } from 'vitest';
import { bashRulesFor, claudePolicy, GIT_RULES } from '../../src/core/permissions.js';
import { denialsOf, describeDenials, refusalDetail } from '../../src/core/refusals.js';

const base = { sandboxed: false, asRoot: false, settings: {}, setup: [] as string[] };

describe('claudePolicy', () => {
  it('headless: acceptEdits, git to commit, and the gate and setup commands', () => {
    const p = claudePolicy({ ...base, headless: true, gate: 'npm test && npm run lint', setup: ['npm ci'] });
    expect(p.mode).toBe('acceptEdits');
    expect(p.origin).toBe('headless default');
    expect(p.allowedTools).toEqual([
      ...GIT_RULES,
      'Bash(npm test:*)',
      'Bash(npm run lint:*)',
      'Bash(npm ci:*)',
    ]);
    expect(p.env).toEqual({});
  });

  it("interactive: the user's own settings unless braid.yaml names a mode or rules", () => {
    expect(claudePolicy({ ...base, headless: false })).toMatchObject({ mode: null, allowedTools: [] });
    const set = claudePolicy({
      ...base,
      headless: false,
      settings: { permission_mode: 'acceptEdits', allowed_tools: ['Bash(make:*)'] },
    });
    expect(set).toMatchObject({ mode: 'acceptEdits', allowedTools: ['Bash(make:*)'], origin: 'braid.yaml' });
  });

  it('sandboxed headless: bypassPermissions, with IS_SANDBOX=1 only as root', () => {
    const user = claudePolicy({ ...base, headless: true, sandboxed: true });
    expect(user).toMatchObject({
      mode: 'bypassPermissions',
      allowedTools: [],
      env: {},
      origin: 'sandbox default',
    });
    expect(claudePolicy({ ...base, headless: true, sandboxed: true, asRoot: true }).env).toEqual({
      IS_SANDBOX: '1',
    });
  });

  it('an explicit mode wins over the defaults; braid.yaml rules add to braid own', () => {
    const p = claudePolicy({
      ...base,
      headless: true,
      settings: { permission_mode: 'plan', allowed_tools: ['Read'] },
    });
    expect(p.mode).toBe('plan');
    expect(p.allowedTools).toEqual([...GIT_RULES, 'Read']);
  });

  it('makes rules only of plain commands: pipes, redirections and substitutions are left to ask', () => {
    expect(bashRulesFor('npx jest --ci; npm run build || true')).toEqual([
      'Bash(npx jest --ci:*)',
      'Bash(npm run build:*)',
      'Bash(true:*)',
    ]);
    expect(bashRulesFor('cat x | grep y')).toEqual([]);
    expect(bashRulesFor('echo $(id) > f')).toEqual([]);
  });
});

describe('refusals', () => {
  it('reads permission_denials of a stream-json result and says them in words', () => {
    const denials = denialsOf({
      permission_denials: [
        { tool_name: 'Write', tool_use_id: 't1', tool_input: { file_path: '/w/a.txt', content: 'x' } },
        { tool_name: 'Bash', tool_use_id: 't2', tool_input: { command: 'git push' } },
        { tool_name: 'WebFetch', tool_input: { url: 'https://example.com' } },
        { tool_name: 'Task', tool_input: {} },
        'garbage',
      ],
    });
    expect(denials).toEqual([
      { tool: 'Write', target: '/w/a.txt' },
      { tool: 'Bash', target: 'git push' },
      { tool: 'WebFetch', target: 'https://example.com' },
      { tool: 'Task', target: null },
    ]);
    expect(describeDenials(denials)).toBe(
      'Write (/w/a.txt), Bash (git push), WebFetch (https://example.com), and 1 more',
    );
    expect(refusalDetail(denials.slice(0, 1), true)).toMatch(
      /^the agent was refused 1 tool use: Write \(\/w\/a\.txt\); it changed nothing; allow/,
    );
    expect(refusalDetail(denials, false)).not.toContain('changed nothing');
  });
});
