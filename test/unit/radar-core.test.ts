import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/core/glob.js';
import {
  classifyPair,
  migrationCollisions,
  orderPair,
  pairsToRecompute,
  radarRescanNeeded,
  withLines,
} from '../../src/core/radar.js';
import { baseSide, formatRanges, messagesFor, type PairFinding } from '../../src/core/radar-messages.js';
import {
  migrationNumber,
  parseNameStatusZ,
  parseStatusV2,
  parseUnifiedZero,
  unquoteGitPath,
} from '../../src/core/radar-parse.js';

describe('radar parsers', () => {
  it('reads merge-base line ranges from a -U0 diff, quoted paths and insertions included', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1..2 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -10,31 +10,2 @@ function x',
      '-old',
      '+--- not a header',
      '@@ -52 +23 @@',
      '@@ -60,0 +31,3 @@',
      'diff --git "a/sp\\303\\251cial \\"q\\".txt" "b/sp\\303\\251cial \\"q\\".txt"',
      '--- "a/sp\\303\\251cial \\"q\\".txt"',
      '+++ "b/sp\\303\\251cial \\"q\\".txt"',
      '@@ -0,0 +1 @@',
      'diff --git a/gone.txt b/gone.txt',
      'deleted file mode 100644',
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
    ].join('\n');
    const ranges = parseUnifiedZero(diff);
    expect(ranges.get('src/a.ts')).toEqual([
      [10, 40],
      [52, 52],
      [60, 60],
    ]);
    expect(ranges.get('spécial "q".txt')).toEqual([[1, 1]]);
    expect(ranges.get('gone.txt')).toEqual([[1, 3]]);
    expect(unquoteGitPath('"tab\\there"')).toBe('tab\there');
  });

  it('reads name-status and status v2 output', () => {
    expect(parseNameStatusZ('M\0a.txt\0A\0dir/new file\0')).toEqual([
      { status: 'M', path: 'a.txt' },
      { status: 'A', path: 'dir/new file' },
    ]);
    const status = [
      '# branch.oid 0123abc',
      '# branch.head braid/t',
      '1 .M N... 100644 100644 100644 aaa bbb file with space.txt',
      '2 R. N... 100644 100644 100644 aaa bbb R100 new.txt',
      'old.txt',
      '? untracked.txt',
      '',
    ].join('\0');
    expect(parseStatusV2(status)).toEqual({
      head: '0123abc',
      paths: ['file with space.txt', 'new.txt', 'old.txt', 'untracked.txt'],
    });
  });

  it('matches migration globs and reads migration numbers', () => {
    const matches = (glob: string, path: string) => compileGlob(glob).matches(path);
    expect(matches('db/migrations/*', 'db/migrations/0003_x.sql')).toBe(true);
    expect(matches('db/migrations/*', 'db/migrations/sub/0003_x.sql')).toBe(false);
    expect(matches('**/migrations/*.sql', 'a/b/migrations/1_x.sql')).toBe(true);
    expect(matches('**/migrations/*.sql', 'migrations/1_x.sql')).toBe(true);
    expect(migrationNumber('db/migrations/0003_add.sql')).toBe('3');
    expect(migrationNumber('V12__init.sql')).toBe('12');
    expect(migrationNumber('20240101120000_users.rb')).toBe('20240101120000');
    expect(migrationNumber('README.md')).toBeNull();
  });
});

describe('radarRescanNeeded', () => {
  const still = {
    hookReported: false,
    atWork: false,
    signature: 's1',
    scannedSignature: 's1',
    countedAt: 5_000,
    scannedAt: 1_000,
  };

  it('re-scans any task whose signature moved, or that was never scanned', () => {
    expect(radarRescanNeeded({ ...still, signature: 's2' })).toBe(true);
    expect(radarRescanNeeded({ ...still, scannedSignature: undefined })).toBe(true);
    expect(radarRescanNeeded({ ...still, hookReported: true, signature: 's2' })).toBe(true);
  });

  it('skips an unmoved task with hooks, or without hooks and not at work', () => {
    expect(radarRescanNeeded(still)).toBe(false);
    expect(radarRescanNeeded({ ...still, hookReported: true, atWork: true, countedAt: 0 })).toBe(false);
  });

  it('re-scans a task without hooks at work unless its files were counted since its last scan', () => {
    expect(radarRescanNeeded({ ...still, atWork: true })).toBe(false);
    expect(radarRescanNeeded({ ...still, atWork: true, countedAt: 1_000 })).toBe(true);
    expect(radarRescanNeeded({ ...still, atWork: true, countedAt: 0 })).toBe(true);
  });
});

