import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../../core/errors.js';
import { assertTaskName, taskBranch, worktreeLocation } from '../../core/names.js';
import type { Task } from '../../core/task.js';
import { taskSparse } from '../../core/workdir.js';
import { git } from '../../git/git.js';
import { currentBranch, hasCommits, refExists, resolveCommit } from '../../git/repo.js';
import { sparseCheckout } from '../../git/sparse.js';
import type { Project } from '../../project/project.js';
import {
  beginOperation,
  finishOperation,
  type Operation,
  pausePoint,
  recordStep,
} from '../../store/journal.js';
import { getTask, insertTask, mergeTaskOptions, updateTask } from '../../store/tasks.js';
import { dropDatabase, provisionDatabase } from './database.js';
import { cloneNodeModules, decideDeps } from './deps.js';
import { migrationEnv, taskEnvironment } from './env.js';
import { copyFiles, includedFiles } from './includes.js';
import { setupLogPath } from './paths.js';
import { leasePorts } from './ports.js';
import { recoverTask } from './recover.js';
import { runSetup } from './setup.js';
import { withWorktreeLock } from './worktree-lock.js';

export interface NewTaskRequest {
  name: string;
  base?: string;
  agent?: string;
  prompt?: string;
  headless?: boolean;
  needs?: string[];
  runId?: string;
  options?: Record<string, unknown>;
  onProgress?: (message: string) => void;
}

/** The base a task starts from: --base, else `base` in braid.yaml, else the main checkout's branch. */
async function resolveBase(project: Project, requested?: string): Promise<{ base: string; commit: string }> {
  const root = project.repo.root;
  if (!(await hasCommits(root)) && !requested) {
    throw new BraidError(
      'E_NO_COMMITS',
      'this repository has no commits yet',
      'Make a first commit, then try again.',
    );
  }
  const base = requested ?? project.config.base ?? (await currentBranch(root));
  if (!base) {
    throw new BraidError(
      'E_DETACHED_HEAD',
      'the main checkout has a detached HEAD, so there is no branch to start from',
      'Pass --base <branch>, set base: in braid.yaml, or check out a branch.',
    );
  }
  return { base, commit: await resolveCommit(root, base) };
}

function worktreePathFor(project: Project, name: string): string {
  return path.resolve(project.repo.root, worktreeLocation(project.config.worktrees, project.repo.name, name));
}

/** Provisions a task's workspace step by step, journaled so a killed run is repaired by the next braid. */
export async function provisionTask(project: Project, req: NewTaskRequest): Promise<Task> {
  assertTaskName(req.name);
  const { store, repo, config } = project;
  const repaired = await recoverTask(project, req.name);
  if (repaired) req.onProgress?.(repaired);
  if (getTask(store, req.name)) {
    throw new BraidError(
      'E_TASK_EXISTS',
      `task '${req.name}' already exists`,
      `Pick another name, or braid rm ${req.name} first.`,
    );
  }
  const { base, commit } = await resolveBase(project, req.base);
  const branch = taskBranch(req.name);
  if (await refExists(repo.root, `refs/heads/${branch}`)) {
    throw new BraidError(
      'E_TASK_EXISTS',
      `branch ${branch} already exists`,
      `Delete or rename it (git branch -m ${branch} …) first.`,
    );
  }
  const worktree = worktreePathFor(project, req.name);
  if (existsSync(worktree) && readdirSync(worktree).length) {
    throw new BraidError(
      'E_TASK_EXISTS',
      `the folder ${worktree} already exists and is not empty`,
      'Move it away, or run braid gc.',
    );
  }
  const op = store.tx(() => {
    if (getTask(store, req.name)) {
      throw new BraidError('E_TASK_EXISTS', `task '${req.name}' already exists`, `Pick another name.`);
    }
    insertTask(store, {
      name: req.name,
      branch,
      worktree,
      base,
      baseCommit: commit,
      agent: req.agent ?? config.agent,
      prompt: req.prompt ?? null,
      runtime: req.headless ? 'headless' : 'tmux',
      needs: req.needs ?? [],
      runId: req.runId ?? null,
      options: req.options ?? {},
      logPath: setupLogPath(repo.commonDir, req.name),
    });
    return beginOperation(store, req.name, 'provision', { worktree, branch });
  });
  pausePoint('provision', 'begin');
  return runProvision(project, op, req, { worktree, branch, commit });
}

