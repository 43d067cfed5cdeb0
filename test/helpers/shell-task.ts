/** The frame of the workspace tests: one temp repository per test, and tasks whose agent is a shell script. */
import path from 'node:path';
import { afterEach, beforeAll, expect } from 'vitest';
import { requireBuiltCli, runCli } from './cli.js';
import { type TempRepo, type TempRepoOptions, tempRepo } from './repo.js';

/**
 * For a test file: requires the built CLI, and removes each test's repository after it. Returns the maker:
 * `const repo = await makeRepo({ files })` inside a test.
 */
export function repoPerTest(): (options?: TempRepoOptions) => Promise<TempRepo> {
  let current: TempRepo | null = null;
  beforeAll(requireBuiltCli, 120_000);
  afterEach(() => {
    current?.cleanup();
    current = null;
  });
  return async (options) => {
    current = await tempRepo(options);
    return current;
  };
}

/** `braid new NAME --agent shell --headless -p SCRIPT …extra` must succeed; returns the task's worktree. */
export async function startShellTask(
  repo: TempRepo,
  name: string,
  script: string,
  extra: string[] = [],
): Promise<string> {
  const res = await runCli(repo.dir, ['new', name, '--agent', 'shell', '--headless', '-p', script, ...extra]);
  expect(res.code, res.stderr).toBe(0);
  return path.join(repo.parent, 'repo.braid', name);
}
