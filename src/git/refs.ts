import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { git, gitRun } from './git.js';

/**
 * Moves `ref` from `oldOid` to `newOid` only if it still points at `oldOid` (compare-and-swap).
 * Returns false when someone else moved it first; throws for any other failure.
 */
export async function casUpdateRef(
  cwd: string,
  ref: string,
  newOid: string,
  oldOid: string,
  reason: string,
): Promise<boolean> {
  const res = await gitRun(['update-ref', '-m', reason, ref, newOid, oldOid], { cwd, allowFailure: true });
  if (res.code === 0) return true;
  const now = await readRef(cwd, ref);
  if (now !== oldOid) return false;
  // The ref is where we expected, so the failure was something else (permissions, a stale lock): say so.
  await gitRun(['update-ref', '-m', reason, ref, newOid, oldOid], { cwd });
  return true;
}

/** The commit a ref points at, or null when it does not exist. */
export async function readRef(cwd: string, ref: string): Promise<string | null> {
  const out = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    cwd,
    allowFailure: true,
  });
  return out || null;
}

/** Every ref matching the patterns (for-each-ref's prefixes), in one git call: full ref name → commit. */
async function refsMatching(cwd: string, patterns: readonly string[]): Promise<Map<string, string>> {
  const lines = await git(['for-each-ref', '--format=%(refname) %(objectname)', '--', ...patterns], { cwd });
  const out = new Map<string, string>();
  for (const line of lines.split('\n')) {
    const at = line.lastIndexOf(' ');
    if (at > 0) out.set(line.slice(0, at), line.slice(at + 1));
  }
  return out;
}

/** Every local branch's commit, by full ref name (`refs/heads/…`): one process for all tasks. */
export function branchTips(root: string): Promise<Map<string, string>> {
  return refsMatching(root, ['refs/heads/']);
}

/** A stamp newer than this may still be followed by a change its file system cannot tell apart. */
const SETTLED_MS = 2_000;

/**
 * The stat stamps of what a branch update rewrites (git renames a loose ref into its folder, or the
 * whole packed-refs file): null when they cannot stand for the refs (reftable, an unreadable folder)
 * or one is too fresh to trust.
 */
function branchRefsStamp(commonDir: string, now: number): string | null {
  if (existsSync(path.join(commonDir, 'reftable'))) return null;
  const parts: string[] = [];
  const stamp = (file: string): boolean => {
    try {
      const st = statSync(file, { bigint: true });
      if (now - Number(st.mtimeMs) < SETTLED_MS) return false;
      parts.push(`${file}\0${st.mtimeNs}\0${st.size}\0${st.ino}`);
      return true;
    } catch {
      parts.push(`${file}\0none`);
      return true;
    }
  };
  if (!stamp(path.join(commonDir, 'packed-refs'))) return null;
  const folders = [path.join(commonDir, 'refs', 'heads')];
  while (folders.length > 0) {
    const dir = folders.pop() as string;
    if (!stamp(dir)) return null;
    try {
      for (const e of readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory()) folders.push(path.join(dir, e.name));
    } catch {
      // gone meanwhile: its stamp says so
    }
  }
  return parts.join('\n');
}

/**
 * branchTips for a process that asks every few seconds: git is asked again only when a ref folder
 * or packed-refs changed since (a stat of each instead of a process).
 */
export class BranchTipsCache {
  private stamp: string | null = null;
  private tips: Map<string, string> | null = null;

  constructor(
    private readonly root: string,
    private readonly commonDir: string,
  ) {}

  async get(): Promise<Map<string, string>> {
    // Taken before git reads: a ref moved meanwhile changes the next stamp.
    const stamp = branchRefsStamp(this.commonDir, Date.now());
    if (stamp !== null && stamp === this.stamp && this.tips) return this.tips;
    this.tips = await branchTips(this.root);
    this.stamp = stamp;
    return this.tips;
  }
}

/** Several branch tips in one git call (a batch reads every member's): full ref name → commit. */
export async function readRefs(cwd: string, refs: readonly string[]): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map();
  // for-each-ref matches prefixes too: keep only the refs asked for.
  return new Map([...(await refsMatching(cwd, refs))].filter(([ref]) => refs.includes(ref)));
}

/** True when `ancestor` is reachable from `descendant` (equal counts). */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const res = await gitRun(['merge-base', '--is-ancestor', ancestor, descendant], {
    cwd,
    allowFailure: true,
  });
  return res.code === 0;
}

/** Worktrees that have `ref` checked out (normally the main checkout for refs/heads/main). */
export async function worktreesOnBranch(cwd: string, ref: string): Promise<string[]> {
  const out = await git(['worktree', 'list', '--porcelain'], { cwd });
  const dirs: string[] = [];
  let current: string | null = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
    else if (line === `branch ${ref}` && current) dirs.push(current);
  }
  return dirs;
}

/** A branch's commit and its tree, read together (one git process); null when the branch does not exist. */
export async function readCommitAndTree(
  cwd: string,
  ref: string,
): Promise<{ commit: string; tree: string } | null> {
  const res = await gitRun(['log', '-1', '--format=%H %T', '--end-of-options', `${ref}^{commit}`, '--'], {
    cwd,
    allowFailure: true,
  });
  const [commit, tree] = res.code === 0 ? res.stdout.trim().split(' ') : [];
  return commit && tree ? { commit, tree } : null;
}
