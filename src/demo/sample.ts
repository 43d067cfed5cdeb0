import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../exec/run.js';

/** The built-in sample: a tiny shop module with tests that run on plain Node (`node --test`). */
const FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'sample-shop', private: true, type: 'module', scripts: { test: 'node --test test/' } }, null, 2)}\n`,
  '.gitignore': 'node_modules/\n.env\n',
  'README.md': '# sample-shop\n\nA tiny shop used by the braid demo.\n',
  'src/cart.js': [
    'export function total(items) {',
    '  return items.reduce((sum, item) => sum + item.price * item.qty, 0);',
    '}',
    '',
  ].join('\n'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample's own JavaScript source.
  'src/greet.js': ['export function greet(name) {', '  return `Welcome, ${name}`;', '}', ''].join('\n'),
  'test/cart.test.js': [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { total } from '../src/cart.js';",
    '',
    "test('total sums price times quantity', () => {",
    '  assert.equal(total([{ price: 2, qty: 3 }, { price: 5, qty: 1 }]), 11);',
    '});',
    '',
  ].join('\n'),
  'test/greet.test.js': [
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

const IDENTITY = {
  GIT_AUTHOR_NAME: 'braid demo',
  GIT_AUTHOR_EMAIL: 'demo@braid.invalid',
  GIT_COMMITTER_NAME: 'braid demo',
  GIT_COMMITTER_EMAIL: 'demo@braid.invalid',
};

/** Creates the sample repository at `dir` with one commit on main and an untracked .env. */
export async function createSampleRepo(dir: string, braidYaml: string): Promise<void> {
  for (const [rel, content] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
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
