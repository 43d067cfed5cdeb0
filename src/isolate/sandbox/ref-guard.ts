import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One bind of the ref guard, applied in order after `<common>/refs` is bound writable. */
export interface RefMount {
  mode: 'ro' | 'rw';
  path: string;
}

/**
 * The binds that keep a sandboxed agent off every branch but its own: `refs/heads` read-only
 * (main and any other top-level branch, by directory, which stays read-only however often they
 * move), the own branch's folder writable again (git needs `<ref>.lock` beside the ref), each
 * other loose ref in that folder read-only (other tasks' branches, by file), and
 * `refs/braid/backup` read-only. `packed-refs` sits in the common dir, which is never writable.
 *
 * A file bind on a ref holds until that ref moves outside: git renames `<ref>.lock` onto it, and
 * the kernel then detaches the bind in every namespace. So each other ref's reflog is bound
 * read-only too (see reflogOf): git then still cannot move it; only writing the ref file by hand can.
 */
export function refGuardMounts(gitCommonDir: string, ownBranch: string): RefMount[] {
  const common = path.resolve(gitCommonDir);
  const heads = path.join(common, 'refs', 'heads');
  const own = path.join(heads, ownBranch.replace(/^refs\/heads\//, ''));
  const ownDir = path.dirname(own);
  const backup = path.join(common, 'refs', 'braid', 'backup');
  // A bind needs an existing source; a packed-only branch may have no folder yet.
  for (const dir of [heads, ownDir, backup]) mkdirSync(dir, { recursive: true });
  loosenPackedRefs(common, (file) => file !== own && isInside(file, ownDir));
  const mounts: RefMount[] = [
    { mode: 'ro', path: heads },
    { mode: 'rw', path: ownDir },
  ];
  for (const file of looseRefFiles(ownDir)) {
    if (file === own) continue;
    mounts.push({ mode: 'ro', path: file });
    mounts.push({ mode: 'ro', path: reflogOf(common, file) });
  }
  mounts.push({ mode: 'ro', path: backup });
  return mounts;
}

/**
 * The ref's reflog, made (empty) when missing. git appends to an existing reflog on every update
 * and fails the update when it cannot; outside, git only appends to it, never renames it, so this
 * file bind holds for the whole session, also after the ref itself moved outside.
 */
function reflogOf(common: string, refFile: string): string {
  const log = path.join(common, 'logs', path.relative(common, refFile));
  mkdirSync(path.dirname(log), { recursive: true });
  writeFileSync(log, '', { flag: 'a' });
  return log;
}

/**
 * Writes a loose file for each packed ref `wanted` picks that has none, with the packed value:
 * without it the sandbox could create a loose ref that shadows the packed one. `wx` never
 * overwrites a loose ref git wrote meanwhile (git writes loose on every update).
 */
function loosenPackedRefs(common: string, wanted: (file: string) => boolean): void {
  for (const { ref, oid } of packedRefs(common)) {
    const file = path.join(common, ref);
    if (!wanted(file)) continue;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${oid}\n`, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Entries of `<common>/packed-refs` (`<oid> <ref>` lines; `#` header and `^` peeled lines skipped). */
function packedRefs(common: string): Array<{ ref: string; oid: string }> {
  let text: string;
  try {
    text = readFileSync(path.join(common, 'packed-refs'), 'utf8');
  } catch {
    return [];
  }
  const out: Array<{ ref: string; oid: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40,64}) (refs\/\S+)$/.exec(line);
    if (m) out.push({ oid: m[1], ref: m[2] });
  }
  return out;
}

/** Every loose ref file below `dir` (git's own `.lock` files excluded). */
function looseRefFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...looseRefFiles(p));
    else if (e.isFile() && !e.name.endsWith('.lock')) out.push(p);
  }
  return out.sort();
}

function isInside(file: string, dir: string): boolean {
  return file.startsWith(`${dir}${path.sep}`);
}
