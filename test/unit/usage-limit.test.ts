import { describe, expect, it } from 'vitest';
import {
  agentLimitedUntil,
  dueForRestart,
  parseLimit,
  UNKNOWN_RESET_MS,
} from '../../src/core/usage-limit.js';

// Sun 6 Dec 2026, 10:00 UTC.
const NOW = Date.UTC(2026, 11, 6, 10, 0);

describe('usage limit messages', () => {
  it('reads the epoch seconds of the older message', () => {
    expect(parseLimit('Claude AI usage limit reached|1750708800', NOW)).toEqual({ resetAt: 1750708800_000 });
  });

  it('reads a clock time in the named zone, to the end of the minute shown', () => {
    // 3pm in Paris in December is 14:00 UTC; Claude Code cuts the seconds off, so braid waits out the minute.
    expect(parseLimit("You've hit your limit · resets 3pm (Europe/Paris)", NOW)?.resetAt).toBe(
      Date.UTC(2026, 11, 6, 14, 1),
    );
    // 1:30am in Dhaka (UTC+6) has passed today: tomorrow's, 19:30 UTC today.
    expect(parseLimit("You've hit your limit · resets 1:30am (Asia/Dhaka)", NOW)?.resetAt).toBe(
      Date.UTC(2026, 11, 6, 19, 31),
    );
    expect(
      parseLimit('Claude usage limit reached. Your limit will reset at 9am (America/Chicago).', NOW)?.resetAt,
    ).toBe(Date.UTC(2026, 11, 6, 15, 1));
  });

  it("reads Claude Code 2.1's subscription messages, within the day and dated", () => {
    // What 2.1.197 prints (and passes as the StopFailure hook's last_assistant_message) at a 429 with a reset.
    expect(parseLimit("You've hit your session limit · resets 11:53pm (UTC)", NOW)?.resetAt).toBe(
      Date.UTC(2026, 11, 6, 23, 54),
    );
    // A minute already begun is still ahead: the end of it, not tomorrow's.
    const at = Date.UTC(2026, 11, 6, 23, 53, 20);
    expect(parseLimit("You've hit your session limit · resets 11:53pm (UTC)", at)?.resetAt).toBe(
      Date.UTC(2026, 11, 6, 23, 54),
    );
    expect(parseLimit("You've hit your weekly limit · resets Dec 8, 3pm (Europe/Paris)", NOW)?.resetAt).toBe(
      Date.UTC(2026, 11, 8, 14, 1),
    );
    expect(parseLimit("You've hit your Opus limit · resets Jan 2, 9:30am (UTC)", NOW)?.resetAt).toBe(
      Date.UTC(2027, 0, 2, 9, 31),
    );
    expect(parseLimit("You've hit your usage limit · resets Mar 1, 2027, 10am (UTC)", NOW)?.resetAt).toBe(
      Date.UTC(2027, 2, 1, 10, 1),
    );
    // The hook's error field alone says only which failure it was.
    expect(parseLimit('rate_limit', NOW)).toEqual({ resetAt: null });
  });

  it('reads an ISO time', () => {
    expect(parseLimit('usage limit reached, resets at 2026-12-06T21:00:00Z', NOW)?.resetAt).toBe(
      Date.UTC(2026, 11, 6, 21, 0),
    );
  });

  it('knows a 429 without a reset time, and ignores other failures', () => {
    const rate =
      'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Please try again later."}}';
    expect(parseLimit(rate, NOW)).toEqual({ resetAt: null });
    expect(UNKNOWN_RESET_MS).toBeGreaterThan(0);
    expect(parseLimit('authentication_failed', NOW)).toBeNull();
    expect(parseLimit(null, NOW)).toBeNull();
  });
});

describe('starting again after a limit', () => {
  const limited = [
    { name: 'a', agent: 'claude', resetAt: NOW - 2000 },
    { name: 'b', agent: 'claude', resetAt: NOW - 1000 },
    { name: 'c', agent: 'claude', resetAt: NOW + 60_000 },
    { name: 'd', agent: 'codex', resetAt: NOW + 90_000 },
  ];

  it('holds new sessions of the limited agent only', () => {
    expect(agentLimitedUntil(limited, 'claude', NOW)).toBe(NOW + 60_000);
    expect(agentLimitedUntil(limited, 'aider', NOW)).toBeNull();
    expect(agentLimitedUntil(limited, 'claude', NOW + 60_000)).toBeNull();
  });

  it('starts the due ones one at a time, spaced by the stagger', () => {
    expect(dueForRestart(limited, NOW, null, 10_000)).toEqual(['a']);
    expect(dueForRestart(limited, NOW, NOW - 5000, 10_000)).toEqual([]);
    expect(dueForRestart(limited, NOW, NOW - 10_000, 10_000)).toEqual(['a']);
    expect(dueForRestart(limited, NOW, null, 0)).toEqual(['a', 'b']);
  });
});
