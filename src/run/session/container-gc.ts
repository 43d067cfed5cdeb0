/** `braid gc`: containers labelled with this repository whose task is gone (or whose session ended long ago). */
import { containerLabels } from '../../core/container-args.js';
import type { Project } from '../../project/project.js';
import { listTasks } from '../../store/tasks.js';
import { detectEngine, engine, labelledContainers } from '../runtime/container/engine.js';

export interface RemovedContainer {
  name: string;
  task: string;
}

/** Removes this repository's containers that belong to no task; none without an engine. */
export async function removeOrphanContainers(project: Project): Promise<RemovedContainer[]> {
  const name = await detectEngine(project.config.container.engine).catch(() => null);
  if (!name) return [];
  const repoLabel = { 'braid.repo': containerLabels(project.repo.commonDir, '')['braid.repo'] };
  const tasks = new Set(listTasks(project.store).map((t) => t.name));
  const removed: RemovedContainer[] = [];
  for (const c of await labelledContainers(name, repoLabel)) {
    if (tasks.has(c.task)) continue;
    const res = await engine(name, ['rm', '-f', c.name], { allowFailure: true });
    if (res.code === 0) removed.push(c);
  }
  return removed;
}
