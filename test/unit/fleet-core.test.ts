import { describe, expect, it } from 'vitest';
import { raisedTaskUsd } from '../../src/core/budget.js';
import { loginFileFor, loginLines, unitName, unitText } from '../../src/core/login-service.js';
import { type EndedSession, lostWithHost, REVIVE_PROMPT, reviveFollowUp } from '../../src/core/revive.js';

const ended = (over: Partial<EndedSession> = {}): EndedSession => ({
  status: 'failed',
  statusSource: 'process',
  exitCode: null,
  stopRequested: false,
  recordedExitCode: undefined,
  ...over,
});

describe('sessions lost with their host', () => {
  it('counts a death with no exit record, or a hangup, as lost', () => {
    expect(lostWithHost(ended())).toBe(true);
    expect(lostWithHost(ended({ exitCode: 129, recordedExitCode: 129 }))).toBe(true);
  });

  it('leaves ended, stopped and still-live sessions alone', () => {
    expect(lostWithHost(ended({ stopRequested: true }))).toBe(false);
    expect(lostWithHost(ended({ exitCode: 1, recordedExitCode: 1 }))).toBe(false);
    expect(lostWithHost(ended({ recordedExitCode: null }))).toBe(false);
    expect(lostWithHost(ended({ status: 'exited', exitCode: 0 }))).toBe(false);
    expect(lostWithHost(ended({ statusSource: 'hook' }))).toBe(false);
    expect(lostWithHost(ended({ status: 'working' }))).toBe(false);
  });

  it('tells a session brought back mid-turn, and every headless one, to go on', () => {
    expect(reviveFollowUp('tmux', 'working')).toBe(REVIVE_PROMPT);
    expect(reviveFollowUp('tmux', 'idle')).toBeUndefined();
    expect(reviveFollowUp('headless', null)).toBe(REVIVE_PROMPT);
  });
});

describe('the login service', () => {
  const spec = {
    root: '/home/u/my repo',
    repoName: 'my repo',
    braid: ['/usr/bin/node', '/opt/braid/dist/cli/main.js'],
    env: { PATH: '/usr/bin:/bin', BRAID_TMUX_SOCKET: '50%"x' },
  };

  it('names one unit per repository', () => {
    expect(unitName('my repo', 'abcdef0123456789')).toBe('braid-up-my-repo-abcdef01.service');
  });

  it('writes a oneshot unit that leaves the sessions running when stopped', () => {
    const text = unitText(spec);
    expect(text).toContain('Type=oneshot');
    expect(text).toContain('KillMode=process');
    expect(text).toContain('WorkingDirectory="/home/u/my repo"');
    expect(text).toContain('Environment="BRAID_TMUX_SOCKET=50%%\\"x"');
    expect(text).toContain('ExecStart="/usr/bin/node" "/opt/braid/dist/cli/main.js" "up"');
    expect(text).toContain('WantedBy=default.target');
  });

  it('prints shell lines for the login file of the user shell', () => {
    expect(loginFileFor('/usr/bin/zsh')).toBe('.zprofile');
    expect(loginFileFor('/bin/bash')).toBe('.profile');
    expect(loginFileFor(undefined)).toBe('.profile');
    expect(loginLines(spec)[1]).toBe(
      "(cd '/home/u/my repo' && '/usr/bin/node' '/opt/braid/dist/cli/main.js' 'up' >/dev/null 2>&1 &)",
    );
  });
});

describe('a plan run again with a higher budget', () => {
  it('resumes a paused task only when the plan gives it more than it was stopped under', () => {
    expect(raisedTaskUsd({ task_usd: 1 }, { task_usd: 5 })).toBe(5);
    expect(raisedTaskUsd({ task_usd: 1 }, { task_usd: 1 })).toBeNull();
    expect(raisedTaskUsd({ task_usd: 5 }, { task_usd: 2 })).toBeNull();
    // Stopped by tokens or the run's budget: a dollar limit given now does not lift those.
    expect(raisedTaskUsd({ task_tokens: 1000 }, { task_usd: 2 })).toBeNull();
    expect(raisedTaskUsd({ task_usd: 1 }, { run_usd: 10 })).toBeNull();
    expect(raisedTaskUsd(undefined, undefined)).toBeNull();
  });
});
