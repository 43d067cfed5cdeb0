import { existsSync } from 'node:fs';
import { measureTaskDisks } from '../isolate/workspace/disk.js';
import { collectWorkspaceGarbage, type GcAction } from '../isolate/workspace/gc.js';
import { collectLandGarbage } from '../land/gc.js';
import type { Project } from '../project/project.js';
import { removeOrphanContainers } from '../run/session/container-gc.js';
import { removeOrphanPods } from '../run/session/kube-gc.js';
import { clearStaleLocks } from '../store/locks.js';
import { listTasks } from '../store/tasks.js';

export type { GcAction } from '../isolate/workspace/gc.js';

/** `braid gc`: each stage repairs its own leftovers, then locks whose holder died are dropped. */
export async function collectGarbage(project: Project): Promise<GcAction[]> {
  const actions = [...(await collectWorkspaceGarbage(project)), ...(await collectLandGarbage(project))];
  for (const c of await removeOrphanContainers(project))
    actions.push({
      kind: 'orphan-container',
      target: c.name,
      detail: `removed: task '${c.task}' no longer exists`,
    });
  for (const p of await removeOrphanPods(project))
    actions.push({
      kind: 'orphan-pod',
      target: p.name,
      detail: `deleted: task '${p.task}' no longer exists`,
    });
  // Last: a dead land's gate row was how its orphaned gate was found.
  for (const lock of clearStaleLocks(project.store))
    actions.push({ kind: 'stale-lock', target: lock.name, detail: `holder pid ${lock.pid} is gone` });
  return actions;
}

export interface Reclaimable {
  task: string;
  worktree: string;
  bytes: number;
  /** What frees it. */
  how: string;
}

/** Landed tasks whose worktree is still on disk: `braid rm` frees them (gc never removes a task). */
export async function reclaimableTasks(project: Project): Promise<Reclaimable[]> {
  const landed = listTasks(project.store).filter((t) => t.status === 'landed' && existsSync(t.worktree));
  const measured = await measureTaskDisks(project.store, landed);
  return landed
    .filter((t) => measured.has(t.name))
    .map((t) => ({
      task: t.name,
      worktree: t.worktree,
      bytes: measured.get(t.name) ?? 0,
      how: `braid rm ${t.name}`,
    }));
}
