import { measureTaskDisks } from '../../isolate/workspace/disk.js';
import type { Project } from '../../project/project.js';
import { diskUses } from '../../store/disk.js';
import { listTasks } from '../../store/tasks.js';

/**
 * Keeps each task's disk use fresh enough for `braid ls` and `stats`: a pass measures the tasks whose
 * figure is older than `maxAgeMs` (so a restarted supervisor does not measure everything again).
 */
export class DiskLoop {
  constructor(
    private readonly project: Project,
    private readonly maxAgeMs: number,
  ) {}

  async pass(): Promise<void> {
    const known = diskUses(this.project.store);
    const now = Date.now();
    const due = listTasks(this.project.store).filter((t) => {
      const k = known.get(t.name);
      return !k || now - k.measuredAt >= this.maxAgeMs;
    });
    await measureTaskDisks(this.project.store, due);
  }
}
