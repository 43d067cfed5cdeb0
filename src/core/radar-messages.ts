/**
 * What the radar tells agents, pure and light: a hook process loads this on every tool use, so it
 * stays free of the glob engine the pair classification needs (core/radar.ts).
 */
import type { LineRange } from './radar-parse.js';

export type FindingKind = 'textual' | 'overlap' | 'migration';

export interface FileLines {
  a: LineRange[];
  b: LineRange[];
}

export interface MigrationCollision {
  number: string;
  a: string;
  b: string;
}

export interface PairFinding {
  a: string;
  b: string;
  kind: FindingKind;
  files: string[];
  /** For textual and overlap: each side's changed lines (merge-base numbering) per file. */
  lines?: Record<string, FileLines>;
  /** For migration: the colliding files of each side. */
  collisions?: MigrationCollision[];
}

/** The base branch takes part in pairs as a side named `@<branch>` (never a valid task name). */
const BASE_SIDE_PREFIX = '@';
export const baseSide = (branch: string): string => `${BASE_SIDE_PREFIX}${branch}`;
export const isBaseSide = (side: string): boolean => side.startsWith(BASE_SIDE_PREFIX);
export const sideLabel = (side: string): string => (isBaseSide(side) ? side.slice(1) : side);

/** Merges touching or overlapping ranges and prints them as `10-40, 52`. */
export function formatRanges(ranges: LineRange[]): string {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const merged: LineRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`)).join(', ');
}

export interface RadarMessage {
  /** Stable identity of the finding from this task's point of view, for once-per-finding delivery. */
  key: string;
  text: string;
}

function linesPart(ranges: LineRange[] | undefined): string {
  if (!ranges?.length) return '';
  const shown = formatRanges(ranges);
  return ` ${shown.includes(',') || shown.includes('-') ? 'lines' : 'line'} ${shown}`;
}

/** The messages `task` should get about `findings`: one per finding and file. */
export function messagesFor(task: string, findings: PairFinding[]): RadarMessage[] {
  const out: RadarMessage[] = [];
  for (const f of findings) {
    if (f.a !== task && f.b !== task) continue;
    const mine: 'a' | 'b' = f.a === task ? 'a' : 'b';
    const other = mine === 'a' ? f.b : f.a;
    const who = isBaseSide(other) ? `${sideLabel(other)} (moved since your base)` : `task ${other}`;
    if (f.kind === 'migration') {
      for (const c of f.collisions ?? []) {
        const theirs = mine === 'a' ? c.b : c.a;
        const yours = mine === 'a' ? c.a : c.b;
        out.push({
          key: `migration|${other}|${theirs}|${yours}`,
          text: `${who} also adds migration ${theirs}, numbered like your ${yours}; renumber yours or coordinate`,
        });
      }
      continue;
    }
    const advice = isBaseSide(other) ? 'rebase onto it or stay out' : 'coordinate or stay out';
    const why = f.kind === 'textual' ? 'your changes conflict with it' : 'no conflict yet';
    for (const file of f.files) {
      const theirLines = f.lines?.[file]?.[mine === 'a' ? 'b' : 'a'];
      out.push({
        key: `${f.kind}|${other}|${file}`,
        text: `${who} also changes ${file}${linesPart(theirLines)} (${why}); ${advice}`,
      });
    }
  }
  return out;
}

/** Tools whose use may change files in the worktree. */
export const EDITING_TOOLS: readonly string[] = [
  'Write',
  'Edit',
  'MultiEdit',
  'NotebookEdit',
  'Bash',
  'apply_patch',
];
