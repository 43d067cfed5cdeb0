import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** braid's package folder: src/exec (tests run the sources) and dist/exec both sit two levels under it. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A compiled script of braid that braid spawns (hooks, runners, workers), e.g. `builtModule('cli/main.js')`. */
export function builtModule(rel: string): string {
  return path.join(PACKAGE_ROOT, 'dist', rel);
}
