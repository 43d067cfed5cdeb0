import type { Project } from '../../project/project.js';
import { BASE_KEY, radarSignatures } from '../../watch/radar/precheck.js';
import { scanRadar } from '../../watch/radar/scan.js';
import { liveTasks } from '../../watch/radar/snapshots.js';
import type { EventLog } from './event-log.js';

/** Even with every signature unchanged, a full scan this often (edits no cheap check sees). */
const FULL_SCAN_EVERY_MS = 5 * 60_000;

/** Radar snapshots on a timer (edit hooks re-scan their own task; this catches everything else). */
export class RadarLoop {
  private lastSignature: string | null = null;
  /** Each live task's cheap signature at the last scan, and the base branch's tip. */
  private seen = new Map<string, string>();
  private lastFullAt = 0;

  constructor(
    private readonly project: Project,
    private readonly log: EventLog,
  ) {}

  async pass(): Promise<void> {
    const live = liveTasks(this.project.store);
    if (live.length === 0) return;
    const base = this.project.config.base ?? live[0].base;
    const sigs = await radarSignatures(this.project.store, this.project.repo.root, live, base);
    // Hook-reported agents re-scan after each edit and change status each turn: the signature suffices.
    // Other agents' edits show in no signature until counted: they are scanned every pass.
    const changed = live
      .filter((t) => t.statusSource !== 'hook' || sigs.get(t.name) !== this.seen.get(t.name))
      .map((t) => t.name);
    const full =
      Date.now() - this.lastFullAt >= FULL_SCAN_EVERY_MS ||
      sigs.get(BASE_KEY) !== this.seen.get(BASE_KEY) ||
      sigs.size !== this.seen.size;
    // Nothing a snapshot would see moved: no git process at all.
    if (!full && changed.length === 0) return;
    const report = await scanRadar(this.project, full ? {} : { tasks: changed });
    this.seen = sigs;
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
}
