import { describe, expect, it } from 'vitest';
import { nextStatus, type StatusSignal, type StatusState } from '../../src/core/status.js';

const hook = (event: Extract<StatusSignal, { kind: 'hook' }>['event'], extra = {}): StatusSignal => ({
  kind: 'hook',
  event,
  ...extra,
});
const died = (exitCode: number | null): StatusSignal => ({ kind: 'process', alive: false, exitCode });
const screen = (changing: boolean, stableForMs = 0): StatusSignal => ({
  kind: 'screen',
  changing,
  stableForMs,
});

/** Feeds signals in order and returns the status after each. */
function walk(start: StatusState, signals: StatusSignal[]): string[] {
  let state = start;
  return signals.map((s) => {
    const change = nextStatus(state, s);
    if (change) state = { status: change.status, source: change.source, detail: change.detail };
    return state.status;
  });
}

describe('status state machine', () => {
  it('follows a Claude Code session through its hooks', () => {
    const seen = walk({ status: 'provisioning', source: 'process' }, [
      { kind: 'process', alive: true, exitCode: null },
      hook('SessionStart', { source: 'startup' }),
      hook('UserPromptSubmit'),
      hook('PreToolUse', { toolName: 'Bash' }),
      hook('Notification', {
        notificationType: 'permission_prompt',
        message: 'Claude needs your permission',
      }),
      hook('PostToolUse'),
      hook('Stop'),
      hook('Notification', { notificationType: 'idle_prompt', message: 'Claude is waiting for your input' }),
      hook('UserPromptSubmit'),
      hook('Stop'),
      hook('SessionEnd', { reason: 'prompt_input_exit' }),
      died(0),
    ]);
    expect(seen).toEqual([
      'starting',
      'starting',
      'working',
      'working',
      'waiting',
      'working',
      'idle',
      'idle',
      'working',
      'idle',
      'exited',
      'exited',
    ]);
  });

  it('carries the question as detail while waiting and clears it after', () => {
    const waiting = nextStatus(
      { status: 'working', source: 'hook' },
      hook('Notification', {
        notificationType: 'permission_prompt',
        message: 'Claude needs your permission to use Bash',
      }),
    );
    expect(waiting).toEqual({
      status: 'waiting',
      source: 'hook',
      detail: 'Claude needs your permission to use Bash',
    });
    expect(nextStatus({ ...waiting!, status: 'waiting' }, hook('PostToolUse'))).toEqual({
      status: 'working',
      source: 'hook',
      detail: null,
    });
  });

  it('a failed tool (PostToolUseFailure) is work too: it ends a wait and revives a conflicted task', () => {
    const working = { status: 'working' as const, source: 'hook' as const, detail: null };
    expect(
      nextStatus({ status: 'waiting', source: 'hook', detail: 'x' }, hook('PostToolUseFailure')),
    ).toEqual(working);
    expect(nextStatus({ status: 'conflict', source: 'process' }, hook('PostToolUseFailure'))).toEqual(
      working,
    );
  });

  it('recognises notifications from versions without notification_type', () => {
    const w = nextStatus(
      { status: 'working', source: 'hook' },
      hook('Notification', { message: 'Claude needs your permission to use Edit' }),
    );
    expect(w?.status).toBe('waiting');
    const i = nextStatus(
      { status: 'working', source: 'hook' },
      hook('Notification', { message: 'Claude is waiting for your input' }),
    );
    expect(i?.status).toBe('idle');
    expect(
      nextStatus(
        { status: 'working', source: 'hook' },
        hook('Notification', { notificationType: 'auth_success' }),
      ),
    ).toBeNull();
  });

  it('reports no change for repeats', () => {
    expect(nextStatus({ status: 'working', source: 'hook', detail: null }, hook('PreToolUse'))).toBeNull();
    expect(
      nextStatus(
        { status: 'idle', source: 'hook' },
        hook('Notification', { notificationType: 'idle_prompt' }),
      ),
    ).toBeNull();
  });

  it('never lets the screen override a hook-derived status', () => {
    for (const status of ['starting', 'working', 'waiting', 'idle'] as const) {
      expect(nextStatus({ status, source: 'hook' }, screen(true))).toBeNull();
      expect(nextStatus({ status, source: 'hook' }, screen(false, 3_600_000))).toBeNull();
    }
  });

  it('reads the screen for agents without hooks', () => {
    const seen = walk({ status: 'starting', source: 'process' }, [
      screen(true),
      screen(false, 1_000),
      screen(false, 10_000),
      screen(true),
    ]);
    expect(seen).toEqual(['working', 'working', 'idle', 'working']);
    expect(
      nextStatus({ status: 'working', source: 'screen' }, screen(false, 2_000), { screenIdleAfterMs: 1_000 })
        ?.status,
    ).toBe('idle');
  });

  it('ends the session on process death whatever the hooks said', () => {
    for (const status of ['starting', 'working', 'waiting', 'idle'] as const) {
      expect(nextStatus({ status, source: 'hook' }, died(0))).toEqual({
        status: 'exited',
        source: 'process',
        detail: null,
      });
      expect(nextStatus({ status, source: 'hook' }, died(3))).toEqual({
        status: 'failed',
        source: 'process',
        detail: 'exited with code 3',
      });
    }
    // SessionEnd said goodbye, then the exit code says it failed: the code wins.
    expect(nextStatus({ status: 'exited', source: 'hook' }, died(1))?.status).toBe('failed');
    expect(nextStatus({ status: 'exited', source: 'hook' }, died(null))).toBeNull();
    expect(nextStatus({ status: 'working', source: 'screen' }, died(null))?.status).toBe('failed');
    expect(nextStatus({ status: 'failed', source: 'process' }, died(0))).toBeNull();
  });

  it('ignores late hooks after the end, but a new SessionStart revives the task', () => {
    for (const event of ['UserPromptSubmit', 'PostToolUse', 'Stop', 'Notification', 'SessionEnd'] as const) {
      expect(
        nextStatus(
          { status: 'exited', source: 'process' },
          hook(event, { notificationType: 'permission_prompt' }),
        ),
      ).toBeNull();
      expect(
        nextStatus(
          { status: 'failed', source: 'process' },
          hook(event, { notificationType: 'permission_prompt' }),
        ),
      ).toBeNull();
    }
    expect(
      nextStatus({ status: 'exited', source: 'process' }, hook('SessionStart', { source: 'resume' }))?.status,
    ).toBe('starting');
  });

  it('treats /clear as idle and /compact as no change', () => {
    expect(
      nextStatus({ status: 'working', source: 'hook' }, hook('SessionStart', { source: 'compact' })),
    ).toBeNull();
    expect(
      nextStatus({ status: 'working', source: 'hook' }, hook('SessionStart', { source: 'clear' }))?.status,
    ).toBe('idle');
  });

  it('leaves queue-owned statuses alone', () => {
    const all: StatusSignal[] = [
      hook('SessionStart'),
      hook('PostToolUse'),
      hook('Stop'),
      hook('SessionEnd'),
      died(0),
      died(1),
      screen(true),
      { kind: 'agent-file', state: 'busy' },
    ];
    for (const status of ['queued', 'landing', 'landed'] as const) {
      for (const s of all) expect(nextStatus({ status, source: 'hook' }, s)).toBeNull();
    }
  });

  it('lets work resume on a conflict, and nothing else touch it', () => {
    expect(nextStatus({ status: 'conflict', source: 'process' }, hook('UserPromptSubmit'))?.status).toBe(
      'working',
    );
    expect(nextStatus({ status: 'conflict', source: 'process' }, hook('Stop'))).toBeNull();
    expect(nextStatus({ status: 'conflict', source: 'process' }, died(0))).toBeNull();
  });

  it('covers interrupts through the agent status file', () => {
    // Esc fires no hook: the hooks still say working, Claude Code's own file says idle.
    expect(nextStatus({ status: 'working', source: 'hook' }, { kind: 'agent-file', state: 'idle' })).toEqual({
      status: 'idle',
      source: 'hook',
      detail: null,
    });
    expect(
      nextStatus(
        { status: 'idle', source: 'hook' },
        { kind: 'agent-file', state: 'waiting', waitingFor: 'permission prompt' },
      ),
    ).toEqual({ status: 'waiting', source: 'hook', detail: 'permission prompt' });
    expect(
      nextStatus({ status: 'exited', source: 'hook' }, { kind: 'agent-file', state: 'busy' }),
    ).toBeNull();
  });
});
