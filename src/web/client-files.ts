/** The compiled browser client (dist/web/client/*.js, built from src/web/client by tsc), read once and served as is. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { builtModule } from '../exec/built.js';

/** A module of the client folder, nothing else: no folders, no `..`, no source maps. */
const MODULE_NAME = /^[a-z][a-z0-9-]*\.js$/;

const cache = new Map<string, string>();

/** The client module's text, or null when there is no such module (or the client was never built). */
export function clientModule(name: string, dir = builtModule('web/client')): string | null {
  if (!MODULE_NAME.test(name)) return null;
  const file = path.join(dir, name);
  let text = cache.get(file);
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    cache.set(file, text);
  }
  return text;
}
