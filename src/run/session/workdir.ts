import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BraidConfig } from '../../core/config.js';
import { BraidError } from '../../core/errors.js';
import type { Task } from '../../core/task.js';
import { sessionCwd, taskWorkdir } from '../../core/workdir.js';

/** Where the task's session starts: its workdir, which must be a folder of the worktree (links included). */
export function checkedSessionCwd(task: Task, config: BraidConfig): string {
  const workdir = taskWorkdir(task.options, config.workdir);
  const dir = sessionCwd(task.worktree, workdir);
  if (dir === task.worktree) return dir;
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new BraidError(
      'E_SESSION',
      `workdir '${workdir}' is not a folder of task '${task.name}''s worktree (${dir})`,
      'Commit the folder on the base branch (a sparse checkout must include it), or fix workdir (braid.yaml, the plan, --workdir).',
    );
  const rel = path.relative(realpathSync(task.worktree), realpathSync(dir));
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new BraidError(
      'E_PATH_ESCAPE',
      `workdir '${workdir}' links outside task '${task.name}''s worktree`,
      'Point workdir at a real folder inside the repository.',
    );
  return dir;
}
