import { describe, expect, it } from 'vitest';
import {
  alternativeMembers,
  assignLanes,
  filesPerCommit,
  laneFrom,
  pathsOverlap,
} from '../../src/core/queue-lanes.js';

describe('lanes', () => {
  it('paths overlap when equal or when one is a folder of the other, not on a shared name start', () => {
    expect(pathsOverlap('src/a.ts', 'src/a.ts')).toBe(true);
    expect(pathsOverlap('src', 'src/a.ts')).toBe(true);
    expect(pathsOverlap('src/a.ts', 'src')).toBe(true);
    expect(pathsOverlap('src/a', 'src/ab')).toBe(false);
    expect(pathsOverlap('a.ts', 'b.ts')).toBe(false);
  });

  it('a change disjoint from everything ahead opens a lane; one that shares a file joins that lane', () => {
    expect(assignLanes([['a.ts'], ['b.ts'], ['a.ts', 'c.ts'], ['d/e.ts'], ['c.ts']])).toEqual([
      0, 1, 0, 3, 0,
    ]);
    // A file inside a folder another change replaced (file/folder clash) is the same lane.
    expect(assignLanes([['d'], ['d/e.ts']])).toEqual([0, 0]);
  });

  it('a change that touches two lanes merges them; unknown files join every lane', () => {
    expect(assignLanes([['a'], ['b'], ['a', 'b'], ['c']])).toEqual([0, 0, 0, 3]);
    expect(assignLanes([['a'], ['b'], null, ['c']])).toEqual([0, 0, 0, 0]);
    expect(assignLanes([null, ['b']])).toEqual([0, 0]);
    // A change that touches nothing (an empty diff) shares no file with anyone.
    expect(assignLanes([['a'], [], ['a']])).toEqual([0, 1, 0]);
  });

  it('leaving a change out leaves out the rest of its lane after it, never a change before it', () => {
    const lanes = assignLanes([['a'], ['b'], ['a'], ['c'], ['a', 'x'], ['x']]);
    expect(lanes).toEqual([0, 1, 0, 3, 0, 0]);
    expect([...laneFrom(lanes, 2)]).toEqual([2, 4, 5]);
    expect([...laneFrom(lanes, 1)]).toEqual([1]);
  });

  it('an alternative is the green prefix, then every later change outside the suspect lane', () => {
    const lanes = [0, 1, 0, 3, 0, 1];
    expect(alternativeMembers(lanes, 1, 1)).toEqual([2, 3, 4]);
    expect(alternativeMembers(lanes, 2, 2)).toEqual([3, 5]);
    // All disjoint: only the suspect is left out.
    expect(alternativeMembers([0, 1, 2, 3], 1, 1)).toEqual([2, 3]);
    // Nothing outside its lane after it: no alternative.
    expect(alternativeMembers([0, 0, 0], 1, 1)).toBeNull();
  });

  it("reads diff-tree's -z output per commit, a commit without changes printing nothing", () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const c = 'c'.repeat(40);
    const out = `${a}\0f1\0d/sp ace\0${c}\0g\0`;
    expect(filesPerCommit(out, [a, b, c])).toEqual([['f1', 'd/sp ace'], [], ['g']]);
    expect(filesPerCommit('', [a])).toEqual([[]]);
  });
});