export interface WorkspaceTarget {
  worktree: string;
  branch: string;
  commit: string;
}

/** Runs the steps the journal does not list as done, then marks the task idle (or failed, with why). */
export async function runProvision(
  project: Project,
  op: Operation,
  req: NewTaskRequest,
  where: WorkspaceTarget,
): Promise<Task> {
  const { store } = project;
  try {
    await buildWorkspace(project, op, req, where);
  } catch (err) {
    const why = err instanceof BraidError ? err.message : String(err);
    updateTask(store, req.name, { status: 'failed', statusSource: 'process', statusDetail: why });
    finishOperation(store, op, 'failed');
    throw err;
  }
  updateTask(store, req.name, { status: 'idle', statusSource: 'process', statusDetail: null });
  finishOperation(store, op, 'done');
  return getTask(store, req.name) as Task;
}

async function buildWorkspace(
  project: Project,
  op: Operation,
  req: NewTaskRequest,
  where: WorkspaceTarget,
): Promise<void> {
  const { store, repo, config } = project;
  const say = req.onProgress ?? (() => {});
  // Steps a killed run already finished are skipped; a half-done one is redone from clean.
  const resumed = op.doneSteps.length > 0;
  const todo = (step: string) => !op.doneSteps.includes(step);
  if (todo('worktree')) {
    say(`creating worktree ${where.worktree}`);
    // A sparse task's worktree is filled after its cone is set: a big checkout never lands whole.
    const sparse = taskSparse(getTask(store, req.name)?.options ?? req.options ?? {}, config.sparse);
    const noCheckout = sparse.length ? ['--no-checkout'] : [];
    await withWorktreeLock(repo.root, () =>
      git(
        ['worktree', 'add', '--quiet', ...noCheckout, '-b', where.branch, '--', where.worktree, where.commit],
        {
          cwd: repo.root,
        },
      ),
    );
    if (sparse.length) {
      say(`sparse checkout of ${sparse.join(', ')}`);
      await sparseCheckout(where.worktree, sparse);
    }
    recordStep(store, op, 'worktree');
  }

  let copied = (op.data.included as string[] | undefined) ?? [];
  if (todo('include')) {
    copied = copyFiles(repo.root, where.worktree, await includedFiles(repo.root, config.include));
    if (copied.length) say(`copied ${copied.join(', ')}`);
    recordStep(store, op, 'include', { included: copied });
  }

  // Leasing is idempotent: a task that holds its block keeps it.
  const ports = await leasePorts(store, req.name, config.ports);
  if (todo('ports')) recordStep(store, op, 'ports');

  let dbEnv = (getTask(store, req.name)?.options.databaseEnv as Record<string, string>) ?? {};
  if (config.database && todo('database')) {
    say(`creating the task's ${config.database.kind} database`);
    const dbCtx = { task: req.name, repoRoot: repo.root, worktree: where.worktree, owner: repo.commonDir };
    if (resumed) await dropDatabase(config.database, dbCtx);
    const db = await provisionDatabase(config.database, dbCtx);
    dbEnv = db.env;
    mergeTaskOptions(store, req.name, { database: db.info, databaseEnv: db.env });
    recordStep(store, op, 'database');
  }

  if (!todo('deps')) return;
  // A copy or install cut short is not trusted: start it again from nothing.
  if (resumed) rmSync(path.join(where.worktree, 'node_modules'), { recursive: true, force: true });
  const deps = decideDeps(config, repo.root, where.worktree);
  mergeTaskOptions(store, req.name, { deps: deps.action, depsReason: deps.reason, includes: copied });
  if (deps.action === 'clone') {
    say(`cloning node_modules (${deps.reason})`);
    await cloneNodeModules(repo.root, where.worktree);
  } else if (deps.action === 'install' && config.setup.length) {
    await runSetup({
      commands: config.setup,
      cwd: where.worktree,
      env: taskEnvironment(repo, { name: req.name }, ports, { ...migrationEnv(config), ...dbEnv }),
      logPath: setupLogPath(repo.commonDir, req.name),
      timeoutSeconds: config.setup_timeout,
      onProgress: say,
    });
  }
  recordStep(store, op, 'deps');
}
