/**
 * What a sandbox hides (by default the user's home: keys, tokens, other projects' secrets) and
 * what stays readable inside a hidden folder: git's own config, the commands on PATH and the
 * packages their links lead to, node and braid themselves, the task's repository.
 */

import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../exec/built.js';

export interface HiddenMount {
  path: string;
  /** A folder is replaced by an empty private one; a file by an empty file. */
  kind: 'dir' | 'file';
}

/** Below $HOME, read-only by default: git's identity and settings. */
const GIT_CONFIG_PATHS = ['.gitconfig', '.config/git'];

/** The hidden paths that exist, as mounts. */
export function hiddenMounts(hide: readonly string[]): HiddenMount[] {
  const out: HiddenMount[] = [];
  for (const p of new Set(hide.map((h) => path.resolve(h)))) {
    try {
      out.push({ path: p, kind: statSync(p).isDirectory() ? 'dir' : 'file' });
    } catch {
      // Nothing there: nothing to hide.
    }
  }
  return out;
}

export interface ReadableInput {
  home: string;
  /** The folders being hidden: only paths inside one need binding again. */
  hidden: readonly string[];
  /** The task's worktree, and the repository's shared git folder. */
  worktree: string;
  gitCommonDir: string;
  /** `sandbox.read`: more paths to keep readable. */
  extra: readonly string[];
  pathEnv: string | undefined;
}

/** Paths inside a hidden folder that stay readable, in the order to bind them (existing ones only). */
export function readablePaths(input: ReadableInput): string[] {
  const { home, hidden } = input;
  const common = path.resolve(input.gitCommonDir);
  const worktree = path.resolve(input.worktree);
  const mainCheckout = path.basename(common) === '.git' ? path.dirname(common) : null;
  const candidates = [
    ...GIT_CONFIG_PATHS.map((p) => path.join(home, p)),
    ...commandPaths(input.pathEnv, home),
    path.dirname(process.execPath),
    braidPackageRoot(),
    // The repository as today: the main checkout, the shared git folder, the worktrees' folder.
    ...(mainCheckout ? [mainCheckout] : []),
    common,
    worktree,
    ...(worktree !== mainCheckout ? [path.dirname(worktree)] : []),
    ...input.extra,
  ];
  const inHidden = (p: string) => hidden.some((h) => within(p, h) && p !== h);
  // Never a hidden folder itself or one of its parents: that would show everything again.
  const exposesHidden = (p: string) => hidden.some((h) => within(h, p));
  const out: string[] = [];
  for (const raw of candidates) {
    const p = path.resolve(raw);
    if (out.includes(p) || !inHidden(p) || exposesHidden(p) || !existsSync(p)) continue;
    out.push(p);
  }
  return out;
}

/** PATH folders under $HOME, and where the links in them lead (an npm or pipx package's own folder). */
function commandPaths(pathEnv: string | undefined, home: string): string[] {
  const out: string[] = [];
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir) || !within(dir, home) || dir === home) continue;
    out.push(dir);
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of entries) {
      const file = path.join(dir, name);
      try {
        if (!lstatSync(file).isSymbolicLink()) continue;
        const target = realpathSync(file);
        if (within(target, home) && !within(target, dir)) out.push(packageRoot(target, home));
      } catch {
        // A dangling link: nothing to show.
      }
    }
  }
  return out;
}

/** The nearest folder above `file` that is a package (package.json) or a Python venv (pyvenv.cfg). */
function packageRoot(file: string, home: string): string {
  for (let dir = path.dirname(file); within(dir, home) && dir !== home; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, 'pyvenv.cfg'))) return dir;
  }
  return path.dirname(file);
}

/** braid's own folder (its hook command runs inside the sandbox). */
function braidPackageRoot(): string {
  return PACKAGE_ROOT;
}

function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
