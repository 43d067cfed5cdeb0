import { BraidError } from '../../core/errors.js';
import { assertTaskName } from '../../core/names.js';
import type { Task } from '../../core/task.js';
import { currentBranch, hasCommits, resolveCommit } from '../../git/repo.js';
import type { Project } from '../../project/project.js';
import { getTask, insertTask } from '../../store/tasks.js';
import { setupLogPath } from './paths.js';
import { recoverTask } from './recover.js';

export interface ReadonlyTaskRequest {
  name: string;
  agent?: string;
  prompt?: string;
  headless?: boolean;
  options?: Record<string, unknown>;
}

/** Records a read-only task on the main checkout's current commit: no worktree, branch, ports or setup. */
export async function createReadonlyTask(project: Project, req: ReadonlyTaskRequest): Promise<Task> {
  assertTaskName(req.name);
  const { store, repo, config } = project;
  await recoverTask(project, req.name);
  if (!(await hasCommits(repo.root))) {
    throw new BraidError(
      'E_NO_COMMITS',
      'this repository has no commits yet',
      'Make a first commit, then try again.',
    );
  }
  const branch = (await currentBranch(repo.root)) ?? 'HEAD';
  const commit = await resolveCommit(repo.root, 'HEAD');
  return store.tx(() => {
    if (getTask(store, req.name)) {
      throw new BraidError(
        'E_TASK_EXISTS',
        `task '${req.name}' already exists`,
        `Pick another name, or braid rm ${req.name} first.`,
      );
    }
    return insertTask(store, {
      name: req.name,
      branch,
      worktree: repo.root,
      base: branch,
      baseCommit: commit,
      agent: req.agent ?? config.agent,
      prompt: req.prompt ?? null,
      runtime: req.headless ? 'headless' : 'tmux',
      status: 'idle',
      options: { ...req.options, readonly: true },
      logPath: setupLogPath(repo.commonDir, req.name),
    });
  });
}
