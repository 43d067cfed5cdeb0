import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { BraidError } from '../core/errors.js';
import { gateScratchLocation, gateScratchSlot } from '../core/names.js';
import { git, gitRun } from '../git/git.js';
import type { RepoInfo } from '../git/repo.js';
import { diskBytes } from '../isolate/workspace/disk.js';
import { withWorktreeLock } from '../isolate/workspace/worktree-lock.js';

/**
 * Where the pooled scratch worktree `slot` lives: beside the task worktrees (the `worktrees`
 * template), never inside .git, where jest ignores every file and so a gate finds no tests.
 */
export function scratchDir(repo: Pick<RepoInfo, 'root' | 'name'>, template: string, slot = 0): string {
  return path.resolve(repo.root, gateScratchLocation(template, repo.name, slot));
}

/** A file in the worktree's admin folder (`<common>/worktrees/<id>/`) that says braid made it. */
const SCRATCH_MARK = 'braid-gate-scratch';

/** The place braid used before (inside the git common dir): emptied and forgotten on first use. */
function legacyScratchRoot(commonDir: string): string {
  return path.join(commonDir, 'braid', 'scratch');
}

export interface ScratchPlace {
  /** Any worktree of the repository (git commands run there). */
  repoDir: string;
  commonDir: string;
  /** The scratch worktree's folder (scratchDir). */
  dir: string;
  onProgress?: (line: string) => void;
}

/**
 * A detached scratch worktree at exactly `commit`, reused between runs so dependencies in
 * node_modules survive; everything else from earlier runs is wiped.
 */
export async function prepareScratch(place: ScratchPlace, commit: string): Promise<string> {
  const { repoDir, commonDir, dir } = place;
  for (const old of await dropLegacyScratch(repoDir, commonDir))
    place.onProgress?.(`moved the gate's scratch worktree out of .git: removed ${old}, now ${dir}`);
  const state = stillOurs(dir) ? 'ours' : await scratchState(dir, commonDir);
  if (state === 'ours') {
    // A merge the ladder left (a killed run) is aborted; otherwise checkout -f alone resets index and files.
    const admin = adminDirOf(dir);
    if (!admin || existsSync(path.join(admin, 'MERGE_HEAD'))) await resetScratch(dir);
    await git(['checkout', '-q', '--detach', '-f', commit], { cwd: dir });
    await git(['clean', '-q', '-ffdx', '-e', 'node_modules'], { cwd: dir });
    remember(dir);
    return dir;
  }
  if (state === 'foreign' || state === 'on-branch') throw notOurs(dir, state);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  await withWorktreeLock(repoDir, async () => {
    await git(['worktree', 'prune'], { cwd: repoDir });
    await git(['worktree', 'add', '-q', '--detach', dir, commit], { cwd: repoDir, timeoutMs: 300_000 });
  });
  // Marks it braid's in git's own admin folder for it, so gc never takes a user's worktree for one.
  writeFileSync(path.join(await adminDir(dir), SCRATCH_MARK), 'braid gate scratch worktree\n');
  remember(dir);
  return dir;
}

/** Scratch folders this process found to be ours, with their `.git` file's text (git asked once, not per gate run). */
const verified = new Map<string, string>();

function dotGitText(dir: string): string | null {
  try {
    return readFileSync(path.join(dir, '.git'), 'utf8');
  } catch {
    return null;
  }
}

/** The worktree's admin folder, read from its `.git` file (null when that is not a `gitdir:` file). */
function adminDirOf(dir: string): string | null {
  const target = /^gitdir: (.+)$/m.exec(dotGitText(dir) ?? '')?.[1]?.trim();
  return target ? path.resolve(dir, target) : null;
}

function remember(dir: string): void {
  const text = dotGitText(dir);
  if (text) verified.set(dir, text);
}

/** Verified before, same `.git` file, its admin folder still there and HEAD still detached (never a branch). */
function stillOurs(dir: string): boolean {
  const known = verified.get(dir);
  if (known === undefined || dotGitText(dir) !== known) return false;
  const admin = adminDirOf(dir);
  try {
    return !!admin && !readFileSync(path.join(admin, 'HEAD'), 'utf8').startsWith('ref:');
  } catch {
    return false;
  }
}

/** Leaves no half-done merge behind (the ladder merges in the scratch worktree). */
export async function resetScratch(dir: string): Promise<void> {
  await gitRun(['merge', '--abort'], { cwd: dir, allowFailure: true });
  await gitRun(['reset', '-q', '--hard'], { cwd: dir, allowFailure: true });
}

/**
 * What is at a scratch folder: nothing; our detached worktree; a leftover of ours (no usable
 * worktree: a cut-short add, a pruned registration); a checkout on a branch (a task's: never
 * wiped); or a checkout of another repository (a `worktrees` template shared by repositories).
 */
type ScratchState = 'absent' | 'ours' | 'leftover' | 'on-branch' | 'foreign';

