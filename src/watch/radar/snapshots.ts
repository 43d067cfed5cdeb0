/** Live snapshots of task worktrees into refs/braid/radar/<task>, skipped when nothing changed. */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { parseStatusV2 } from '../../core/radar-parse.js';
import type { Task } from '../../core/task.js';
import { git } from '../../git/git.js';
import { snapshotWorktree } from '../../git/snapshot.js';
import type { Store } from '../../store/db.js';
import { getSnapshot, type StoredSnapshot, saveSnapshot } from '../../store/radar.js';
import { listTasks } from '../../store/tasks.js';

export const radarRef = (task: string): string => `refs/braid/radar/${task}`;

const NOT_LIVE = new Set(['landed', 'failed', 'provisioning']);

/** Tasks the radar watches: past provisioning, not finished for good, worktree still on disk. */
export function liveTasks(store: Store): Task[] {
  return listTasks(store).filter((t) => !NOT_LIVE.has(t.status) && existsSync(t.worktree));
}

/**
 * A cheap fingerprint of everything a snapshot would record: HEAD, git's view of changed and
 * untracked paths, and each such file's size and mtime (status alone misses a second edit to
 * an already-modified file).
 */
async function worktreeFingerprint(worktree: string): Promise<string> {
  const out = await git(['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'], {
    cwd: worktree,
  });
  const { paths } = parseStatusV2(out);
  const hash = createHash('sha1').update(out);
  for (const rel of paths) {
    try {
      const st = lstatSync(path.join(worktree, rel), { bigint: true });
      hash.update(`\0${rel}\0${st.size}\0${st.mtimeNs}\0${st.ino}`);
    } catch {
      hash.update(`\0${rel}\0missing`);
    }
  }
  return hash.digest('hex');
}

export interface RadarSnapshot extends StoredSnapshot {
  /** False when the stored snapshot was still current and reused. */
  fresh: boolean;
}

/** The radar refs that exist (full name → commit), asked once for every task of a scan. */
export type RadarRefs = () => Promise<Map<string, string>>;

/** Snapshots one task's worktree unless its fingerprint matches the last snapshot (and its ref still exists). */
async function refreshSnapshot(store: Store, task: Task, refs: RadarRefs): Promise<RadarSnapshot> {
  const ref = radarRef(task.name);
  const fingerprint = await worktreeFingerprint(task.worktree);
  const stored = getSnapshot(store, task.name);
  if (stored && stored.fingerprint === fingerprint && (await refs()).has(ref))
    return { ...stored, fresh: false };
  const snap = await snapshotWorktree(task.worktree, {
    ref,
    message: `braid radar snapshot of ${task.name}`,
  });
  const row = { task: task.name, fingerprint, commit: snap.commit, tree: snap.tree, head: snap.head };
  saveSnapshot(store, row);
  return { ...row, takenAt: Date.now(), fresh: true };
}

/** The stored snapshot when `rescan` is false and one exists, else a refreshed one. */
export async function currentSnapshot(
  store: Store,
  task: Task,
  rescan: boolean,
  refs: RadarRefs,
): Promise<RadarSnapshot> {
  const stored = rescan ? null : getSnapshot(store, task.name);
  return stored ? { ...stored, fresh: false } : refreshSnapshot(store, task, refs);
}
