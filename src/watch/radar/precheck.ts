/**
 * What the radar loop checks before spawning git: a task's HEAD and index (read from files), and the
 * size and mtime of the files last counted as uncommitted (the changes loop's count); for a task whose
 * status comes from hooks also its last status change and when it was last counted (each turn end is
 * then looked at). Equal signatures mean a snapshot would record the same worktree, but for edits no
 * cheap check sees (a clean tracked file edited in place, a new untracked file) until the changes
 * loop counts them again, or the loop's periodic full scan.
 */
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { Task } from '../../core/task.js';
import { branchTips } from '../../git/refs.js';
import { worktreeFiles } from '../../git/worktree-state.js';
import { storedChanges } from '../../store/changes.js';
import type { Store } from '../../store/db.js';

export interface RadarSignatures {
  /** The base branch's tip. */
  base: string;
  /** Each task's signature, and when the changes loop last counted its files (0: never). */
  tasks: Map<string, { signature: string; countedAt: number }>;
}

export async function radarSignatures(
  store: Store,
  root: string,
  tasks: Task[],
  baseBranch: string,
  tipsOf: () => Promise<Map<string, string>> = () => branchTips(root),
): Promise<RadarSignatures> {
  const tips = await tipsOf();
  const changes = storedChanges(store);
  const out: RadarSignatures = { base: tips.get(`refs/heads/${baseBranch}`) ?? '', tasks: new Map() };
  for (const t of tasks) {
    const files = worktreeFiles(t.worktree);
    const head = files?.oid ?? (files?.ref ? tips.get(files.ref) : null) ?? '';
    const hash = createHash('sha1').update(`${head}\0${files?.indexSig}`);
    const counted = changes.get(t.name);
    // A screen-read agent's "turns" come and go with its output: only what its files show counts.
    if (t.statusSource === 'hook') hash.update(`\0${t.statusSince}\0${counted?.dirtyAt ?? 0}`);
    for (const rel of counted?.dirty ?? []) {
      try {
        const st = lstatSync(path.join(t.worktree, rel), { bigint: true });
        hash.update(`\0${rel}\0${st.size}\0${st.mtimeNs}`);
      } catch {
        hash.update(`\0${rel}\0missing`);
      }
    }
    out.tasks.set(t.name, { signature: hash.digest('hex'), countedAt: counted?.dirtyAt ?? 0 });
  }
  return out;
}
