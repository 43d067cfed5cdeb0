import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * braid's package folder: the parent of the nearest `dist` (or, running the sources in tests, `src`)
 * above this module. Found by name, not depth: the bundle (scripts/bundle.mjs) puts this code in a
 * chunk or an entry point at any depth under dist/.
 */
function packageRootOf(file: string): string {
  let dir = path.dirname(file);
  for (;;) {
    const name = path.basename(dir);
    const up = path.dirname(dir);
    if (name === 'dist' || name === 'src' || up === dir) return up;
    dir = up;
  }
}

export const PACKAGE_ROOT = packageRootOf(fileURLToPath(import.meta.url));

/** A compiled script of braid that braid spawns (hooks, runners, workers), e.g. `builtModule('cli/main.js')`. */
export function builtModule(rel: string): string {
  return path.join(PACKAGE_ROOT, 'dist', rel);
}
