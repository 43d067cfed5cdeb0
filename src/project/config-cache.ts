/**
 * braid.yaml parsed and validated once per content: every command reads the config, and the YAML
 * parser and the schema (zod) cost more to load than most commands spend on their work. The cache
 * (<common dir>/braid/config-cache.json) is keyed by the file's path and text and by this build.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { BraidConfig } from '../core/config.js';
import { builtModule } from '../exec/built.js';
import type { RepoInfo } from '../git/repo.js';
import { configPath } from './config-path.js';

/** This build of the schema: a rebuilt or upgraded braid may read the same file differently. */
function schemaStamp(): string | null {
  try {
    if (import.meta.url.endsWith('.ts')) return null; // running from sources (tests): no cache
    const st = statSync(builtModule('core/config.js'));
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return null; // no built schema to key on: no cache
  }
}

interface CacheFile {
  key: string;
  config: BraidConfig;
}

export async function loadProjectConfig(
  repo: RepoInfo,
  env: NodeJS.ProcessEnv,
): Promise<{ config: BraidConfig; file: string | null }> {
  const file = configPath(repo.root, env);
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no file: the defaults (or, with BRAID_CONFIG, the error loadConfig gives)
  }
  const stamp = schemaStamp();
  const cacheable = stamp !== null && (text !== null || !env.BRAID_CONFIG);
  const key = createHash('sha1')
    .update(`${stamp}\0${file}\0${text ?? '\0none'}`)
    .digest('hex');
  const cacheFile = path.join(repo.commonDir, 'braid', 'config-cache.json');
  if (cacheable) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as CacheFile;
      if (cached.key === key) return { config: cached.config, file: text === null ? null : file };
    } catch {
      // no cache yet, or a torn one: parse below
    }
  }
  const { loadConfig } = await import('./config-file.js');
  const loaded = loadConfig(repo.root, env);
  // Only a config that survives JSON unchanged is cached (anything else is parsed every time).
  if (cacheable && isDeepStrictEqual(JSON.parse(JSON.stringify(loaded.config)), loaded.config)) {
    try {
      mkdirSync(path.dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ key, config: loaded.config } satisfies CacheFile));
      renameSync(tmp, cacheFile);
    } catch {
      // a read-only state folder: parse every time
    }
  }
  return loaded;
}
