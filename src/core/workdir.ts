import path from 'node:path';
import { BraidError } from './errors.js';

/** The folder a session starts in: `workdir` (task's, else braid.yaml's) inside the worktree, or the worktree. */
export function sessionCwd(worktree: string, workdir: string | null | undefined): string {
  if (!workdir) return worktree;
  const dir = path.resolve(worktree, workdir);
  const rel = path.relative(worktree, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new BraidError(
      'E_PATH_ESCAPE',
      `workdir '${workdir}' leads outside the task's worktree (${worktree})`,
      'Give workdir as a folder inside the repository, like packages/api.',
    );
  return dir;
}

/** The task's own workdir (braid new --workdir, a plan's task) wins over braid.yaml's. */
export function taskWorkdir(
  options: Record<string, unknown>,
  configured: string | undefined,
): string | undefined {
  return typeof options.workdir === 'string' && options.workdir ? options.workdir : configured;
}

/** The task's own cone paths (a plan's task `sparse:`) win over braid.yaml's; none: a full checkout. */
export function taskSparse(
  options: Record<string, unknown>,
  configured: readonly string[] | undefined,
): string[] {
  const own = options.sparse;
  if (Array.isArray(own) && own.length && own.every((p) => typeof p === 'string')) return own as string[];
  return [...(configured ?? [])];
}
