import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateFailureDetail, noTestsFound, outputTail, plainLine } from '../../src/core/gate-output.js';
import {
  gateScratchLocation,
  gateScratchSlot,
  taskNameProblem,
  worktreeLocation,
} from '../../src/core/names.js';

describe('a gate that found no tests', () => {
  it('is recognised for jest, vitest, mocha, node --test and pytest, colour codes or not', () => {
    expect(noTestsFound('No tests found, exiting with code 1')).toEqual({
      runner: 'jest',
      line: 'No tests found, exiting with code 1',
    });
    // vitest colours the line and resets on the next one.
    expect(noTestsFound('\x1b[31mNo test files found, exiting with code 1')).toEqual({
      runner: 'vitest',
      line: 'No test files found, exiting with code 1',
    });
    expect(noTestsFound('Error: No test files found: "test"')?.runner).toBe('mocha');
    expect(noTestsFound('  0 passing (2ms)')?.runner).toBe('mocha');
    expect(noTestsFound('# tests 0')?.runner).toBe('node --test');
    expect(noTestsFound('ℹ tests 0')?.runner).toBe('node --test');
    expect(
      noTestsFound('============================ no tests ran in 0.01s ============================')?.runner,
    ).toBe('pytest');
  });

  it('is not claimed for runs that had tests, or for lines that only mention the words', () => {
    for (const line of [
      'Tests:       3 passed, 3 total',
      '      Tests  3 passed (3)',
      '# tests 10',
      'ℹ tests 0 todo',
      '  10 passing (5ms)',
      "  ✓ says 'No tests found' when a folder is empty",
      'console.log No test files found in fixture',
      '',
    ])
      expect(noTestsFound(line), line).toBeNull();
  });
});

describe('the quoted end of a gate run', () => {
  it('drops colour codes, what a carriage return overwrote, and trailing blanks', () => {
    expect(
      plainLine('\x1b[2m      Tests \x1b[22m \x1b[1m\x1b[32m2 passed\x1b[39m\x1b[22m\x1b[90m (2)\x1b[39m'),
    ).toBe('      Tests  2 passed (2)');
    expect(plainLine('Running 1/3\rRunning 3/3   ')).toBe('Running 3/3');
    expect(plainLine('windows line\r')).toBe('windows line');
    expect(plainLine('\x1b]8;;https://x.invalid\x07link\x1b]8;;\x07')).toBe('link');
  });

  it('keeps the last lines, trimmed of blank ones at either end, runs of blanks folded, long lines cut', () => {
    const lines = ['', 'early', ...Array.from({ length: 20 }, (_, i) => `line ${i}`), '', '', 'end', '', ''];
    const tail = outputTail(lines, 5);
    expect(tail).toEqual(['line 17', 'line 18', 'line 19', '', 'end']);
    expect(outputTail(['', '  ', '\x1b[39m'])).toEqual([]);
    const long = outputTail(['x'.repeat(500)])[0];
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
    // A blank line at the cut does not start the quote.
    expect(outputTail(['a', '', 'b', 'c'], 3)).toEqual(['b', 'c']);
  });

  it('says when no tests were found and quotes the last lines, indented under one sentence', () => {
    const tail = [
      '',
      'No tests found, exiting with code 1',
      'Run with `--passWithNoTests` to exit with code 0',
      '',
    ];
    const detail = gateFailureDetail({ tail, noTests: noTestsFound(tail[1]) });
    expect(detail).toBe(
      ' The gate found no tests at all (jest: "No tests found, exiting with code 1"): check that the gate command runs the project\'s tests in a plain checkout of it.' +
        ' Last lines of its output:\n    No tests found, exiting with code 1\n    Run with `--passWithNoTests` to exit with code 0',
    );
    expect(gateFailureDetail({ tail: ['FAIL a.test.js', '', 'Tests: 1 failed'], noTests: null })).toBe(
      ' Last lines of its output:\n    FAIL a.test.js\n\n    Tests: 1 failed',
    );
    expect(gateFailureDetail({ tail: [], noTests: null })).toBe('');
  });
});

describe('where the gate scratch worktree goes', () => {
  it('beside the task worktrees, in a folder no task name can take', () => {
    const template = '../{repo}.braid/{task}';
    expect(gateScratchLocation(template, 'commander.js', 0)).toBe('../commander.js.braid/_gate-0');
    expect(path.dirname(gateScratchLocation(template, 'r', 3))).toBe(
      path.dirname(worktreeLocation(template, 'r', 'fix-login')),
    );
    for (const slot of [0, 1, 12]) {
      const folder = path.basename(gateScratchLocation(template, 'r', slot));
      expect(taskNameProblem(folder), folder).not.toBeNull();
      expect(gateScratchSlot(folder)).toBe(slot);
    }
    expect(gateScratchSlot('gate-0')).toBeNull();
    expect(gateScratchSlot('fix-gate-0')).toBeNull();
  });

  it('names the repository when the template may be shared by several, and never shares a task folder', () => {
    expect(gateScratchLocation('../trees/{task}', 'api', 0)).toBe('../trees/_api-gate-0');
    expect(gateScratchSlot('_api-gate-0')).toBe(0);
    expect(taskNameProblem('_api-gate-0')).not.toBeNull();
    // A template without {task} gives every task one folder: the gate's goes beside it.
    expect(gateScratchLocation('../{repo}-work', 'api', 0)).toBe(path.join('..', '_gate-0'));
  });
});
