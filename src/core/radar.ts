/**
 * The conflict radar's decisions, pure: which pairs need recomputing, what a pair's merge and
 * changes mean (textual conflict, overlap, migration collision); what to tell each agent is in radar-messages.ts.
 */
import { compileGlob } from './glob.js';
import { type FileLines, isBaseSide, type MigrationCollision, type PairFinding } from './radar-messages.js';
import { type FileChange, type LineRange, migrationNumber } from './radar-parse.js';

export type { FindingKind, MigrationCollision, PairFinding } from './radar-messages.js';
export type { FileChange, LineRange } from './radar-parse.js';

export interface SideState {
  name: string;
  tree: string;
}

export interface CachedPair {
  a: string;
  b: string;
  aTree: string;
  bTree: string;
}

/** Pairs are stored once, ordered: tasks by name, the base branch always second. */
export function orderPair(x: string, y: string): [string, string] {
  if (isBaseSide(x)) return [y, x];
  if (isBaseSide(y)) return [x, y];
  return x < y ? [x, y] : [y, x];
}

/** What the radar loop knows of a live task before spawning git. */
export interface RadarWatch {
  /** Its status comes from hooks: each edit re-scans it, each turn moves its signature. */
  hookReported: boolean;
  /** Its agent is at work (starting, working): it may be changing its files right now. */
  atWork: boolean;
  /** Its cheap signature now, and at the last scan that covered it (undefined: never scanned). */
  signature: string;
  scannedSignature: string | undefined;
  /** When the changes loop last counted its files, and when its last scan began (0: never). */
  countedAt: number;
  scannedAt: number;
}

/**
 * Whether the radar loop re-scans a task. A moved signature always does. An agent without hooks
 * edits unseen by any signature until the changes loop counts its files: at work, it is scanned
 * unless counted since its last scan; not at work, only a person edits it, seen once counted.
 */
export function radarRescanNeeded(w: RadarWatch): boolean {
  if (w.signature !== w.scannedSignature) return true;
  if (w.hookReported || !w.atWork) return false;
  return w.countedAt <= w.scannedAt;
}

/**
 * Every pair of sides (task × task, task × base; never base × base) whose cached result is missing
 * or was computed on another tree of either side; with `scope`, only pairs involving those tasks.
 */
export function pairsToRecompute(
  sides: SideState[],
  cached: CachedPair[],
  scope?: readonly string[],
): Array<[string, string]> {
  const tree = new Map(sides.map((s) => [s.name, s.tree]));
  const known = new Map(cached.map((c) => [`${c.a}\0${c.b}`, c]));
  const todo: Array<[string, string]> = [];
  for (let i = 0; i < sides.length; i++) {
    for (let j = i + 1; j < sides.length; j++) {
      const [a, b] = orderPair(sides[i].name, sides[j].name);
      if (isBaseSide(a) && isBaseSide(b)) continue;
      if (scope && !scope.includes(a) && !scope.includes(b)) continue;
      const hit = known.get(`${a}\0${b}`);
      if (hit && hit.aTree === tree.get(a) && hit.bTree === tree.get(b)) continue;
      todo.push([a, b]);
    }
  }
  return todo;
}

export interface PairInput {
  a: string;
  b: string;
  /** merge-tree's verdict on the two snapshots. */
  merge: { clean: boolean; conflictFiles: string[] };
  /** Each side's changes against the pair's merge base. */
  aChanges: FileChange[];
  bChanges: FileChange[];
  migrationsGlob?: string;
}

/** Files both sides touch, in order. */
function sharedFiles(aChanges: FileChange[], bChanges: FileChange[]): string[] {
  const inB = new Set(bChanges.map((c) => c.path));
  return aChanges.map((c) => c.path).filter((p) => inB.has(p));
}

/** Migrations both sides add under the configured glob whose numbers are equal but whose files differ. */
export function migrationCollisions(
  aChanges: FileChange[],
  bChanges: FileChange[],
  glob: string,
): MigrationCollision[] {
  const { matches } = compileGlob(glob);
  const added = (changes: FileChange[]) =>
    changes
      .filter((c) => c.status === 'A' && matches(c.path))
      .map((c) => ({ path: c.path, number: migrationNumber(c.path) }))
      .filter((m): m is { path: string; number: string } => m.number !== null);
  const bAdded = added(bChanges);
  const out: MigrationCollision[] = [];
  for (const ma of added(aChanges)) {
    for (const mb of bAdded) {
      if (ma.number === mb.number && ma.path !== mb.path)
        out.push({ number: ma.number, a: ma.path, b: mb.path });
    }
  }
  return out;
}

/**
 * What one pair amounts to, without line numbers yet: a textual conflict (the files merge-tree
 * conflicts on), an overlap (other files both touch, merging cleanly), a migration collision.
 */
export function classifyPair(input: PairInput): PairFinding[] {
  const { a, b } = input;
  const findings: PairFinding[] = [];
  const shared = sharedFiles(input.aChanges, input.bChanges);
  let conflicted = input.merge.conflictFiles;
  // merge-tree can fail without naming a file (e.g. a directory/file clash); name the shared ones then.
  if (!input.merge.clean && !conflicted.length) conflicted = shared;
  if (!input.merge.clean) findings.push({ a, b, kind: 'textual', files: conflicted });
  const overlap = shared.filter((f) => !conflicted.includes(f));
  if (overlap.length) findings.push({ a, b, kind: 'overlap', files: overlap });
  if (input.migrationsGlob) {
    const collisions = migrationCollisions(input.aChanges, input.bChanges, input.migrationsGlob);
    if (collisions.length) {
      const files = collisions.flatMap((c) => [c.a, c.b]);
      findings.push({ a, b, kind: 'migration', files: [...new Set(files)], collisions });
    }
  }
  return findings;
}

/** Attaches both sides' line ranges to textual and overlap findings. */
export function withLines(
  findings: PairFinding[],
  aRanges: Map<string, LineRange[]>,
  bRanges: Map<string, LineRange[]>,
): PairFinding[] {
  return findings.map((f) => {
    if (f.kind === 'migration') return f;
    const lines: Record<string, FileLines> = {};
    for (const file of f.files) lines[file] = { a: aRanges.get(file) ?? [], b: bRanges.get(file) ?? [] };
    return { ...f, lines };
  });
}
