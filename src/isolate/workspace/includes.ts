import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../../core/errors.js';
import { compileGlob } from '../../core/glob.js';
import { ignoredFilesMatching } from '../../git/ignored.js';

/** Folders never walked while expanding a glob: they are huge and never hold includes. */
const SKIP_DIRS = new Set(['.git', 'node_modules']);

function insideRoot(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolves symlinks and refuses anything that lands outside the repository. */
function checkedRealPath(root: string, file: string, pattern: string): string {
  const real = realpathSync(file);
  if (!insideRoot(root, real)) {
    throw new BraidError(
      'E_PATH_ESCAPE',
      `include '${pattern}' matches ${path.relative(root, file)}, which links outside the repository (${real})`,
      'Includes may only copy files that live inside the repository; remove the link or the pattern.',
    );
  }
  return real;
}

/** Every file under `dir`, as `/`-separated paths relative to the repository. */
function walkFiles(dir: string, rel: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    const next = rel ? `${rel}/${entry.name}` : entry.name;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(full, next, out);
    else out.push(next);
  }
}

/**
 * Expands include patterns against the main checkout into relative file paths (braid's glob
 * dialect, core/glob.ts): a plain path names a file, or a folder and everything in it.
 */
export function expandIncludes(root: string, patterns: string[]): string[] {
  const realRoot = realpathSync(root);
  const found = new Set<string>();
  for (const pattern of patterns) {
    const glob = compileGlob(pattern);
    const start = path.join(realRoot, glob.base);
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(start);
    } catch {
      continue; // A missing include is normal: not every checkout has a .env.local.
    }
    checkedRealPath(realRoot, start, pattern);
    if (!glob.isGlob && stat.isFile()) {
      found.add(glob.base);
      continue;
    }
    if (!stat.isDirectory()) continue;
    const files: string[] = [];
    walkFiles(start, glob.base, files);
    for (const f of files) if (glob.matches(f)) found.add(f);
  }
  return [...found].sort();
}

/** The shared convention's file of ignored files each new worktree gets (gitignore syntax). */
const WORKTREE_INCLUDE = '.worktreeinclude';

/** What a new worktree gets: braid.yaml's `include` and, beside it, the repository's .worktreeinclude. */
export async function includedFiles(root: string, patterns: string[]): Promise<string[]> {
  const found = new Set(expandIncludes(root, patterns));
  const file = path.join(root, WORKTREE_INCLUDE);
  if (existsSync(file)) for (const f of await ignoredFilesMatching(root, file)) found.add(f);
  return [...found].sort();
}

/** Copies files (relative to the main checkout) into a worktree; a link leading outside is refused. */
export function copyFiles(root: string, worktree: string, files: readonly string[]): string[] {
  const realRoot = realpathSync(root);
  for (const rel of files) {
    const src = path.join(realRoot, rel);
    const real = checkedRealPath(realRoot, src, rel);
    if (!lstatSync(real).isFile()) continue;
    const dest = path.join(worktree, rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    copyFileSync(real, dest);
  }
  return [...files];
}
