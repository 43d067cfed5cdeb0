import { defaultLandHooks } from '../../land/hooks.js';
import { landTasks } from '../../land/report.js';
import type { Project } from '../../project/project.js';
import type { LandOutcome } from './runner.js';

/** The plan runner lands through the same queue as `braid land`. */
export async function landQueue(project: Project, names: string[]): Promise<LandOutcome> {
  // Conflicts handed back to an agent are neither landed nor rejected: the task runs again and returns.
  const res = await landTasks(project, names, { hooks: defaultLandHooks(project) });
  return {
    landed: res.landed
      .filter((l) => l.commit !== null)
      .map((l) => ({ name: l.name, commit: l.commit as string })),
    handedBack: res.handedBack,
    rejected: [
      ...res.rejected.map((r) => ({ ...r, reason: r.reason ?? 'rejected' })),
      ...res.landed
        .filter((l) => l.commit === null)
        .map((l) => ({ name: l.name, reason: 'nothing to land', conflictFiles: [] })),
    ],
  };
}
