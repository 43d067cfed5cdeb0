import { radarRescanNeeded } from '../../core/radar.js';
import type { Task } from '../../core/task.js';
import { editingStatus } from '../../core/task-changes.js';
import type { BranchTipsCache } from '../../git/refs.js';
import type { Project } from '../../project/project.js';
import { type RadarSignatures, radarSignatures } from '../../watch/radar/precheck.js';
import { scanRadar } from '../../watch/radar/scan.js';
import { liveTasks } from '../../watch/radar/snapshots.js';
import type { EventLog } from './event-log.js';

/** Even with every signature unchanged, a full scan this often (edits no cheap check sees). */
const FULL_SCAN_EVERY_MS = 5 * 60_000;

/** Radar snapshots on a timer (edit hooks re-scan their own task; this catches everything else). */
export class RadarLoop {
  private lastSignature: string | null = null;
  /** Each live task's cheap signature at the last scan that covered it, and the base branch's tip. */
  private seen = new Map<string, string>();
  private seenBase: string | null = null;
  /** When the last scan covering each task began. */
  private scannedAt = new Map<string, number>();
  private lastFullAt = 0;

  constructor(
    private readonly project: Project,
    private readonly log: EventLog,
    private readonly tips?: BranchTipsCache,
  ) {}

  async pass(): Promise<void> {
    const live = liveTasks(this.project.store);
    if (live.length === 0) return;
    const base = this.project.config.base ?? live[0].base;
    const { store, repo } = this.project;
    const tips = this.tips;
    const sigs = await radarSignatures(store, repo.root, live, base, tips && (() => tips.get()));
    const changed = live.filter((t) => this.moved(t, sigs)).map((t) => t.name);
    const full =
      Date.now() - this.lastFullAt >= FULL_SCAN_EVERY_MS ||
      sigs.base !== this.seenBase ||
      live.some((t) => !this.seen.has(t.name)) ||
      this.seen.size !== live.length;
    // Nothing a snapshot would see moved: no git process at all.
    if (!full && changed.length === 0) return;
    const began = Date.now();
    const report = await scanRadar(this.project, full ? {} : { tasks: changed });
    const covered = full ? live.map((t) => t.name) : changed;
    if (full) this.seen = new Map();
    for (const name of covered) {
      this.seen.set(name, sigs.tasks.get(name)?.signature ?? '');
      this.scannedAt.set(name, began);
    }
    for (const name of this.scannedAt.keys()) if (!sigs.tasks.has(name)) this.scannedAt.delete(name);
    this.seenBase = sigs.base;
    if (full) this.lastFullAt = Date.now();
    const key = (f: { a: string; b: string; kind: string; files: string[] }) =>
      `${f.a}|${f.b}|${f.kind}|${f.files.join(',')}`;
    const signature = [...report.pairs, ...report.vsMain].map(key).sort().join('\n');
    if (signature !== this.lastSignature) {
      if (this.lastSignature !== null || signature !== '')
        this.log.append({ kind: 'radar.changed', pairs: report.pairs.length, vsBase: report.vsMain.length });
      this.lastSignature = signature;
    }
  }

  private moved(task: Task, sigs: RadarSignatures): boolean {
    const now = sigs.tasks.get(task.name);
    return radarRescanNeeded({
      hookReported: task.statusSource === 'hook',
      atWork: editingStatus(task.status),
      signature: now?.signature ?? '',
      scannedSignature: this.seen.get(task.name),
      countedAt: now?.countedAt ?? 0,
      scannedAt: this.scannedAt.get(task.name) ?? 0,
    });
  }
}
