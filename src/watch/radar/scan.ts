/** `scanRadar`: snapshot live tasks, merge-tree the pairs whose sides changed, cache and report findings. */
import { BraidError } from '../../core/errors.js';
import { classifyPair, pairsToRecompute, type SideState, withLines } from '../../core/radar.js';
import { baseSide, isBaseSide, type PairFinding } from '../../core/radar-messages.js';
import type { Task } from '../../core/task.js';
import { gitRun } from '../../git/git.js';
import { mergeTrees } from '../../git/merge-tree.js';
import { readRefs } from '../../git/refs.js';
import { currentBranch } from '../../git/repo.js';
import type { Project } from '../../project/project.js';
import type { Store } from '../../store/db.js';
import { listCachedPairs, listFindings, pruneRadar, savePair } from '../../store/radar.js';
import { SideDiffs } from './diffs.js';
import { currentSnapshot, liveTasks, radarRef } from './snapshots.js';

export interface RadarReport {
  /** The base branch the tasks are compared against. */
  base: string;
  /** Live tasks, in creation order. */
  tasks: string[];
  /** Task × task findings. */
  pairs: PairFinding[];
  /** Task × base-branch findings (`b` is the branch name). */
  vsMain: PairFinding[];
  /** The pairs this scan recomputed (the rest came from the cache); the base branch side is `@<branch>`. */
  recomputed: Array<[string, string]>;
}

interface Side {
  name: string;
  commit: string;
  tree: string;
}

/** Runs `fn` over `items` with at most `limit` in flight (the machine's git processes are the bottleneck). */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The branch tasks land on: configured, else the one the tasks were started from, else the main checkout's. */
async function radarBaseBranch(project: Project, live: Task[]): Promise<string> {
  return project.config.base ?? live[0]?.base ?? (await currentBranch(project.repo.root)) ?? 'main';
}

async function baseBranchSide(cwd: string, branch: string): Promise<Side | null> {
  if (branch.startsWith('-')) return null; // never let a configured name read as an option
  // rev-parse in git 2.39 has no --end-of-options; the trailing `--` keeps both arguments revisions.
  const res = await gitRun(['rev-parse', `${branch}^{commit}`, `${branch}^{tree}`, '--'], {
    cwd,
    allowFailure: true,
  });
  if (res.code !== 0) return null;
  const [commit, tree] = res.stdout.trim().split('\n');
  return { name: baseSide(branch), commit, tree };
}

async function computePair(
  cwd: string,
  a: Side,
  b: Side,
  diffs: SideDiffs,
  glob?: string,
): Promise<PairFinding[]> {
  const base = await diffs.mergeBase(a.commit, b.commit);
  if (!base) return []; // unrelated histories cannot be landed together anyway
  const [merge, aChanges, bChanges] = await Promise.all([
    mergeTrees(cwd, a.commit, b.commit),
    diffs.changes(base, a.commit),
    diffs.changes(base, b.commit),
  ]);
  const findings = classifyPair({ a: a.name, b: b.name, merge, aChanges, bChanges, migrationsGlob: glob });
  const lineFiles = findings.filter((f) => f.kind !== 'migration').flatMap((f) => f.files);
  if (!lineFiles.length) return findings;
  const [aRanges, bRanges] = await Promise.all([
    diffs.ranges(base, a.commit, lineFiles),
    diffs.ranges(base, b.commit, lineFiles),
  ]);
  return withLines(findings, aRanges, bRanges);
}

/**
 * Brings the radar up to date and reports every current finding among live tasks. With `tasks`,
 * only those tasks are re-snapshotted and only their pairs recomputed (what each edit hook asks for).
 */
export async function scanRadar(project: Project, options: { tasks?: string[] } = {}): Promise<RadarReport> {
  const store = project.store;
  const cwd = project.repo.root;
  const live = liveTasks(store);
  for (const name of options.tasks ?? []) {
    if (!live.some((t) => t.name === name))
      throw new BraidError('E_NO_TASK', `no live task named '${name}'`, 'See the live tasks with braid ls.');
  }
  const rescan = (name: string) => !options.tasks || options.tasks.includes(name);
  // Whether the snapshot refs still exist: one git process for the scan, only if a fingerprint matched.
  let refs: Promise<Map<string, string>> | null = null;
  const radarRefs = () =>
    (refs ??= readRefs(
      cwd,
      live.filter((t) => rescan(t.name)).map((t) => radarRef(t.name)),
    ));
  const snaps = await pool(live, 3, (t) => currentSnapshot(store, t, rescan(t.name), radarRefs));
  const sides: Side[] = snaps.map((s) => ({ name: s.task, commit: s.commit, tree: s.tree }));
  const branch = await radarBaseBranch(project, live);
  const mainSide = await baseBranchSide(cwd, branch);
  if (mainSide) sides.push(mainSide);
  const dropped = project.store.tx(() =>
    pruneRadar(
      store,
      sides.map((s) => s.name),
    ),
  );
  // A finished task's snapshot ref would only keep its objects alive.
  for (const task of dropped) await gitRun(['update-ref', '-d', radarRef(task)], { cwd, allowFailure: true });

  const byName = new Map(sides.map((s) => [s.name, s]));
  const stateOf: SideState[] = sides.map((s) => ({ name: s.name, tree: s.tree }));
  const todo = pairsToRecompute(stateOf, listCachedPairs(store), options.tasks);
  const diffs = new SideDiffs(cwd);
  const glob = project.config.migrations?.glob;
  await pool(todo, 3, async ([a, b]) => {
    const sa = byName.get(a)!;
    const sb = byName.get(b)!;
    const findings = await computePair(cwd, sa, sb, diffs, glob);
    project.store.tx(() => savePair(store, { a, b, aTree: sa.tree, bTree: sb.tree }, findings));
  });

  return cachedReport(
    store,
    branch,
    live.map((t) => t.name),
    sides.map((s) => s.name),
    todo,
  );
}

/**
 * The report of what the radar has stored among `sides` (the live tasks and, when it exists, the base
 * branch's side), without scanning: what the dashboards show between scans.
 */
export function cachedReport(
  store: Store,
  base: string,
  tasks: string[],
  sides: string[],
  recomputed: Array<[string, string]> = [],
): RadarReport {
  const liveNames = new Set(sides);
  const all = listFindings(store).filter((f) => liveNames.has(f.a) && liveNames.has(f.b));
  const label = (f: PairFinding): PairFinding => (isBaseSide(f.b) ? { ...f, b: f.b.slice(1) } : f);
  return {
    base,
    tasks,
    pairs: all.filter((f) => !isBaseSide(f.b)),
    vsMain: all.filter((f) => isBaseSide(f.b)).map(label),
    recomputed,
  };
}
