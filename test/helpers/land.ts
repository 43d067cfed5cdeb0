import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ConfigInput, parseConfig } from '../../src/core/config.js';
import { findRepo } from '../../src/git/repo.js';
import type { LandContext } from '../../src/land/context.js';
import { openStore, type Store } from '../../src/store/db.js';
import { insertTask } from '../../src/store/tasks.js';
import { g, type TempRepo, tempRepo } from './repo.js';

export interface LandFixture {
  repo: TempRepo;
  ctx: LandContext;
  /** File where the gate script records "<tree> pass|fail" for each run. */
  record: string;
  /** Progress lines the executor printed. */
  lines: string[];
  addTask(
    name: string,
    files: Record<string, string>,
    opts?: { prompt?: string; commit?: boolean },
  ): Promise<string>;
  gateRuns(): Array<{ tree: string; passed: boolean }>;
  close(): void;
}

/**
 * A gate that fails when any top-level .txt file says BROKEN, checks it runs on a clean checkout,
 * and records the tree it saw; `extra` is shell run first (the test's own hooks).
 */
export function gateScript(record: string, extra = ''): string {
  return `${extra}
tree=$(git rev-parse 'HEAD^{tree}')
if [ -n "$(git status --porcelain)" ] || grep -qs BROKEN *.txt; then echo "$tree fail" >> '${record}'; exit 1; fi
echo "$tree pass" >> '${record}'
`;
}

/**
 * Makes a finished task the way braid does: branch braid/<name> from main in worktree `dir`, `files`
 * written (folders made) and committed unless `commit` is false, and an exited shell task in the store.
 */
export async function addFinishedTask(
  repoDir: string,
  storeOrCommonDir: Store | string,
  name: string,
  dir: string,
  files: Record<string, string>,
  opts: { prompt?: string; commit?: boolean } = {},
): Promise<string> {
  const base = await g(repoDir, 'rev-parse', 'main');
  await g(repoDir, 'worktree', 'add', '-q', '-b', `braid/${name}`, dir, 'main');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  if (opts.commit !== false) {
    await g(dir, 'add', '-A');
    await g(dir, 'commit', '-q', '-m', `${name}: work`);
  }
  const owned = typeof storeOrCommonDir === 'string';
  const store = owned ? openStore(storeOrCommonDir) : storeOrCommonDir;
  try {
    insertTask(store, {
      name,
      branch: `braid/${name}`,
      worktree: dir,
      base: 'main',
      baseCommit: base,
      agent: 'shell',
      status: 'exited',
      prompt: opts.prompt ?? `Do ${name}`,
    });
  } finally {
    if (owned) store.close();
  }
  return dir;
}

export async function landFixture(
  options: { config?: ConfigInput; files?: Record<string, string>; gateExtra?: string } = {},
): Promise<LandFixture> {
  const repo = await tempRepo({ files: options.files ?? { 'README.md': '# sample\n' } });
  const record = path.join(repo.parent, 'gate-runs.txt');
  const script = path.join(repo.parent, 'gate.sh');
  writeFileSync(script, gateScript(record, options.gateExtra));
  const info = await findRepo(repo.dir);
  const store = openStore(info.commonDir);
  const config = parseConfig(
    { gate: `sh ${script}`, gate_timeout: 60, gate_slots: 1, ...options.config },
    'test',
  );
  const lines: string[] = [];
  const ctx: LandContext = { repo: info, config, store, onProgress: (l) => lines.push(l) };
  return {
    repo,
    ctx,
    record,
    lines,
    addTask(name, files, opts = {}) {
      return addFinishedTask(repo.dir, store, name, path.join(repo.parent, `wt-${name}`), files, opts);
    },
    gateRuns() {
      if (!existsSync(record)) return [];
      return readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [tree, verdict] = l.split(' ');
          return { tree, passed: verdict === 'pass' };
        });
    },
    close() {
      store.close();
      repo.cleanup();
    },
  };
}

/** The trees of the commits main gained since `from`, oldest first (first-parent history). */
export async function landedTrees(repo: TempRepo, from: string): Promise<string[]> {
  const out = await repo.git('log', '--first-parent', '--reverse', '--format=%T', `${from}..main`);
  return out ? out.split('\n') : [];
}
