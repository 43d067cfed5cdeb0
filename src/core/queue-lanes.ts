import { dependentsOf, type UnitGraph, unitOf } from './queue-graph.js';

/**
 * Lanes of a speculation window, pure: changes whose touched files are disjoint from everything ahead
 * of them in other lanes. A lane guarantees only this: leaving a lane's changes out of a candidate
 * never changes how another lane's changes merge (same files, same contents, no conflict). It does not
 * say the combination passes the gate (a test in one lane may read a file of another): every tree main
 * moves to is still gated exactly, as a whole.
 */

/** Two repository paths touch the same thing: equal, or one is a folder holding the other. */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Any path of one list overlaps any path of the other. */
function touchesAny(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const exact = new Set(b);
  if (a.some((p) => exact.has(p))) return true;
  return a.some((p) => b.some((q) => pathsOverlap(p, q)));
}

/**
 * A lane number per change, in queue order: a change that touches no file of any change ahead of it
 * opens a new lane; one that touches a single lane joins it; one that touches several merges them into
 * one (every change in them answers that lane: leaving one out then leaves out more than it must, never
 * less). Unknown files (null) share every lane, ahead and behind: a change whose files braid could
 * not read is never taken for independent. With a build `graph` (core/queue-graph.ts), a change in a
 * unit that depends on a unit another touches (or the other way round) is in its lane too; a file in
 * no unit belongs to the root, which every unit depends on. Lanes are numbered by their first change.
 */
export function assignLanes(
  files: ReadonlyArray<readonly string[] | null>,
  graph?: UnitGraph | null,
): number[] {
  const reach = graph ? dependentsOf(graph) : null;
  const units = files.map((f) => (graph && f ? new Set(f.map((file) => unitOf(file, graph))) : null));
  // With a build graph, a change in a unit that depends on one the other touches shares its lane.
  const dependent = (a: number, b: number) =>
    !!reach &&
    [...(units[a] ?? [])].some((ua) =>
      [...(units[b] ?? [])].some((ub) => reach.get(ub)?.has(ua) || reach.get(ua)?.has(ub)),
    );
  // Union-find over the changes: parent[i] is i's lane representative (the smallest index in it).
  const parent = files.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const join = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let i = 0; i < files.length; i++) {
    const mine = files[i];
    for (let j = 0; j < i; j++) {
      const theirs = files[j];
      if (mine === null || theirs === null || touchesAny(mine, theirs) || dependent(i, j)) join(i, j);
    }
  }
  return files.map((_, i) => find(i));
}

/**
 * The changes a candidate that leaves out change `suspect` must leave out too: the suspect and every
 * change after it in its lane (they touch its files, so without it they would merge differently or not
 * at all). Changes before the suspect are never in the set.
 */
export function laneFrom(lanes: readonly number[], suspect: number): Set<number> {
  const out = new Set<number>();
  for (let i = suspect; i < lanes.length; i++) if (lanes[i] === lanes[suspect]) out.add(i);
  return out;
}

/**
 * The members of an alternative candidate: main plus the first `lo` changes (a green prefix), then every
 * later change outside the suspect's lane, in queue order. Null when that leaves nothing after the prefix.
 */
export function alternativeMembers(lanes: readonly number[], lo: number, suspect: number): number[] | null {
  const skip = laneFrom(lanes, suspect);
  const rest: number[] = [];
  for (let i = lo; i < lanes.length; i++) if (!skip.has(i)) rest.push(i);
  return rest.length ? rest : null;
}

/**
 * Splits `git diff-tree --stdin -r --name-only -z` output (each commit's id, then its files, all
 * NUL-separated; a commit with no change prints nothing) into the files of each of `commits`, in order.
 */
export function filesPerCommit(out: string, commits: readonly string[]): string[][] {
  const files: string[][] = commits.map(() => []);
  let at = -1;
  for (const token of out.split('\0')) {
    if (!token) continue;
    // A commit's header: the next of the commits asked about that has not printed yet.
    const next = commits.indexOf(token, at + 1);
    if (next > at) at = next;
    else if (at >= 0) files[at].push(token);
  }
  return files;
}
