import { collectWorkspaceGarbage, type GcAction } from '../isolate/workspace/gc.js';
import { collectLandGarbage } from '../land/gc.js';
import type { Project } from '../project/project.js';
import { removeOrphanContainers } from '../run/session/container-gc.js';
import { clearStaleLocks } from '../store/locks.js';

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
  // Last: a dead land's gate row was how its orphaned gate was found.
  for (const lock of clearStaleLocks(project.store))
    actions.push({ kind: 'stale-lock', target: lock.name, detail: `holder pid ${lock.pid} is gone` });
  return actions;
}
