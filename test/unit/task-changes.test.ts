import { describe, expect, it } from 'vitest';
import {
  type ChangeFigures,
  changedCount,
  editingStatus,
  type RecountPolicy,
  recountNeeded,
  type WorktreeNow,
} from '../../src/core/task-changes.js';

const stored: ChangeFigures = {
  task: 't',
  head: 'h1',
  baseCommit: 'b1',
  ahead: 1,
  behind: 0,
  committed: ['a.ts'],
  dirty: ['b.ts'],
  indexSig: 'i1',
  dirtyAt: 1_000,
  dirtyBy: 'supervisor',
};
const now: WorktreeNow = { head: 'h1', baseCommit: 'b1', indexSig: 'i1', activityAt: 500 };
const ls: RecountPolicy = { now: 2_000, trustBy: ['supervisor'], trustMs: 75_000 };

describe('recountNeeded', () => {
  it('reuses a trusted count when nothing cheap to check moved', () => {
    expect(recountNeeded(stored, now, ls)).toEqual({ committed: false, dirty: false });
  });

  it('recounts everything with nothing stored or when asked to (--fresh)', () => {
    expect(recountNeeded(null, now, ls)).toEqual({ committed: true, dirty: true });
    expect(recountNeeded(stored, now, { ...ls, fresh: true })).toEqual({ committed: true, dirty: true });
  });

  it('recounts commits (and the worktree) when HEAD or the base moved', () => {
    expect(recountNeeded(stored, { ...now, head: 'h2' }, ls)).toEqual({ committed: true, dirty: true });
    expect(recountNeeded(stored, { ...now, baseCommit: 'b2' }, ls)).toEqual({ committed: true, dirty: true });
  });

  it('recounts only the worktree when the index changed, the task was active since, or the count aged', () => {
    const dirtyOnly = { committed: false, dirty: true };
    expect(recountNeeded(stored, { ...now, indexSig: 'i2' }, ls)).toEqual(dirtyOnly);
    expect(recountNeeded(stored, { ...now, activityAt: 1_500 }, ls)).toEqual(dirtyOnly);
    expect(recountNeeded(stored, now, { ...ls, now: 1_000 + 75_001 })).toEqual(dirtyOnly);
  });

  it('trusts a count longer while the agent is not at work, but not past its last status change', () => {
    const idle = { ...ls, idleTrustMs: 315_000, now: 1_000 + 200_000 };
    expect(recountNeeded(stored, { ...now, editing: false }, idle)).toEqual({
      committed: false,
      dirty: false,
    });
    expect(recountNeeded(stored, { ...now, editing: true }, idle)).toEqual({ committed: false, dirty: true });
    expect(recountNeeded(stored, { ...now, editing: false, activityAt: 1_500 }, idle).dirty).toBe(true);
    expect(recountNeeded(stored, { ...now, editing: false }, { ...idle, now: 1_000 + 315_001 }).dirty).toBe(
      true,
    );
    // A turn begun since the count waits for the minute's recount (or its end) instead.
    expect(recountNeeded(stored, { ...now, editing: true, activityAt: 1_500 }, ls).dirty).toBe(false);
    expect(editingStatus('working') && editingStatus('starting')).toBe(true);
    expect(editingStatus('idle') || editingStatus('waiting') || editingStatus('exited')).toBe(false);
  });

  it('recounts after a turn read from the screen at most once per trust period', () => {
    const idle = { ...ls, idleTrustMs: 315_000 };
    const turnEnded = { ...now, editing: false, activityAt: 1_500, screenTurns: true };
    // Any output is such a turn: within the trust period the count stands…
    expect(recountNeeded(stored, turnEnded, { ...idle, now: 1_000 + 75_000 }).dirty).toBe(false);
    // …past it the turn's end recounts, not only the idle period's end.
    expect(recountNeeded(stored, turnEnded, { ...idle, now: 1_000 + 75_001 }).dirty).toBe(true);
    expect(recountNeeded(stored, { ...turnEnded, indexSig: 'i2' }, idle).dirty).toBe(true);
  });

  it("ls recounts what it counted itself: only the supervisor's counts are trusted", () => {
    expect(recountNeeded({ ...stored, dirtyBy: 'ls' }, now, ls)).toEqual({ committed: false, dirty: true });
  });
});

describe('changedCount', () => {
  it('counts a path committed and edited again once', () => {
    expect(changedCount({ committed: ['a', 'b'], dirty: ['b', 'c'] })).toBe(3);
    expect(changedCount({ committed: [], dirty: [] })).toBe(0);
  });
});
