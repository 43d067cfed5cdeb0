import { git } from '../git/git.js';
import type { GcAction } from '../isolate/workspace/gc.js';
import { isGateLessee } from '../isolate/workspace/ports.js';
import { withWorktreeLock } from '../isolate/workspace/worktree-lock.js';
import type { Project } from '../project/project.js';
import { portLessees, releasePorts } from '../store/ports.js';
import { endStaleGateGroups } from './gate-group.js';
import { queueLockHolder } from './queue-lock.js';
import { removeOrphanScratch } from './scratch.js';

/**
 * Repairs what a `braid land` that died leaves behind: scratch worktrees nothing uses, the gate's
 * port block, gate process groups still running. A live queue's own are left alone.
 */
export async function collectLandGarbage(project: Project): Promise<GcAction[]> {
  const { store, repo } = project;
  const actions: GcAction[] = [];
  // A running queue may be creating or using the gate's scratch worktree: only an idle one is tidied.
  const queueRuns = queueLockHolder(store) !== null;
  if (!queueRuns) {
    const removed = await removeOrphanScratch(repo, project.config.worktrees);
    for (const { dir, why, bytes } of removed)
      actions.push({
        kind: 'orphan-scratch',
        target: dir,
        detail: `gate scratch worktree removed: ${why}`,
        ...(bytes ? { bytes } : {}),
      });
    // A folder removed by hand leaves git's admin entry behind.
    if (removed.length > 0)
      await withWorktreeLock(repo.root, () => git(['worktree', 'prune'], { cwd: repo.root }));
    // The gate's block is kept between gates while a queue runs; with no live queue it is stale.
    for (const lessee of portLessees(store).filter(isGateLessee)) {
      releasePorts(store, lessee);
      actions.push({
        kind: 'stale-lease',
        target: lessee,
        detail: 'released the merge-queue gate ports (no queue is running)',
      });
    }
  }
  // Before the stale locks: a dead land's gate row is also how its orphaned gate is found.
  for (const g of await endStaleGateGroups(store, { holdsQueue: false })) {
    actions.push({
      kind: 'stale-gate',
      target: g.name,
      detail: `ended the orphaned gate process group ${g.pgid} (${g.holder})`,
    });
  }
  return actions;
}
