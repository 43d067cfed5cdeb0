import { copyFileSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../../core/errors.js';
import { matchSegments, splitPattern } from '../../core/glob.js';

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

function walkFiles(root: string, dir: string, rel: string[], out: string[][]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    const next = [...rel, entry.name];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(root, full, next, out);
    else out.push(next);
  }
}

/** Expands include patterns against the main checkout into relative file paths. */
function expandIncludes(root: string, patterns: string[]): string[] {
  const realRoot = realpathSync(root);
  const found = new Set<string>();
  for (const pattern of patterns) {
    const { prefix, rest } = splitPattern(pattern);
    const start = path.join(realRoot, ...prefix);
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(start);
    } catch {
      continue; // A missing include is normal: not every checkout has a .env.local.
    }
    checkedRealPath(realRoot, start, pattern);
    if (!rest.length) {
      if (stat.isFile()) found.add(prefix.join('/'));
      else if (stat.isDirectory()) {
        const files: string[][] = [];
        walkFiles(realRoot, start, prefix, files);
        for (const f of files) found.add(f.join('/'));
      }
      continue;
    }
    if (!stat.isDirectory()) continue;
    const files: string[][] = [];
    walkFiles(realRoot, start, [], files);
    for (const f of files) if (matchSegments(f, rest)) found.add([...prefix, ...f].join('/'));
  }
  return [...found].sort();
}

/** Copies the include files into a worktree, keeping modes; returns what was copied. */
export function copyIncludes(root: string, worktree: string, patterns: string[]): string[] {
  const realRoot = realpathSync(root);
  const files = expandIncludes(root, patterns);
  for (const rel of files) {
    const src = path.join(realRoot, rel);
    const real = checkedRealPath(realRoot, src, rel);
    if (!lstatSync(real).isFile()) continue;
    const dest = path.join(worktree, rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    copyFileSync(real, dest);
  }
  return files;
}
