import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../src/exec/run.js';
import { until } from './wait.js';

/**
 * Identity and settings every test repository gets: forced main, inline identity, no background gc
 * (nor the `git maintenance run --auto` each commit would start),
 * and none of the user's own git config (system or global: an empty file, visible in a sandbox too).
 */
export const GIT_TEST_ENV = {
  GIT_AUTHOR_NAME: 'Braid Test',
  GIT_AUTHOR_EMAIL: 'test@braid.invalid',
  GIT_COMMITTER_NAME: 'Braid Test',
  GIT_COMMITTER_EMAIL: 'test@braid.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export async function g(cwd: string, ...args: string[]): Promise<string> {
  const res = await run('git', args, { cwd, env: GIT_TEST_ENV });
  return res.stdout.trim();
}

export interface TempRepo {
  /** The repository's main worktree (realpath). */
  dir: string;
  /** The temp folder holding it; worktrees land beside the repository inside it. */
  parent: string;
  write(rel: string, content: string): void;
  commit(message: string, files?: Record<string, string>): Promise<string>;
  git(...args: string[]): Promise<string>;
  cleanup(): void;
  /** cleanup, tried until it succeeds: detached writers (rescans, late hooks) may go on a while on a busy machine. */
  cleanupEventually(): Promise<void>;
}

export interface TempRepoOptions {
  /** Folder name of the repository (spaces allowed). */
  name?: string;
  /** Files of the first commit; none means an empty repository with no commits. */
  files?: Record<string, string>;
  empty?: boolean;
}

/** A real git repository in a temp folder, with `main` checked out and one commit unless `empty`. */
export async function tempRepo(options: TempRepoOptions = {}): Promise<TempRepo> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-test-')));
  const dir = path.join(parent, options.name ?? 'repo');
  mkdirSync(dir, { recursive: true });
  await g(dir, 'init', '-q', '-b', 'main');
  // One write instead of a git process per setting: the suite makes hundreds of repositories.
  appendFileSync(
    path.join(dir, '.git', 'config'),
    '[user]\n\tname = Braid Test\n\temail = test@braid.invalid\n[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n[commit]\n\tgpgsign = false\n',
  );
  const repo: TempRepo = {
    dir,
    parent,
    write(rel, content) {
      const file = path.join(dir, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    },
    async commit(message, files = {}) {
      for (const [rel, content] of Object.entries(files)) repo.write(rel, content);
      await g(dir, 'add', '-A');
      await g(dir, 'commit', '-q', '--allow-empty', '-m', message);
      return g(dir, 'rev-parse', 'HEAD');
    },
    git: (...args) => g(dir, ...args),
    cleanup() {
      // Retried: a detached radar rescan started by a late edit hook may still be writing objects.
      rmSync(parent, { recursive: true, force: true, maxRetries: 20, retryDelay: 200 });
    },
    async cleanupEventually() {
      await until('the temp repository removed', () => {
        try {
          repo.cleanup();
          return true;
        } catch {
          return false;
        }
      });
    },
  };
  if (!options.empty) await repo.commit('initial', options.files ?? { 'README.md': '# sample\n' });
  return repo;
}
