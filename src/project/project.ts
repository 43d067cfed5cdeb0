import type { BraidConfig } from '../core/config.js';
import { findRepo, type RepoInfo } from '../git/repo.js';
import { openStore, type Store } from '../store/db.js';
import { loadProjectConfig } from './config-cache.js';

/** Everything a command needs about the repository it runs in. */
export interface Project {
  repo: RepoInfo;
  config: BraidConfig;
  configFile: string | null;
  store: Store;
  close(): void;
}

export async function openProject(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Project> {
  const repo = await findRepo(cwd);
  const { config, file } = await loadProjectConfig(repo, env);
  const store = openStore(repo.commonDir);
  return { repo, config, configFile: file, store, close: () => store.close() };
}

/** Opens the project, runs fn, and always closes the store. */
export async function withProject<T>(cwd: string, fn: (p: Project) => Promise<T>): Promise<T> {
  const project = await openProject(cwd);
  try {
    return await fn(project);
  } finally {
    project.close();
  }
}
