import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type BraidConfig, parseConfig } from '../src/core/config.js';
import { initEntries, type ProjectFacts, renderConfigYaml } from '../src/core/init-defaults.js';
import { runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

async function repoWith(
  files: Record<string, string>,
  untracked: Record<string, string> = {},
): Promise<TempRepo> {
  const repo = await tempRepo({ files: { 'README.md': '# x\n', ...files } });
  repos.push(repo);
  for (const [rel, content] of Object.entries(untracked)) repo.write(rel, content);
  return repo;
}

function readWritten(repo: TempRepo): BraidConfig {
  return parseConfig(parse(readFileSync(path.join(repo.dir, 'braid.yaml'), 'utf8')), 'braid.yaml');
}

const facts = (over: Partial<ProjectFacts>): ProjectFacts => ({
  lockfiles: [],
  scripts: null,
  untrackedEnvFiles: [],
  branch: 'main',
  migrationDirs: [],
  ...over,
});

describe('init defaults (pure)', () => {
  it.each([
    ['package-lock.json', 'npm ci', 'npm test'],
    ['pnpm-lock.yaml', 'pnpm install --frozen-lockfile', 'pnpm test'],
    ['yarn.lock', 'yarn install --frozen-lockfile', 'yarn test'],
    ['bun.lockb', 'bun install', 'bun run test'],
  ])('%s gives setup %s', (lockfile, setup, gate) => {
    const text = renderConfigYaml(initEntries(facts({ lockfiles: [lockfile], scripts: { test: 'vitest' } })));
    const config = parseConfig(parse(text), 'braid.yaml');
    expect(config.setup).toEqual([setup]);
    expect(config.gate).toBe(gate);
    // One comment line above each key.
    for (const key of ['base', 'setup', 'gate', 'ports']) expect(text).toMatch(new RegExp(`# .+\\n${key}:`));
    // The permission policy headless agents get, with this project's gate and setup among the rules.
    expect(text).toContain('# permissions: a headless Claude Code run gets --permission-mode acceptEdits');
    expect(text).toContain('# notify:');
    expect(text).toContain(`"Bash(${gate}:*)"`);
    expect(text).toContain(`"Bash(${setup}:*)"`);
  });

  it("lets package.json's packageManager pick among several lockfiles, and skips npm's placeholder test", () => {
    const entries = initEntries(
      facts({
        lockfiles: ['yarn.lock', 'package-lock.json'],
        packageManagerField: 'npm@10.2.0',
        scripts: { test: 'echo "Error: no test specified" && exit 1' },
      }),
    );
    const config = parseConfig(parse(renderConfigYaml(entries)), 'braid.yaml');
    expect(config.setup).toEqual(['npm ci']);
    expect(config.gate).toBeUndefined();
  });
});

describe('braid init', () => {
  it('writes a braid.yaml that parses, from an npm repo with untracked .env files and migrations', async () => {
    const repo = await repoWith(
      {
        'package.json': JSON.stringify({ scripts: { test: 'vitest run' } }),
        'package-lock.json': '{}',
        '.gitignore': '.env.local\n',
        'db/migrations/001.sql': 'select 1;\n',
        '.env.example': 'PORT=1\n',
      },
      { '.env': 'A=1\n', '.env.local': 'B=2\n', '.envrc': 'use nix\n', 'sub/.env': 'C=3\n' },
    );
    const res = await runCli(repo.dir, ['init', '--yes']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('npm ci');
    const config = readWritten(repo);
    expect(config.base).toBe('main');
    expect(config.setup).toEqual(['npm ci']);
    expect(config.gate).toBe('npm test');
    // Tracked .env.example, .envrc and nested files stay out; the ignored .env.local is in.
    expect(config.include).toEqual(['.env', '.env.local']);
    expect(config.ports).toEqual({ names: ['PORT'], range: [3100, 3999], block: 10 });
    expect(config.migrations?.glob).toBe('db/migrations/**');
    // The note above the key says what braid does with it, and no more.
    const written = readFileSync(path.join(repo.dir, 'braid.yaml'), 'utf8');
    expect(written).toContain(
      '# the radar flags colliding migration numbers; run migrations with `braid lock migrations -- <cmd>`',
    );
  });

  it('works without any package manager, reports --json, and refuses to overwrite without --force', async () => {
    const repo = await repoWith({});
    await repo.git('checkout', '-q', '-b', 'trunk');
    const first = await runCli(repo.dir, ['init', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout) as { path: string; config: Record<string, unknown> };
    expect(doc.path).toBe(path.join(repo.dir, 'braid.yaml'));
    expect(doc.config).toMatchObject({ base: 'trunk', setup: [], include: [] });
    expect(doc.config.gate).toBeUndefined();
    expect(readWritten(repo).base).toBe('trunk');

    repo.write('braid.yaml', 'agent: codex\n');
    const again = await runCli(repo.dir, ['init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(again.stderr).toMatch(/--force/);
    expect(readFileSync(path.join(repo.dir, 'braid.yaml'), 'utf8')).toBe('agent: codex\n');

    const forced = await runCli(repo.dir, ['init', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readWritten(repo).agent).toBe('claude');
  });
});
