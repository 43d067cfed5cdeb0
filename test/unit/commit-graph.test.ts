import { describe, expect, it } from 'vitest';
import { parseLog, subjectsOf } from '../../src/core/commit-graph.js';

// `git log -z --format='%H %P%n%s' ^main a2 b1 m`, newest first: a1-a2 on main, b1 on a2, m merges a2 and x1.
const LOG = ['m a2 x1\nmerge x', 'x1 base\nx one', 'b1 a2\nb one', 'a2 a1\na two', 'a1 base\na one'].join(
  '\0',
);

describe('subjects of several branches from one log', () => {
  it('parses hash, parents and subject per record', () => {
    expect(parseLog(`${LOG}\0`)[0]).toEqual({ hash: 'm', parents: ['a2', 'x1'], subject: 'merge x' });
    expect(parseLog('')).toEqual([]);
  });

  it('lists what each tip adds beyond main, oldest first, as git log --reverse main..tip', () => {
    const log = parseLog(LOG);
    expect(subjectsOf(log, 'a2')).toEqual(['a one', 'a two']);
    expect(subjectsOf(log, 'b1')).toEqual(['a one', 'a two', 'b one']);
    expect(subjectsOf(log, 'm')).toEqual(['a one', 'a two', 'x one', 'merge x']);
  });

  it('leaves out what earlier tips already brought (a merge commit carries their commits along)', () => {
    const log = parseLog(LOG);
    expect(subjectsOf(log, 'b1', ['a2'])).toEqual(['b one']);
    expect(subjectsOf(log, 'm', ['a2', 'b1'])).toEqual(['x one', 'merge x']);
  });
});
