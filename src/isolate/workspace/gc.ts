import { existsSync } from 'node:fs';
import { backupRef, taskBranch } from '../../core/names.js';
import { git } from '../../git/git.js';
import { snapshotWorktree } from '../../git/snapshot.js';
import { clearStaleRefLocks } from '../../git/stale-ref-locks.js';
import type { Project } from '../../project/project.js';
import { isAbandoned, openOperations } from '../../store/journal.js';
import { portLessees, releasePorts } from '../../store/ports.js';
import { listTasks } from '../../store/tasks.js';
import { dropOrphanDatabases } from './database-orphans.js';
import { diskBytes } from './disk.js';
import { isMainCheckout } from './main-checkout.js';
import { isGateLessee } from './ports.js';
import { recoverTask } from './recover.js';
import { removeTask, removeWorktree } from './remove.js';
import { withWorktreeLock } from './worktree-lock.js';

export interface GcAction {
  kind:
    | 'operation'
    | 'missing-worktree'
    | 'orphan-worktree'
    | 'orphan-scratch'
    | 'orphan-database'
    | 'orphan-container'
    | 'orphan-pod'
    | 'stale-lease'
    | 'stale-lock'
    | 'stale-gate'
    | 'stale-ref-lock';
  target: string;
  detail: string;
  /** Bytes on disk the removal freed (measured just before), where it removed a folder. */
  bytes?: number;
}

interface WorktreeEntry {
  path: string;
  branch: string | null;
}

async function listWorktrees(root: string): Promise<WorktreeEntry[]> {
  const out = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: root });
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of out.split('\0')) {
    if (field.startsWith('worktree ')) {
      current = { path: field.slice('worktree '.length), branch: null };
      entries.push(current);
    } else if (field.startsWith('branch ') && current)
      current.branch = field.slice('branch refs/heads/'.length);
  }
  return entries;
}

/**
 * Repairs what crashes and hand-deleted folders leave of task workspaces; every removal is backed up
 * first. The merge queue's leftovers are land/gc.ts's (its gate ports included).
 */
export async function collectWorkspaceGarbage(project: Project): Promise<GcAction[]> {
  const { store, repo } = project;
  const actions: GcAction[] = [];
  // First: a ref lock a killed git left would fail every later step that moves a braid ref.
  const workPaths = [repo.root, ...(await listWorktrees(repo.root)).map((w) => w.path)];
  for (const v of clearStaleRefLocks(repo.commonDir, workPaths))
    actions.push({ kind: 'stale-ref-lock', target: v.path, detail: v.detail });
  const opTasks = new Set(
    openOperations(store)
      .filter(isAbandoned)
      .map((op) => op.task),
  );
  for (const name of opTasks) {
    const done = await recoverTask(project, name);
    if (done) actions.push({ kind: 'operation', target: name, detail: done });
  }
  for (const task of listTasks(store)) {
    // A read-only task's "worktree" is the main checkout: never a folder to repair or remove.
    if (task.status === 'landed' || isMainCheckout(project, task.worktree) || existsSync(task.worktree))
      continue;
    // The folder was deleted by hand: the branch still holds the commits, so back it up and forget the task.
    const result = await removeTask(project, task.name, { force: true });
    actions.push({
      kind: 'missing-worktree',
      target: task.name,
      detail: `worktree folder was gone; task removed${result.backupRef ? `, branch backed up at ${result.backupRef}` : ''}`,
    });
  }
  const known = new Set(listTasks(store).map((t) => taskBranch(t.name)));
  for (const wt of await listWorktrees(repo.root)) {
    if (!wt.branch?.startsWith('braid/') || known.has(wt.branch) || wt.path === repo.root) continue;
    if (!existsSync(wt.path)) continue;
    const ref = backupRef(wt.branch.slice('braid/'.length), new Date());
    await snapshotWorktree(wt.path, { ref, message: `braid gc backup of ${wt.path}` });
    const bytes = await diskBytes(wt.path);
    await removeWorktree(repo.root, wt.path);
    actions.push({
      kind: 'orphan-worktree',
      target: wt.path,
      detail: `no task owned it; backed up at ${ref}`,
      ...(bytes ? { bytes } : {}),
    });
  }
  await withWorktreeLock(repo.root, () => git(['worktree', 'prune'], { cwd: repo.root }));
  const names = new Set(listTasks(store).map((t) => t.name));
  if (project.config.database?.kind === 'postgres') {
    try {
      const opts = { owner: repo.commonDir, cwd: repo.root, liveTasks: names };
      for (const db of await dropOrphanDatabases(project.config.database, opts))
        actions.push({ kind: 'orphan-database', target: db, detail: 'dropped: its task no longer exists' });
    } catch (err) {
      // An unreachable server must not stop the rest of the repair.
      actions.push({
        kind: 'orphan-database',
        target: '(server)',
        detail: `not checked: ${(err as Error).message}`,
      });
    }
  }
  for (const task of portLessees(store)) {
    if (names.has(task) || isGateLessee(task)) continue;
    releasePorts(store, task);
    actions.push({
      kind: 'stale-lease',
      target: task,
      detail: 'released the ports of a task that no longer exists',
    });
  }
  return actions;
}
