/** The conflict radar as the faces show it: a scan now and then, the stored findings in between. */
import { baseSide, type PairFinding } from '../core/radar-messages.js';
import type { Project } from '../project/project.js';
import { cachedReport, type RadarReport, scanRadar } from '../watch/radar/scan.js';
import { liveTasks } from '../watch/radar/snapshots.js';

export interface RadarView {
  report: RadarReport | null;
  /** Why the last scan failed, or null. */
  error: string | null;
}

/**
 * Scans (git merge-tree per changed pair) at most every `everyMs`; in between, reads what the edit
 * hooks' rescans and the supervisor's radar loop stored, so a new finding shows without waiting.
 */
export class RadarWatch {
  private scannedAt = 0;
  private last: RadarView = { report: null, error: null };

  constructor(
    private readonly project: Project,
    private readonly everyMs: number,
  ) {}

  async current(): Promise<RadarView> {
    if (Date.now() - this.scannedAt >= this.everyMs) {
      this.scannedAt = Date.now();
      try {
        this.last = { report: await scanRadar(this.project), error: null };
      } catch (err) {
        this.last = { report: this.last.report, error: (err as Error).message };
      }
      return this.last;
    }
    const prev = this.last.report;
    if (!prev) return this.last;
    const tasks = liveTasks(this.project.store).map((t) => t.name);
    const report = cachedReport(this.project.store, prev.base, tasks, [...tasks, baseSide(prev.base)]);
    this.last = { report, error: this.last.error };
    return this.last;
  }
}

/** Every finding as a pair of sides (the base branch as its side, `@main`): what a task row's warning reads. */
export function radarFindings(report: RadarReport | null): PairFinding[] {
  if (!report) return [];
  return [...report.pairs, ...report.vsMain.map((f) => ({ ...f, b: baseSide(f.b) }))];
}
