// Bundles what tsc built for the processes braid starts often (the CLI, which every agent hook is, the
// radar's rescan worker after each edit, the headless runner, the supervisor, a pod's keeper) into one
// module each plus shared chunks. Every one is a new node process: a few files to load instead of
// hundreds of modules takes about a third off a command's CPU (docs/benchmarks.md). Each entry replaces
// tsc's module at its own path; the chunks go to dist/cli. exec/built.ts finds the package from any depth.
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const ENTRIES = [
  'cli/main',
  'watch/radar/rescan-main',
  'run/runtime/headless-runner',
  'orchestrate/supervisor/main',
  'orchestrate/kube-keeper',
];
const CHUNK_DIR = 'cli';
// The hook path (cli/main.js imports it for a plain `braid hook <event>`): one file of its own, no shared chunks.
const HOOK = 'cli/hook';
const HOOK_IMPORT = './hook.js';
const MARK = '// braid: bundled';
const CHUNK = /^chunk-.*\.js$/;

for (const entry of [...ENTRIES, HOOK]) {
  const file = path.join(DIST, `${entry}.js`);
  if (readFileSync(file, 'utf8').includes(MARK)) {
    console.error(`bundle: ${file} is already a bundle; run tsc first (npm run build)`);
    process.exit(1);
  }
}

const bundle = await rolldown({
  input: Object.fromEntries(ENTRIES.map((e) => [e, path.join(DIST, `${e}.js`)])),
  platform: 'node',
  // A native addon is loaded from its package; ink's devtools are only imported in its DEV mode.
  external: [/^better-sqlite3(\/|$)/, 'react-devtools-core', HOOK_IMPORT],
  logLevel: 'warn',
});
const hookBundle = await rolldown({
  input: { [HOOK]: path.join(DIST, `${HOOK}.js`) },
  platform: 'node',
  external: [/^better-sqlite3(\/|$)/],
  logLevel: 'warn',
});
const staging = mkdtempSync(path.join(DIST, '.bundle-'));
try {
  await bundle.write({
    dir: staging,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: `${CHUNK_DIR}/chunk-[name]-[hash].js`,
    banner: MARK,
  });
  await bundle.close();
  await hookBundle.write({
    dir: staging,
    format: 'esm',
    entryFileNames: '[name].js',
    codeSplitting: false,
    banner: MARK,
  });
  await hookBundle.close();
  const chunkDir = path.join(DIST, CHUNK_DIR);
  for (const old of readdirSync(chunkDir).filter((f) => CHUNK.test(f))) rmSync(path.join(chunkDir, old));
  // Chunks first: the new entries import them by name.
  const written = readdirSync(staging, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(staging, path.join(d.parentPath, d.name)));
  const isEntry = (rel) => [...ENTRIES, HOOK].includes(rel.replace(/\.js$/, ''));
  for (const rel of [...written.filter((r) => !isEntry(r)), ...written.filter(isEntry)])
    renameSync(path.join(staging, rel), path.join(DIST, rel));
} finally {
  rmSync(staging, { recursive: true, force: true });
}
