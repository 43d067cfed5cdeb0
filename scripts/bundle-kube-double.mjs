// Bundles the tests' Kubernetes API-server double (test/helpers/kube-api.ts) into one module the `backends`
// bench can import (dist/ holds no test code): node_modules/.cache/braid/kube-double.mjs, beside the ws
// package it imports. Run by the bench itself before it starts the double.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'node_modules/.cache/braid/kube-double.mjs');

const bundle = await rolldown({
  input: path.join(ROOT, 'test/helpers/kube-api.ts'),
  platform: 'node',
  external: [/^node:/, 'ws'],
  logLevel: 'warn',
});
mkdirSync(path.dirname(OUT), { recursive: true });
await bundle.write({ file: OUT, format: 'esm' });
await bundle.close();
