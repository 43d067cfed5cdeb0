import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FileChange, migrationCollisions } from '../src/core/radar.js';
import { migrationNumber } from '../src/core/radar-parse.js';
import { expandIncludes } from '../src/isolate/workspace/includes.js';
import { enqueueTasks, processQueue } from '../src/land/land.js';
import { type LandFixture, landFixture } from './helpers/land.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
let fx: LandFixture | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  fx?.close();
  fx = undefined;
});

/** Migration-like files, each numbered so either reader's choice shows as a set of numbers. */
const FILES = [
  'db/migrations/0001_a.sql',
  'db/migrations/sub/0002_a.sql',
  'db/m1/0003_a.sql',
  'db/m2/0004_a.sql',
  'db/mx/0005_a.sql',
  'db/.hidden/0006_a.sql',
  'other/0008_a.sql',
  'db/migrations/0009_a.txt',
];

/** Each pattern and the numbers of the files it must select. */
const CASES: Array<[string, string[]]> = [
  ['db/migrations/*', ['1', '9']],
  ['db/**/*.sql', ['1', '2', '3', '4', '5', '6']],
  ['db/m[12]/*', ['3', '4']],
  ['db/m[!1]/*', ['4', '5']],
  ['{db/m1,other}/*.sql', ['3', '8']],
  ['db/*/0*.sql', ['1', '3', '4', '5', '6']],
  ['**/0002_*', ['2']],
  ['./db/migrations/', ['1', '2', '9']],
];

const numbers = (paths: string[]) => paths.map((p) => migrationNumber(p) ?? p).sort();

describe('one glob dialect for include and migrations.glob', () => {
  it('selects the same files in includes (on disk) and the radar (migration collisions)', async () => {
    repo = await tempRepo();
    for (const f of FILES) repo.write(f, 'x\n');
    // Side b adds a file of the same number beside each of side a's: a collision wherever the glob matches.
    const side = (suffix: string): FileChange[] =>
      FILES.map((f) => ({ status: 'A', path: f.replace('_a.', `_${suffix}.`) }) as FileChange);
    for (const [pattern, expected] of CASES) {
      const included = numbers(expandIncludes(repo.dir, [pattern]));
      const collided = numbers(migrationCollisions(side('a'), side('b'), pattern).map((c) => c.a));
      expect(included, `include ${pattern}`).toEqual(expected);
      expect(collided, `migrations.glob ${pattern}`).toEqual(expected);
    }
  });

  it('copies dotfiles and takes a leading ! literally in includes', async () => {
    repo = await tempRepo();
    repo.write('.env', 'A=1\n');
    repo.write('config/.secret.json', '{}\n');
    repo.write('config/app.json', '{}\n');
    repo.write('!keep', 'x\n');
    expect(expandIncludes(repo.dir, ['config/*', '.env*'])).toEqual([
      '.env',
      'config/.secret.json',
      'config/app.json',
    ]);
    // An include list only adds files: `!keep` names the file, it does not mean "all but keep".
    expect(expandIncludes(repo.dir, ['!keep'])).toEqual(['!keep']);
  });

  it('braid land reads migrations.glob in the same dialect: a [...] class finds the clash', async () => {
    fx = await landFixture({
      config: { migrations: { glob: 'db/m[12]/*.sql' } },
      files: { 'README.md': '# sample\n', 'db/m1/0003_users.sql': 'create table users ();\n' },
    });
    const dir = await fx.addTask('orders', {}, { commit: false });
    mkdirSync(path.join(dir, 'db/m1'), { recursive: true });
    writeFileSync(path.join(dir, 'db/m1/0003_orders.sql'), 'create table orders ();\n');
    await g(dir, 'add', '-A');
    await g(dir, 'commit', '-qm', 'orders');
    enqueueTasks(fx.ctx, ['orders']);
    const res = await processQueue(fx.ctx);
    if (!res.ran) throw new Error('queue lock unexpectedly held');
    expect(res.outcomes.map((o) => o.state)).toEqual(['rejected']);
    expect(res.outcomes[0].reason).toMatch(/db\/m1\/0003_orders\.sql collides with db\/m1\/0003_users\.sql/);
    expect(await fx.repo.git('ls-tree', '-r', '--name-only', 'main', 'db')).toBe('db/m1/0003_users.sql');
  });
});
