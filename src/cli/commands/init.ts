import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../core/config.js';
import { BraidError } from '../../core/errors.js';
import { entriesToConfig, type InitEntry, initEntries, renderConfigYaml } from '../../core/init-defaults.js';
import { findRepo } from '../../git/repo.js';
import { CONFIG_FILE } from '../../project/config-file.js';
import { detectProject } from '../../project/detect.js';
import { printJson } from '../output.js';

interface InitOptions {
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

function describe(entry: InitEntry): string {
  const v = entry.value;
  const shown = Array.isArray(v)
    ? v.length
      ? v.join(', ')
      : '(none)'
    : typeof v === 'object'
      ? JSON.stringify(v)
      : String(v);
  return `  ${entry.key.padEnd(10)} ${shown}`;
}

async function init(opts: InitOptions): Promise<void> {
  const repo = await findRepo(process.cwd());
  const file = path.join(repo.root, CONFIG_FILE);
  if (existsSync(file) && !opts.force) {
    throw new BraidError(
      'E_CONFIG',
      `${file} already exists`,
      'Edit it by hand, or run braid init --force to replace it with detected defaults.',
    );
  }
  const entries = initEntries(await detectProject(repo.root));
  const text = renderConfigYaml(entries);
  // What we write must be what braid reads back: never leave a file that fails validation.
  const config = parseConfig(parseYaml(text), CONFIG_FILE);
  writeFileSync(file, text);
  if (opts.json) return printJson({ path: file, config: entriesToConfig(entries) });
  process.stdout.write(`wrote ${file}\ndetected:\n${entries.map(describe).join('\n')}\n`);
  if (!config.gate)
    process.stdout.write('no test script found: set `gate` to the command that must pass before landing\n');
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'write braid.yaml with defaults detected from this repository (package manager, setup, gate, .env files, ports)',
    )
    .option('-y, --yes', 'do not ask anything (init never prompts today; accepted for scripts)')
    .option('--force', 'replace an existing braid.yaml')
    .option('--json', 'print {path, config} instead of the summary')
    .action((opts: InitOptions) => init(opts));
}
