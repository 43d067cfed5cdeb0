import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BraidConfig } from '../../core/config.js';
import { run } from '../../exec/run.js';

/** Lockfiles whose equality means two checkouts need the same node_modules. */
const LOCKFILES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'bun.lock',
  'bun.lockb',
];

type DepsAction = 'clone' | 'install' | 'none';

export interface DepsDecision {
  action: DepsAction;
  reason: string;
}

function sameLockfile(root: string, worktree: string): string | null {
  for (const name of LOCKFILES) {
    const a = path.join(root, name);
    const b = path.join(worktree, name);
    if (existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b))) return name;
  }
  return null;
}

/** Chooses how a new worktree gets its own node_modules, following the `deps` setting. */
export function decideDeps(config: BraidConfig, root: string, worktree: string): DepsDecision {
  const hasModules = existsSync(path.join(root, 'node_modules'));
  if (config.deps === 'none') return { action: 'none', reason: 'deps: none' };
  if (config.deps === 'install') return { action: 'install', reason: 'deps: install' };
  if (config.deps === 'clone') {
    return hasModules
      ? { action: 'clone', reason: 'deps: clone' }
      : { action: 'install', reason: 'the main checkout has no node_modules to clone' };
  }
  const lock = sameLockfile(root, worktree);
  if (lock && hasModules) return { action: 'clone', reason: `${lock} equals the main checkout's` };
  if (!existsSync(path.join(worktree, 'package.json')))
    return { action: 'install', reason: 'no package.json' };
  return { action: 'install', reason: lock ? 'the main checkout has no node_modules' : 'lockfile differs' };
}

/**
 * Gives the worktree its own copy of node_modules: copy-on-write where the filesystem can (reflink),
 * a real copy otherwise, never a symlink or hard link that would let two tasks write one tree.
 */
export async function cloneNodeModules(root: string, worktree: string): Promise<void> {
  await run(
    'cp',
    ['-a', '--reflink=auto', '--', path.join(root, 'node_modules'), path.join(worktree, 'node_modules')],
    {
      cwd: worktree,
      timeoutMs: 30 * 60_000,
    },
  );
}
