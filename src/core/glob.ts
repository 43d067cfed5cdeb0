/**
 * braid's one glob dialect, for `include:` and `migrations.glob` alike: picomatch's (bash-like),
 * over repository-relative `/` paths. `*` `?` `[…]` (`[!…]` negated) within a folder, `**` across
 * folders, `{a,b}` alternatives, `+(…)`-style extglobs; wildcards match names that start with a dot
 * too; a leading `!` is a literal character (an include list only adds files, it never negates).
 * A pattern without wildcards names one path: a file, or a folder and everything in it.
 */
import picomatch from 'picomatch';

// posix: `[!…]` negates a class as in the shell, and `[[:digit:]]`-style classes work.
const OPTIONS: picomatch.PicomatchOptions = { dot: true, nonegate: true, posix: true, windows: false };

/** A pattern as written in braid.yaml, minus a leading `./` and trailing slashes. */
function normalise(pattern: string): string {
  return pattern.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
}

export interface Glob {
  /** The pattern's literal leading folders (`config` for `config/*.json`, '' for `**` or `{a,b}/x`). */
  base: string;
  /** False when the pattern names one path (a file, or a folder meaning everything under it). */
  isGlob: boolean;
  /** Whether a repository-relative path matches (for a plain folder: lies under it). */
  matches: (path: string) => boolean;
}

export function compileGlob(pattern: string): Glob {
  const p = normalise(pattern);
  const scan = picomatch.scan(p, OPTIONS);
  if (!scan.isGlob)
    return { base: p, isGlob: false, matches: (path) => path === p || path.startsWith(`${p}/`) };
  const matcher = picomatch(p, OPTIONS);
  return { base: scan.base, isGlob: true, matches: (path) => matcher(path) };
}
