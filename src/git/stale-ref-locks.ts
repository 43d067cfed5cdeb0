/**
 * Ref lock files (`<ref>.lock`) a killed git left under braid's refs: git creates one, writes the
 * new id and renames it onto the ref within milliseconds, so one that is old and that no process
 * has open, while no git runs in the repository, will never be finished: it only blocks the name.
 */
import { type Dirent, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** Older than this and nobody at work: git never holds a ref lock this long. */
const STALE_REF_LOCK_MS = 60_000;

/** Where braid's own refs live: task branches, backups, radar snapshots. */
const BRAID_REF_DIRS = ['refs/heads/braid', 'refs/braid'];

export interface RefLockVerdict {
  path: string;
  removed: boolean;
  /** Why it was removed or kept. */
  detail: string;
}

/**
 * Removes the stale lock files under braid's refs. `workPaths` are the folders a git working on
 * this repository would run in (the main checkout, the worktrees); the common dir is added.
 */
export function clearStaleRefLocks(
  commonDir: string,
  workPaths: string[],
  now = Date.now(),
  minAgeMs = STALE_REF_LOCK_MS,
): RefLockVerdict[] {
  const locks = BRAID_REF_DIRS.flatMap((d) => lockFiles(path.join(commonDir, d)));
  if (!locks.length) return [];
  const procs = liveProcesses();
  const inRepo = [commonDir, ...workPaths].map((p) => path.resolve(p));
  const gitAtWork = procs.filter((p) => p.isGit && p.cwd && inRepo.some((r) => within(p.cwd!, r)));
  const verdicts: RefLockVerdict[] = [];
  for (const file of locks) {
    let age: number;
    try {
      age = now - statSync(file).mtimeMs;
    } catch {
      continue; // git finished it while we looked
    }
    const holder = procs.find((p) => p.openFiles.includes(file));
    const keep = (detail: string) => verdicts.push({ path: file, removed: false, detail });
    if (age < minAgeMs) keep(`kept: only ${Math.round(age / 1000)} s old`);
    else if (holder) keep(`kept: pid ${holder.pid} has it open`);
    else if (gitAtWork.length) keep(`kept: git runs in this repository (pid ${gitAtWork[0].pid})`);
    else {
      rmSync(file, { force: true });
      verdicts.push({
        path: file,
        removed: true,
        detail: `removed: left ${Math.round(age / 1000)} s ago by a git that is gone`,
      });
    }
  }
  return verdicts;
}

function lockFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return lockFiles(full);
    return e.isFile() && e.name.endsWith('.lock') ? [full] : [];
  });
}

interface LiveProcess {
  pid: number;
  isGit: boolean;
  cwd: string | null;
  openFiles: string[];
}

/** Every process we may look at, from /proc: its name, folder and open files (others' are skipped). */
function liveProcesses(): LiveProcess[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const out: LiveProcess[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const base = `/proc/${entry}`;
    const link = (p: string) => {
      try {
        return readlinkSync(p);
      } catch {
        return null;
      }
    };
    const exe = link(`${base}/exe`);
    const comm = safeRead(`${base}/comm`)?.trim() ?? '';
    let fds: string[] = [];
    try {
      fds = readdirSync(`${base}/fd`);
    } catch {}
    out.push({
      pid,
      // `git` itself and its helpers (git-remote-http, git-upload-pack…).
      isGit: comm === 'git' || comm.startsWith('git-') || (exe !== null && /\/git(-[\w-]+)?$/.test(exe)),
      cwd: link(`${base}/cwd`),
      openFiles: fds.map((fd) => link(`${base}/fd/${fd}`)).filter((f): f is string => f !== null),
    });
  }
  return out;
}

function safeRead(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
