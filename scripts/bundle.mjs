// Bundles the CLI that tsc built (dist/cli/main.js and everything it imports) into dist/cli/main.js plus
// the chunks its commands load lazily. Every agent hook and every command is a new node process: one
// file to load instead of hundreds of modules takes about a third off the CPU of a command (docs/benchmarks.md).
// The chunks stay in dist/cli, two levels under the package, as exec/built.ts expects of any module.
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI_DIR = path.join(ROOT, 'dist/cli');
const ENTRY = path.join(CLI_DIR, 'main.js');
const MARK = '// braid: bundled';
const CHUNK = /^chunk-.*\.js$/;

if (readFileSync(ENTRY, 'utf8').includes(MARK)) {
  console.error(`bundle: ${ENTRY} is already a bundle; run tsc first (npm run build)`);
  process.exit(1);
}

const bundle = await rolldown({
  input: ENTRY,
  platform: 'node',
  // A native addon is loaded from its package; ink's devtools are only imported in its DEV mode.
  external: [/^better-sqlite3(\/|$)/, 'react-devtools-core'],
  logLevel: 'warn',
});
const staging = mkdtempSync(path.join(ROOT, 'dist/.bundle-'));
try {
  await bundle.write({
    dir: staging,
    format: 'esm',
    entryFileNames: 'main.js',
    chunkFileNames: 'chunk-[name]-[hash].js',
    banner: MARK,
  });
  await bundle.close();
  for (const old of readdirSync(CLI_DIR).filter((f) => CHUNK.test(f))) rmSync(path.join(CLI_DIR, old));
  // Chunks first: the new main.js imports them by name.
  const files = readdirSync(staging).sort((a, b) => (a === 'main.js') - (b === 'main.js'));
  for (const file of files) renameSync(path.join(staging, file), path.join(CLI_DIR, file));
} finally {
  rmSync(staging, { recursive: true, force: true });
}
