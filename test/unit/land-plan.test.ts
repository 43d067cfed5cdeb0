import { describe, expect, it } from 'vitest';
import {
  afterCasFailure,
  checkoutOverlap,
  gateVerdict,
  MAX_REBUILDS,
  planNextStep,
  type QueueEntry,
} from '../../src/core/queue-plan.js';
import { squashMessage } from '../../src/git/candidate.js';

function entry(id: number, task: string, state: QueueEntry['state'], tip: string | null = null): QueueEntry {
  return {
    id,
    task,
    state,
    tip,
    enqueuedAt: id,
    attempt: 0,
    candidate: null,
    mainBefore: null,
    gateLog: null,
    reason: null,
    conflictFiles: [],
    prevStatus: null,
    updatedAt: id,
  };
}

describe('queue planning', () => {
  it('recovers stale work first, then re-queues revived hand-backs, then lands the oldest queued entry', () => {
    const entries = [entry(3, 'c', 'queued'), entry(2, 'b', 'waiting_agent', 'old'), entry(1, 'a', 'gating')];
    expect(planNextStep({ entries, tips: { b: 'old' }, skip: new Set() })).toMatchObject({ kind: 'recover' });
    const rest = entries.slice(0, 2);
    expect(planNextStep({ entries: rest, tips: { b: 'new' }, skip: new Set() })).toMatchObject({
      kind: 'requeue',
      entry: { task: 'b' },
    });
    expect(planNextStep({ entries: rest, tips: { b: 'old' }, skip: new Set() })).toMatchObject({
      kind: 'land',
      entries: [{ task: 'c' }],
    });
    expect(planNextStep({ entries: rest, tips: { b: 'old' }, skip: new Set([3]) })).toEqual({ kind: 'idle' });
  });

  it('retries a failed gate once, then checks main before blaming the task', () => {
    expect(gateVerdict({ passed: true, attempt: 1 })).toBe('pass');
    expect(gateVerdict({ passed: false, attempt: 1 })).toBe('retry');
    expect(gateVerdict({ passed: false, attempt: 2 })).toBe('check-main');
    expect(gateVerdict({ passed: false, attempt: 2, mainPassed: true })).toBe('task-red');
    expect(gateVerdict({ passed: false, attempt: 2, mainPassed: false })).toBe('main-red');
    expect(afterCasFailure(0)).toBe('rebuild');
    expect(afterCasFailure(MAX_REBUILDS - 1)).toBe('give-up');
  });

  it('finds local edits that a landing would run over, including inside folders', () => {
    expect(checkoutOverlap(['a.txt', 'src/x.ts', 'b.txt'], ['src/', 'b.txt', 'c.txt'])).toEqual([
      'src/x.ts',
      'b.txt',
    ]);
    expect(checkoutOverlap(['a.txt'], [])).toEqual([]);
  });

  it('writes squash messages from the prompt with a task trailer', () => {
    expect(squashMessage('t', 'Fix login\n\nDetails here.', ['wip'])).toBe(
      'Fix login\n\nDetails here.\n\n* wip\n\nBraid-Task: t\n',
    );
    expect(squashMessage('t', null)).toBe('braid task t\n\nBraid-Task: t\n');
  });
});
