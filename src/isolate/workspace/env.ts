import type { Task } from '../../core/task.js';
import type { PortMap } from '../../store/ports.js';

/** `COMPOSE_PROJECT_NAME` must be lowercase letters, digits, dashes and underscores. */
function composeProjectName(repoName: string, task: string): string {
  const repo =
    repoName
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'repo';
  return `${repo}-${task}`;
}

/** The environment every session, setup command and gate of a task runs with. */
export function taskEnvironment(
  repo: { name: string; root: string },
  task: Pick<Task, 'name'>,
  ports: PortMap,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    BRAID_TASK: task.name,
    BRAID_REPO: repo.root,
    COMPOSE_PROJECT_NAME: composeProjectName(repo.name, task.name),
  };
  for (const [name, port] of Object.entries(ports)) env[name] = String(port);
  return { ...env, ...extra };
}

/** Where `migrations:` is configured, sessions learn the lock to run them under (`braid lock $BRAID_MIGRATIONS_LOCK -- …`). */
export function migrationEnv(config: { migrations?: { lock: string } }): Record<string, string> {
  return config.migrations ? { BRAID_MIGRATIONS_LOCK: config.migrations.lock } : {};
}

/** `export K='v'` lines, quoted for POSIX shells. */
export function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}
