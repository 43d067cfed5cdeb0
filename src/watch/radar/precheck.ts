/**
 * What the radar loop checks before spawning git: a task's HEAD and index (read from files), its
 * last status change, and the size and mtime of the files last counted as uncommitted. Equal
 * signatures mean a snapshot would record the same worktree, but for edits no cheap check sees
 * (a clean tracked file edited in place, a new untracked file): the changes pass's minute recount
 * and the loop's periodic full scan catch those.
 */
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { Task } from '../../core/task.js';
import { branchTips } from '../../git/refs.js';
import { worktreeFiles } from '../../git/worktree-state.js';
import { storedChanges } from '../../store/changes.js';
import type { Store } from '../../store/db.js';

/** The base branch's tip under BASE_KEY, each task's signature under its name. */
export const BASE_KEY = '\0base';

export async function radarSignatures(
  store: Store,
  root: string,
  tasks: Task[],
  baseBranch: string,
): Promise<Map<string, string>> {
  const tips = await branchTips(root);
  const changes = storedChanges(store);
  const out = new Map<string, string>([[BASE_KEY, tips.get(`refs/heads/${baseBranch}`) ?? '']]);
  for (const t of tasks) {
    const files = worktreeFiles(t.worktree);
    const head = files?.oid ?? (files?.ref ? tips.get(files.ref) : null) ?? '';
    const hash = createHash('sha1').update(`${head}\0${files?.indexSig}\0${t.statusSince}`);
    const counted = changes.get(t.name);
    hash.update(`\0${counted?.dirtyAt ?? 0}`);
    for (const rel of counted?.dirty ?? []) {
      try {
        const st = lstatSync(path.join(t.worktree, rel), { bigint: true });
        hash.update(`\0${rel}\0${st.size}\0${st.mtimeNs}`);
      } catch {
        hash.update(`\0${rel}\0missing`);
      }
    }
    out.set(t.name, hash.digest('hex'));
  }
  return out;
}