async function scratchState(dir: string, commonDir: string): Promise<ScratchState> {
  if (!existsSync(dir)) return 'absent';
  const dotGit = path.join(dir, '.git');
  // Without its own .git, git would answer for whatever repository holds the folder.
  if (!existsSync(dotGit)) return 'leftover';
  const res = await gitRun(['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel'], {
    cwd: dir,
    allowFailure: true,
  });
  if (res.code !== 0) return pointsInto(dotGit, commonDir) ? 'leftover' : 'foreign';
  const [common, top] = res.stdout.trim().split('\n');
  if (realpathSync(common) !== commonDir) return 'foreign';
  if (realpathSync(top) !== realpathSync(dir)) return 'leftover';
  const branch = await gitRun(['symbolic-ref', '-q', 'HEAD'], { cwd: dir, allowFailure: true });
  return branch.code === 0 ? 'on-branch' : 'ours';
}

/** A worktree's `.git` file that names an admin folder of this repository (possibly pruned since). */
function pointsInto(dotGit: string, commonDir: string): boolean {
  if (!statSync(dotGit).isFile()) return false;
  const target = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  return !!target && path.resolve(path.dirname(dotGit), target).startsWith(`${commonDir}${path.sep}`);
}

function notOurs(dir: string, state: 'foreign' | 'on-branch'): BraidError {
  return new BraidError(
    'E_CONFIG',
    state === 'foreign'
      ? `the gate's scratch folder ${dir} is a checkout of another repository`
      : `the gate's scratch folder ${dir} is a checkout on a branch, not braid's scratch worktree`,
    "braid keeps the gate's worktree beside the task worktrees (braid.yaml `worktrees`); give the template a {task} and a {repo} part, or move that folder away.",
  );
}

/** Removes the scratch worktrees at the old place inside .git; returns the folders removed. */
async function dropLegacyScratch(repoDir: string, commonDir: string): Promise<string[]> {
  const legacy = legacyScratchRoot(commonDir);
  if (!existsSync(legacy)) return [];
  const removed: string[] = [];
  await withWorktreeLock(repoDir, async () => {
    for (const name of readdirSync(legacy)) {
      const dir = path.join(legacy, name);
      await gitRun(['worktree', 'remove', '--force', '--force', dir], { cwd: repoDir, allowFailure: true });
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
    rmSync(legacy, { recursive: true, force: true });
    await git(['worktree', 'prune'], { cwd: repoDir });
  });
  return removed;
}

/**
 * Scratch worktrees nothing uses any more (call only while no queue runs): the old place inside
 * .git, registered scratch worktrees of a former `worktrees` template, and folders at today's
 * place that are not a usable worktree. The live scratch worktree (with its node_modules) stays.
 */
export async function removeOrphanScratch(
  repo: Pick<RepoInfo, 'root' | 'name' | 'commonDir'>,
  template: string,
): Promise<Array<{ dir: string; why: string; bytes?: number | null }>> {
  const removed: Array<{ dir: string; why: string; bytes?: number | null }> = (
    await dropLegacyScratch(repo.root, repo.commonDir)
  ).map((dir) => ({
    dir,
    why: 'the old place inside .git',
  }));
  for (const dir of await detachedWorktrees(repo.root)) {
    const slot = gateScratchSlot(path.basename(dir));
    if (slot === null || !existsSync(dir) || sameFolder(dir, scratchDir(repo, template, slot))) continue;
    if (!(await isMarkedScratch(dir))) continue;
    const bytes = await diskBytes(dir);
    await withWorktreeLock(repo.root, () =>
      gitRun(['worktree', 'remove', '--force', '--force', dir], { cwd: repo.root, allowFailure: true }),
    );
    rmSync(dir, { recursive: true, force: true });
    removed.push({ dir, why: 'not where braid.yaml `worktrees` puts it now', bytes });
  }
  const parent = path.dirname(scratchDir(repo, template, 0));
  if (!existsSync(parent)) return removed;
  for (const name of readdirSync(parent)) {
    const slot = gateScratchSlot(name);
    const dir = path.join(parent, name);
    if (slot === null || !sameFolder(dir, scratchDir(repo, template, slot))) continue;
    if ((await scratchState(dir, repo.commonDir)) !== 'leftover') continue;
    const bytes = await diskBytes(dir);
    rmSync(dir, { recursive: true, force: true });
    removed.push({ dir, why: 'not a usable worktree (left by an interrupted run)', bytes });
  }
  return removed;
}

/** Folders of the repository's detached worktrees (the main checkout and task branches excluded). */
async function detachedWorktrees(repoDir: string): Promise<string[]> {
  const out = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: repoDir });
  const dirs: string[] = [];
  let current: string | null = null;
  for (const field of out.split('\0')) {
    if (field.startsWith('worktree ')) current = field.slice('worktree '.length);
    else if (field === 'detached' && current) dirs.push(current);
  }
  return dirs;
}

async function adminDir(dir: string): Promise<string> {
  return git(['rev-parse', '--absolute-git-dir'], { cwd: dir });
}

async function isMarkedScratch(dir: string): Promise<boolean> {
  const res = await gitRun(['rev-parse', '--absolute-git-dir'], { cwd: dir, allowFailure: true });
  return res.code === 0 && existsSync(path.join(res.stdout.trim(), SCRATCH_MARK));
}

function sameFolder(a: string, b: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : path.resolve(p));
  return real(a) === real(b);
}
