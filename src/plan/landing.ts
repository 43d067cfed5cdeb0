import type { Project } from '../project/project.js';
import { landTasks } from '../queue/report.js';
import type { LandOutcome } from './runner.js';

/** The plan runner lands through the same queue as `braid land`. */
export async function landQueue(project: Project, names: string[]): Promise<LandOutcome> {
  const res = await landTasks(project, names);
  return {
    landed: res.landed
      .filter((l) => l.commit !== null)
      .map((l) => ({ name: l.name, commit: l.commit as string })),
    rejected: [
      ...res.rejected.map((r) => ({ ...r, reason: r.reason ?? 'rejected' })),
      ...res.landed
        .filter((l) => l.commit === null)
        .map((l) => ({ name: l.name, reason: 'nothing to land', conflictFiles: [] })),
    ],
  };
}
