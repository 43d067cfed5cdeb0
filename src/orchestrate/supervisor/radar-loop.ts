import type { Project } from '../../project/project.js';
import { scanRadar } from '../../watch/radar/scan.js';
import { liveTasks } from '../../watch/radar/snapshots.js';
import type { EventLog } from './event-log.js';

/** Radar snapshots on a timer (edit hooks re-scan their own task; this catches everything else). */
export class RadarLoop {
  private lastSignature: string | null = null;

  constructor(
    private readonly project: Project,
    private readonly log: EventLog,
  ) {}

  async pass(): Promise<void> {
    if (liveTasks(this.project.store).length === 0) return;
    const report = await scanRadar(this.project);
    const key = (f: { a: string; b: string; kind: string; files: string[] }) =>
      `${f.a}|${f.b}|${f.kind}|${f.files.join(',')}`;
    const signature = [...report.pairs, ...report.vsMain].map(key).sort().join('\n');
    if (signature !== this.lastSignature) {
      if (this.lastSignature !== null || signature !== '')
        this.log.append({ kind: 'radar.changed', pairs: report.pairs.length, vsBase: report.vsMain.length });
      this.lastSignature = signature;
    }
  }
}
