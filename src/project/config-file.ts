import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { type BraidConfig, defaultConfig, parseConfig } from '../core/config.js';
import { BraidError } from '../core/errors.js';
import { configPath } from './config-path.js';

export const CONFIG_FILE = 'braid.yaml';

/** The config in force: $BRAID_CONFIG, else <root>/braid.yaml, else the defaults. */
export function loadConfig(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): { config: BraidConfig; file: string | null } {
  const file = configPath(root, env);
  if (!existsSync(file)) {
    if (env.BRAID_CONFIG)
      throw new BraidError('E_CONFIG', `BRAID_CONFIG names ${file}, which does not exist`);
    return { config: defaultConfig(), file: null };
  }
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message : String(err);
    throw new BraidError(
      'E_CONFIG',
      `${path.basename(file)} is not valid YAML: ${msg}`,
      'Fix the YAML syntax at the line shown.',
    );
  }
  return { config: parseConfig(raw, path.basename(file)), file };
}
