import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/exec/run.js';
import { findRepo, type RepoInfo } from '../../src/git/repo.js';
import { ROOT } from './cli.js';
import { addFinishedTask } from './land.js';
import { type TempRepo, tempRepo } from './repo.js';

/** Small real npm projects (package.json + package-lock.json from the registry) whose tests a gate runs. */
const GATE_PROJECTS = ['jest', 'vitest'] as const;
export type GateProject = (typeof GATE_PROJECTS)[number];

export function gateProjectDir(kind: GateProject): string {
  return path.join(ROOT, 'test', 'fixtures', 'gate-projects', kind);
}

/** Written into an installed node_modules: the lockfile it was installed from. */
const MARK = '.installed-from-lock';

function lockHash(dir: string): string {
  return createHash('sha256')
    .update(readFileSync(path.join(dir, 'package-lock.json')))
    .digest('hex');
}

/** True when the project's node_modules was installed from its current lockfile. */
export function gateProjectInstalled(kind: GateProject): boolean {
  const dir = gateProjectDir(kind);
  const mark = path.join(dir, 'node_modules', MARK);
  return existsSync(mark) && readFileSync(mark, 'utf8') === lockHash(dir);
}

/**
 * `npm ci` for each project whose node_modules is missing or older than its lockfile; kept in
 * place (gitignored) so later runs skip it. Installs in a folder of its own and renames it into
 * place, so two test runs starting together never see a half-written node_modules.
 */
export async function installGateProjects(): Promise<void> {
  for (const kind of GATE_PROJECTS) {
    if (gateProjectInstalled(kind)) continue;
    const dir = gateProjectDir(kind);
    const work = mkdtempSync(path.join(dir, '.install-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) cpSync(path.join(dir, f), path.join(work, f));
      await run('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
        cwd: work,
        timeoutMs: 600_000,
      });
      writeFileSync(path.join(work, 'node_modules', MARK), lockHash(dir));
      if (gateProjectInstalled(kind)) continue; // another run finished first
      const stale = path.join(work, 'stale');
      if (existsSync(path.join(dir, 'node_modules'))) renameSync(path.join(dir, 'node_modules'), stale);
      renameSync(path.join(work, 'node_modules'), path.join(dir, 'node_modules'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

/**
 * Copies the project's own files (not node_modules, not install leftovers) into `dest`, and its
 * installed node_modules beside them, as a developer's checkout would have.
 */
async function copyGateProject(kind: GateProject, dest: string, opts: { withTests?: boolean } = {}) {
  const dir = gateProjectDir(kind);
  if (!gateProjectInstalled(kind))
    throw new Error(`${dir}/node_modules is missing: the tests' global setup installs it (npm ci)`);
  cpSync(dir, dest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(dir, src);
      const top = rel.split(path.sep)[0];
      if (top === 'node_modules' || top.startsWith('.install-')) return false;
      return opts.withTests !== false || top !== 'test';
    },
  });
  await run('cp', ['-a', '--reflink=auto', '--', path.join(dir, 'node_modules'), dest], {
    cwd: dest,
    timeoutMs: 300_000,
  });
}

export interface TestCounts {
  passed: number;
  failed: number;
  total: number;
}

/** The test counts a jest or vitest summary line reports, from a gate log; null when it has none. */
export function testCounts(log: string): TestCounts | null {
  // jest:   "Tests:       1 failed, 4 passed, 5 total"
  const jest = /^Tests:\s+(.*?)(\d+) total$/m.exec(log);
  if (jest) {
    const n = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(jest[1])?.[1] ?? 0);
    return { passed: n('passed'), failed: n('failed'), total: Number(jest[2]) };
  }
  // vitest: "      Tests  1 failed | 4 passed (5)"
  const vitest = /^\s*Tests\s+(.*?)\((\d+)\)$/m.exec(log);
  if (vitest) {
    const n = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(vitest[1])?.[1] ?? 0);
    return { passed: n('passed'), failed: n('failed'), total: Number(vitest[2]) };
  }
  return null;
}

/** The seconds the gate command ran, from the log's last line ("# exit 0 after 3.1 s"). */
export function gateSeconds(log: string): number | null {
  const m = /^# exit \S+ after ([\d.]+) s$/m.exec(log);
  return m ? Number(m[1]) : null;
}

export interface GateProjectRepo {
  repo: TempRepo;
  info: RepoInfo;
  /** Makes a task the way braid does (branch braid/<name>, worktree beside the repository) with one commit. */
  addTask(name: string, files: Record<string, string>): Promise<void>;
  /** The gate logs of a task, oldest first. */
  gateLogs(task: string): string[];
}

/**
 * A git repository made from a gate project: its files committed on main with a braid.yaml whose
 * gate is `gate`, node_modules in the main checkout (gitignored) as after `npm ci`.
 */
export async function gateProjectRepo(
  kind: GateProject,
  gate: string,
  opts: { withTests?: boolean; yaml?: string } = {},
): Promise<GateProjectRepo> {
  const repo = await tempRepo({ empty: true });
  await copyGateProject(kind, repo.dir, opts);
  repo.write('braid.yaml', `gate: ${gate}\ngate_timeout: 300\n${opts.yaml ?? ''}`);
  await repo.commit(`${kind} project`);
  const info = await findRepo(repo.dir);
  const worktrees = path.join(repo.parent, 'repo.braid');
  return {
    repo,
    info,
    async addTask(name, files) {
      await addFinishedTask(repo.dir, info.commonDir, name, path.join(worktrees, name), files);
    },
    gateLogs(task) {
      const dir = path.join(info.commonDir, 'braid', 'logs');
      const logs: string[] = [];
      for (let n = 0; existsSync(path.join(dir, `gate-${task}-${n}.log`)); n++)
        logs.push(readFileSync(path.join(dir, `gate-${task}-${n}.log`), 'utf8'));
      return logs;
    },
  };
}

/**
 * A task's files in the project's own style: `src/<name>.js` exporting `fn`, and a test calling it
 * (CommonJS for jest, ESM for vitest) that expects `call` to equal `expected`.
 */
export function taskFiles(
  kind: GateProject,
  name: string,
  fn: { params: string; body: string },
  check: { title: string; call: string; expected: string },
): Record<string, string> {
  const func = `function ${name}(${fn.params}) {\n  ${fn.body}\n}\n`;
  const body = `test('${check.title}', () => {\n  expect(${check.call}).toEqual(${check.expected});\n});\n`;
  return kind === 'jest'
    ? {
        [`src/${name}.js`]: `'use strict';\n\n${func}\nmodule.exports = { ${name} };\n`,
        [`test/${name}.test.js`]: `'use strict';\nconst { ${name} } = require('../src/${name}');\n\n${body}`,
      }
    : {
        [`src/${name}.js`]: `export ${func}`,
        [`test/${name}.test.js`]: `import { expect, test } from 'vitest';\nimport { ${name} } from '../src/${name}.js';\n\n${body}`,
      };
}
