import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_LOCKFILES, MIGRATION_DIRS, type ProjectFacts } from '../core/init-defaults.js';
import { git } from '../git/git.js';
import { currentBranch } from '../git/repo.js';

/** `.env`, `.env.local`, `.env.development.local`…; not `.envrc` (direnv's, per folder). */
const ENV_FILE = /^\.env(\..+)?$/;

function readPackageJson(root: string): {
  scripts: Record<string, string> | null;
  packageManager: string | null;
} {
  const file = path.join(root, 'package.json');
  if (!existsSync(file)) return { scripts: null, packageManager: null };
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { scripts?: unknown; packageManager?: unknown };
    const scripts =
      pkg.scripts && typeof pkg.scripts === 'object' ? (pkg.scripts as Record<string, string>) : {};
    return { scripts, packageManager: typeof pkg.packageManager === 'string' ? pkg.packageManager : null };
  } catch {
    // A broken package.json is the user's to fix; init still writes the rest.
    return { scripts: {}, packageManager: null };
  }
}

/** Untracked `.env*` files at the root, ignored or not (`--others` without excludes lists both). */
async function untrackedEnvFiles(root: string): Promise<string[]> {
  const out = await git(['ls-files', '--others', '-z', '--', ':(glob).env*'], { cwd: root });
  return out
    .split('\0')
    .filter((f) => f && !f.includes('/') && ENV_FILE.test(f))
    .sort();
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** Everything `braid init` decides from, read from the main worktree. */
export async function detectProject(root: string): Promise<ProjectFacts> {
  const pkg = readPackageJson(root);
  return {
    lockfiles: KNOWN_LOCKFILES.filter((f) => existsSync(path.join(root, f))),
    packageManagerField: pkg.packageManager,
    scripts: pkg.scripts,
    untrackedEnvFiles: await untrackedEnvFiles(root),
    branch: await currentBranch(root),
    migrationDirs: MIGRATION_DIRS.filter((d) => isDir(path.join(root, d))),
  };
}
