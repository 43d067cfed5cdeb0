/** Per-scan memo of merge bases and each side's changes against them (many pairs share a base). */
import {
  type FileChange,
  type LineRange,
  parseNameStatusZ,
  parseUnifiedZero,
} from '../../core/radar-parse.js';
import { gitRun } from '../../git/git.js';

const DIFF_FLAGS = ['--no-renames', '--no-color', '--no-ext-diff', '--no-textconv'];

export class SideDiffs {
  private readonly bases = new Map<string, Promise<string | null>>();
  private readonly names = new Map<string, Promise<FileChange[]>>();

  constructor(private readonly cwd: string) {}

  mergeBase(a: string, b: string): Promise<string | null> {
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    let hit = this.bases.get(key);
    if (!hit) {
      hit = gitRun(['merge-base', a, b], { cwd: this.cwd, allowFailure: true }).then((r) =>
        r.code === 0 ? r.stdout.trim() : null,
      );
      this.bases.set(key, hit);
    }
    return hit;
  }

  /** Files `commit` changes against `base`, with git's status letter. */
  changes(base: string, commit: string): Promise<FileChange[]> {
    const key = `${base}:${commit}`;
    let hit = this.names.get(key);
    if (!hit) {
      hit = gitRun(['diff', '--name-status', '-z', ...DIFF_FLAGS, base, commit, '--'], {
        cwd: this.cwd,
      }).then((r) => parseNameStatusZ(r.stdout));
      this.names.set(key, hit);
    }
    return hit;
  }

  /** The merge-base lines `commit` changes in `files`. */
  async ranges(base: string, commit: string, files: string[]): Promise<Map<string, LineRange[]>> {
    const specs = [...new Set(files)].map((f) => `:(literal)${f}`);
    const res = await gitRun(['diff', '-U0', ...DIFF_FLAGS, base, commit, '--', ...specs], { cwd: this.cwd });
    return parseUnifiedZero(res.stdout);
  }
}
