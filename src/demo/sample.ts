import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../exec/run.js';

/** The sample's tests: compile with braid's own TypeScript, then node's test runner. */
export function sampleTestCommand(toolchain: string): string {
  const tsc = path.join(toolchain, 'node_modules/typescript/bin/tsc');
  return `node ${JSON.stringify(tsc)} -p . && node --test dist/test/`;
}

/**
 * The built-in sample: a tiny TypeScript shop with tests. It compiles with the TypeScript and Node
 * types braid itself was installed with (no install, no network) and runs on `node --test`.
 */
function sampleFiles(toolchain: string): Record<string, string> {
  const test = sampleTestCommand(toolchain);
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      outDir: 'dist',
      rootDir: '.',
      typeRoots: [path.join(toolchain, 'node_modules/@types')],
      types: ['node'],
      skipLibCheck: true,
    },
    include: ['src', 'test'],
  };
  return {
    'package.json': `${JSON.stringify({ name: 'sample-shop', private: true, type: 'module', scripts: { test } }, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\n.env\n',
    'README.md': '# sample-shop\n\nA tiny TypeScript shop used by the braid demo.\n',
    'src/cart.ts': [
      'export interface Item {',
      '  price: number;',
      '  qty: number;',
      '}',
      '',
      'export function total(items: Item[]): number {',
      '  return items.reduce((sum, item) => sum + item.price * item.qty, 0);',
      '}',
      '',
    ].join('\n'),
    'src/greet.ts': [
      'export function greet(name: string): string {',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample's own TypeScript source.
      '  return `Welcome, ${name}`;',
      '}',
      '',
    ].join('\n'),
    'test/cart.test.ts': [
      "import assert from 'node:assert/strict';",
      "import { test } from 'node:test';",
      "import { total } from '../src/cart.js';",
      '',
      "test('total sums price times quantity', () => {",
      '  assert.equal(total([{ price: 2, qty: 3 }, { price: 5, qty: 1 }]), 11);',
      '});',
      '',
    ].join('\n'),
    'test/greet.test.ts': [
      "import assert from 'node:assert/strict';",
      "import { test } from 'node:test';",
      "import { greet } from '../src/greet.js';",
      '',
      "test('greet names the customer', () => {",
      "  assert.match(greet('Ada'), /Ada/);",
      '});',
      '',
    ].join('\n'),
  };
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'braid demo',
  GIT_AUTHOR_EMAIL: 'demo@braid.invalid',
  GIT_COMMITTER_NAME: 'braid demo',
  GIT_COMMITTER_EMAIL: 'demo@braid.invalid',
};

/** Creates the sample repository at `dir` with one commit on main and an untracked .env. */
export async function createSampleRepo(dir: string, braidYaml: string, toolchain: string): Promise<void> {
  writeFiles(dir, sampleFiles(toolchain));
  writeFileSync(path.join(dir, 'braid.yaml'), braidYaml);
  writeFileSync(path.join(dir, '.env'), 'SHOP_SECRET=demo-only\n');
  const git = (...args: string[]) => run('git', args, { cwd: dir, env: IDENTITY });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', IDENTITY.GIT_AUTHOR_NAME);
  await git('config', 'user.email', IDENTITY.GIT_AUTHOR_EMAIL);
  await git('config', 'gc.auto', '0');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'sample-shop: first commit');
}

/** Writes each file at its path under `dir`, making the folders it needs. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
}
