/** Pure parsers for the git output the radar reads: diff hunks, name-status, status v2, migration numbers. */

/** Inclusive line range in the merge base's version of a file; an insertion after line n is [n, n]. */
export type LineRange = [number, number];

export interface FileChange {
  path: string;
  /** git's status letter against the merge base: A added, M modified, D deleted, T type change. */
  status: string;
}

/** Undoes git's C-style quoting of unusual paths ("a\tb" → a<TAB>b, octal escapes for bytes). */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"')) return raw;
  const body = raw.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, a: 7, v: 11, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1];
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `git diff --name-status -z --no-renames` → one entry per path. */
export function parseNameStatusZ(out: string): FileChange[] {
  const parts = out.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (!parts[i]) break;
    changes.push({ status: parts[i][0], path: parts[i + 1] });
  }
  return changes;
}

/** Strips git's `a/` or `b/` prefix from a `---`/`+++` header; null for /dev/null. */
function headerPath(rest: string): string | null {
  const unquoted = unquoteGitPath(rest.replace(/\t$/, ''));
  if (unquoted === '/dev/null') return null;
  return unquoted.replace(/^[ab]\//, '');
}

/** `git diff -U0` → the merge-base line ranges each file's hunks touch. */
export function parseUnifiedZero(out: string): Map<string, LineRange[]> {
  const ranges = new Map<string, LineRange[]>();
  let oldPath: string | null = null;
  let current: LineRange[] | null = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('diff --git ')) {
      oldPath = null;
      current = null;
    } else if (line.startsWith('--- ') && current === null) {
      oldPath = headerPath(line.slice(4));
    } else if (line.startsWith('+++ ') && current === null) {
      const file = headerPath(line.slice(4)) ?? oldPath;
      if (file === null) continue;
      current = ranges.get(file) ?? [];
      ranges.set(file, current);
    } else if (line.startsWith('@@ ') && current) {
      const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      current.push(count === 0 ? [Math.max(start, 1), Math.max(start, 1)] : [start, start + count - 1]);
    }
  }
  return ranges;
}

export interface StatusV2 {
  head: string | null;
  /** Every path status mentions (changed, untracked, unmerged, rename sources). */
  paths: string[];
}

/** `git status --porcelain=v2 --branch -z` → HEAD and the paths whose contents may differ from it. */
export function parseStatusV2(out: string): StatusV2 {
  const parts = out.split('\0');
  let head: string | null = null;
  const paths: string[] = [];
  // Fields before the path: ordinary 8, rename/copy 9 (then the source path), unmerged 10, untracked 1.
  const fieldsBeforePath: Record<string, number> = { '1': 8, '2': 9, u: 10, '?': 1 };
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i];
    if (!entry) continue;
    if (entry.startsWith('# branch.oid ')) {
      const oid = entry.slice('# branch.oid '.length);
      head = oid === '(initial)' ? null : oid;
      continue;
    }
    const skip = fieldsBeforePath[entry[0]];
    if (skip === undefined) continue;
    paths.push(entry.split(' ').slice(skip).join(' '));
    if (entry[0] === '2') paths.push(parts[++i]);
  }
  return { head, paths };
}

/** The sequence number or timestamp a migration file name starts with (`0003_x.sql`, `V12__y.sql`), normalised. */
export function migrationNumber(file: string): string | null {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const m = /^[vV]?(\d+)/.exec(base);
  if (!m) return null;
  return m[1].replace(/^0+(?=\d)/, '');
}
