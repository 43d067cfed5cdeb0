import { describe, expect, it } from 'vitest';
import { plural } from '../../src/core/plural.js';
import type { PairFinding } from '../../src/core/radar.js';
import { canStop } from '../../src/core/task.js';
import { helpLine, RADAR_LEGEND } from '../../src/tui/parts.js';
import { formatTokens, layout, radarWarning, taskCells } from '../../src/tui/rows.js';
import { initialState, openPane, reduce, reduceChunk, reselect, type UiState } from '../../src/tui/state.js';

const names = ['a', 'b', 'c'];
const press = (s: UiState, input: string, extra = {}) => reduce(s, { input, ...extra }, names, 3);

describe('rows', () => {
  it('formats a task row with status, age, ports, memory, tokens, cost and radar', () => {
    const findings: PairFinding[] = [
      { a: 'a', b: 'b', kind: 'overlap', files: ['x'] },
      { a: 'a', b: '@main', kind: 'textual', files: ['y'] },
    ];
    const cells = taskCells(
      {
        name: 'a',
        status: 'waiting',
        statusSince: 0,
        statusDetail: 'permission for Bash',
        ports: { PORT: 3100, API_PORT: 3101 },
        rssBytes: 50 * 1024 * 1024,
        tokens: { input: 1000, output: 200, cacheCreation: 0, cacheRead: 300 },
        costUsd: 0.123,
      },
      findings,
      125_000,
    );
    expect(cells).toEqual([
      'a',
      'waiting (permission for Bash)',
      '2m05s',
      '3100 API_PORT=3101',
      '50M',
      '1.5k',
      '$0.12',
      'conflict: main',
    ]);
    // A session that was refused tool uses says so in its status cell.
    const refused = {
      name: 'r',
      status: 'exited',
      statusSince: 0,
      statusDetail: 'x',
      ports: {},
      rssBytes: null,
    };
    const row = { ...refused, tokens: null, costUsd: null, refusals: [{ tool: 'Bash', target: 'git push' }] };
    expect(taskCells(row, [], 0)[1]).toBe('exited (refused 1 tool use)');
    expect(taskCells({ ...row, refusals: [] }, [], 0)[1]).toBe('exited');
    expect(radarWarning('b', findings)).toBe('overlap: a');
    expect(radarWarning('c', findings)).toBe('');
    expect(formatTokens(null)).toBe('-');
    expect(formatTokens({ input: 2_500_000, output: 0, cacheCreation: 0, cacheRead: 0 })).toBe('2.5M');
  });

  it('aligns columns', () => {
    expect(layout(['A', 'B'], [['long', 'x']])).toEqual(['A     B', 'long  x']);
  });
});

describe('words', () => {
  it('offers stop only while a task may have a session, and counts in the right number', () => {
    for (const ended of ['provisioning', 'exited', 'failed', 'landed']) {
      expect(canStop(ended)).toBe(false);
      expect(helpLine(ended)).not.toContain('x stop');
      expect(
        reduce(initialState('a'), { input: 'x' }, names, 3, () => canStop(ended)).effect,
      ).toBeUndefined();
    }
    for (const live of ['starting', 'working', 'waiting', 'idle', 'queued', 'conflict']) {
      expect(canStop(live)).toBe(true);
      expect(helpLine(live)).toContain('x stop');
    }
    expect(reduce(initialState('a'), { input: 'x' }, names, 3, () => true).effect).toEqual({
      kind: 'stop',
      task: 'a',
    });
    expect([plural(0, 'file'), plural(1, 'file'), plural(2, 'file'), plural(1, 'task')]).toEqual([
      '0 files',
      '1 file',
      '2 files',
      '1 task',
    ]);
    expect(RADAR_LEGEND).toMatch(/- = no overlap with any task/);
  });
});

describe('state', () => {
  it('moves the selection within the rows and keeps it by name across refreshes', () => {
    let s = initialState('a');
    s = press(s, '', { down: true }).state;
    s = press(s, '', { down: true }).state;
    s = press(s, '', { down: true }).state;
    expect(s.selected).toBe('c');
    expect(press(s, '', { up: true }).state.selected).toBe('b');
    expect(reselect('b', names, ['c', 'b'])).toBe('b');
    expect(reselect('b', names, ['a', 'c'])).toBe('c');
    expect(reselect('b', names, [])).toBeNull();
    expect(reselect(null, [], ['x'])).toBe('x');
  });

  it('maps keys to effects on the selected task', () => {
    const s = initialState('b');
    expect(press(s, 'a').effect).toEqual({ kind: 'attach', task: 'b' });
    expect(press(s, 'd').effect).toEqual({ kind: 'diff', task: 'b' });
    expect(press(s, 'l').effect).toEqual({ kind: 'land', task: 'b' });
    expect(press(s, 'x').effect).toEqual({ kind: 'stop', task: 'b' });
    expect(press(s, 'q').effect).toEqual({ kind: 'quit' });
    expect(press(initialState(null), 'a').effect).toBeUndefined();
  });

  it('asks before removing: y removes, anything else cancels', () => {
    const asking = press(initialState('b'), 'r').state;
    expect(asking.mode).toEqual({ kind: 'confirm-remove', task: 'b' });
    expect(press(asking, 'y')).toEqual({
      state: { selected: 'b', mode: { kind: 'table' } },
      effect: { kind: 'remove', task: 'b' },
    });
    expect(press(asking, 'n').effect).toBeUndefined();
    expect(press(asking, 'q').effect).toBeUndefined();
  });

  it('reads a line for send and a name then a prompt for new', () => {
    let s = press(initialState('a'), 's').state;
    s = reduceChunk(s, { input: 'hi q' }, names, 3).state;
    s = press(s, '', { backspace: true }).state;
    expect(press(s, '', { enter: true }).effect).toEqual({ kind: 'send', task: 'a', text: 'hi' });
    s = press(initialState('a'), 'n').state;
    s = reduceChunk(s, { input: 'fix' }, names, 3).state;
    s = press(s, '', { enter: true }).state;
    s = reduceChunk(s, { input: 'do it' }, names, 3).state;
    expect(press(s, '', { enter: true }).effect).toEqual({ kind: 'create', name: 'fix', prompt: 'do it' });
    expect(press(press(initialState('a'), 's').state, '', { escape: true }).state.mode.kind).toBe('table');
  });

  it('treats a chunk of characters outside a prompt as separate keys', () => {
    const pane = openPane(initialState('a'), 'diff', 'x');
    const step = reduceChunk(pane, { input: 'qd' }, names, 3);
    expect(step.effects).toEqual([{ kind: 'diff', task: 'a' }]);
  });

  it('scrolls a pane within its lines', () => {
    let s = openPane(initialState('a'), 'diff', '1\n2\n3\n4\n5\n');
    s = press(s, '', { pageDown: true }).state;
    s = press(s, '', { pageDown: true }).state;
    expect(s.mode).toMatchObject({ kind: 'pane', offset: 2 });
    s = press(s, '', { up: true }).state;
    expect(s.mode).toMatchObject({ offset: 1 });
    expect(press(s, 'q').state.mode.kind).toBe('table');
  });
});