describe('pairsToRecompute', () => {
  const sides = [
    { name: 't1', tree: 'T1' },
    { name: 't2', tree: 'T2' },
    { name: 't3', tree: 'T3' },
    { name: baseSide('main'), tree: 'M' },
  ];
  const cache = (a: string, b: string, aTree: string, bTree: string) => ({ a, b, aTree, bTree });

  it('recomputes only pairs that are missing or whose side moved, never base × base', () => {
    expect(pairsToRecompute(sides, [])).toHaveLength(6);
    const cached = [
      cache('t1', 't2', 'T1', 'T2'),
      cache('t1', 't3', 'T1', 'old'),
      cache('t2', 't3', 'T2', 'T3'),
      cache('t1', '@main', 'T1', 'M'),
      cache('t2', '@main', 'T2', 'M'),
      cache('t3', '@main', 'T3', 'M0'),
    ];
    expect(pairsToRecompute(sides, cached)).toEqual([
      ['t1', 't3'],
      ['t3', '@main'],
    ]);
    expect(pairsToRecompute(sides, cached, ['t1'])).toEqual([['t1', 't3']]);
  });

  it('orders pairs by name with the base branch second', () => {
    expect(orderPair('b', 'a')).toEqual(['a', 'b']);
    expect(orderPair('@main', 'z')).toEqual(['z', '@main']);
  });
});

describe('classifyPair', () => {
  const a = [
    { path: 'src/a.ts', status: 'M' },
    { path: 'db/migrations/0003_users.sql', status: 'A' },
  ];
  const b = [
    { path: 'src/a.ts', status: 'M' },
    { path: 'src/b.ts', status: 'M' },
    { path: 'db/migrations/003_posts.sql', status: 'A' },
  ];

  it('calls a merge-tree conflict textual and a clean shared file an overlap', () => {
    const textual = classifyPair({
      a: 'x',
      b: 'y',
      merge: { clean: false, conflictFiles: ['src/a.ts'] },
      aChanges: a,
      bChanges: b,
    });
    expect(textual).toEqual([{ a: 'x', b: 'y', kind: 'textual', files: ['src/a.ts'] }]);
    const overlap = classifyPair({
      a: 'x',
      b: 'y',
      merge: { clean: true, conflictFiles: [] },
      aChanges: a,
      bChanges: b,
    });
    expect(overlap).toEqual([{ a: 'x', b: 'y', kind: 'overlap', files: ['src/a.ts'] }]);
    const apart = classifyPair({
      a: 'x',
      b: 'y',
      merge: { clean: true, conflictFiles: [] },
      aChanges: [a[0]],
      bChanges: [b[1]],
    });
    expect(apart).toEqual([]);
  });

  it('reports equal migration numbers as a migration finding', () => {
    const res = classifyPair({
      a: 'x',
      b: 'y',
      merge: { clean: true, conflictFiles: [] },
      aChanges: a,
      bChanges: b,
      migrationsGlob: 'db/migrations/*',
    });
    expect(res.map((f) => f.kind)).toEqual(['overlap', 'migration']);
    expect(res[1].collisions).toEqual([
      { number: '3', a: 'db/migrations/0003_users.sql', b: 'db/migrations/003_posts.sql' },
    ]);
    const modified = [{ path: 'db/migrations/0003_old.sql', status: 'M' }];
    expect(migrationCollisions(modified, b, 'db/migrations/*')).toEqual([]);
  });
});

describe('messagesFor', () => {
  const findings: PairFinding[] = withLines(
    [
      { a: 'x', b: 'y', kind: 'textual', files: ['src/a.ts'] },
      { a: 'x', b: '@main', kind: 'overlap', files: ['src/c.ts'] },
    ],
    new Map([
      ['src/a.ts', [[12, 14]]],
      ['src/c.ts', [[1, 1]]],
    ]),
    new Map([
      [
        'src/a.ts',
        [
          [10, 20],
          [21, 40],
        ],
      ],
      ['src/c.ts', [[90, 90]]],
    ]),
  );

  it('tells each side what the other changes, with stable keys', () => {
    const forY = messagesFor('y', findings);
    expect(forY).toEqual([
      {
        key: 'textual|x|src/a.ts',
        text: 'task x also changes src/a.ts lines 12-14 (your changes conflict with it); coordinate or stay out',
      },
    ]);
    const forX = messagesFor('x', findings).map((m) => m.text);
    expect(forX[0]).toContain('task y also changes src/a.ts lines 10-40');
    expect(forX[1]).toBe(
      'main (moved since your base) also changes src/c.ts line 90 (no conflict yet); rebase onto it or stay out',
    );
  });

  it('formats ranges merged and sorted', () => {
    expect(
      formatRanges([
        [30, 31],
        [1, 4],
        [5, 5],
        [9, 9],
      ]),
    ).toBe('1-5, 9, 30-31');
  });
});
