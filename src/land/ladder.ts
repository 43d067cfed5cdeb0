import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isBraidError } from '../core/errors.js';
import { handBackMessage } from '../core/queue-plan.js';
import type { Task } from '../core/task.js';
import { run } from '../exec/run.js';
import { userIdentityEnv } from '../git/candidate.js';
import { git, gitRun } from '../git/git.js';
import { mergeTrees } from '../git/merge-tree.js';
import { prepareScratch, resetScratch } from './scratch.js';

export interface LadderInput {
  repoDir: string;
  commonDir: string;
  /** The pooled scratch worktree's folder, where rerere replays a merge. */
  scratch: string;
  /** Target branch name (for messages) and the commits being merged. */
  base: string;
  main: string;
  tip: string;
  task: Task;
  conflictFiles: string[];
  /** Prompts of other tasks by name (to tell the agent what landed on the other side). */
  promptOf: (task: string) => string | null;
  /** Gives the conflict back to the task's agent; absent when no session can take it. */
  handBack?: (task: Task, message: string) => Promise<boolean>;
  onProgress?: (line: string) => void;
}

export type LadderResult =
  | { kind: 'resolved'; tree: string; by: 'rerere' | 'mergiraf' }
  | { kind: 'handed-back'; message: string }
  | { kind: 'conflict'; files: string[]; message: string };

/**
 * Climbs the resolution ladder for a conflicting candidate: recorded resolutions (rerere), a
 * structural merge (mergiraf), the task's own agent; otherwise a plain conflict. Every resolved
 * tree still goes through the gate (the caller's job).
 */
export async function climbLadder(input: LadderInput): Promise<LadderResult> {
  const byRerere = await resolveWithRerere(input);
  if (byRerere) return { kind: 'resolved', tree: byRerere, by: 'rerere' };
  const byMergiraf = await resolveWithMergiraf(input);
  if (byMergiraf) return { kind: 'resolved', tree: byMergiraf, by: 'mergiraf' };
  const message = handBackMessage({
    task: input.task.name,
    prompt: input.task.prompt,
    base: input.base,
    conflictFiles: input.conflictFiles,
    others: (await tasksOnOtherSide(input)).map((t) => ({ task: t, prompt: input.promptOf(t) })),
  });
  if (input.handBack && (await input.handBack(input.task, message))) return { kind: 'handed-back', message };
  return { kind: 'conflict', files: input.conflictFiles, message };
}

/** rerere and its auto-staging, on for the whole repository (shared by every worktree) unless the user chose. */
async function enableRerere(repoDir: string): Promise<void> {
  for (const key of ['rerere.enabled', 'rerere.autoUpdate']) {
    const set = await gitRun(['config', '--get', key], { cwd: repoDir, allowFailure: true });
    if (set.code !== 0) await git(['config', key, 'true'], { cwd: repoDir });
  }
}

/** merge-tree ignores rerere, so the merge is redone in the scratch worktree where rerere can replay. */
async function resolveWithRerere(input: LadderInput): Promise<string | null> {
  await enableRerere(input.repoDir);
  const place = { repoDir: input.repoDir, commonDir: input.commonDir, dir: input.scratch };
  const dir = await prepareScratch({ ...place, onProgress: input.onProgress }, input.main);
  try {
    const env = await userIdentityEnv(dir);
    await gitRun(
      [
        '-c',
        'rerere.enabled=true',
        '-c',
        'rerere.autoUpdate=true',
        'merge',
        '-q',
        '--no-commit',
        '--no-ff',
        input.tip,
      ],
      {
        cwd: dir,
        env,
        allowFailure: true,
      },
    );
    const left = await git(['diff', '--name-only', '--diff-filter=U'], { cwd: dir });
    if (left.trim()) return null;
    const tree = await git(['write-tree'], { cwd: dir });
    input.onProgress?.(`rerere replayed a recorded resolution for ${input.task.name}`);
    return tree;
  } finally {
    await resetScratch(dir);
  }
}

async function hasMergiraf(cwd: string): Promise<boolean> {
  try {
    const res = await run('mergiraf', ['--version'], { cwd, allowFailure: true, timeoutMs: 10_000 });
    return res.code === 0;
  } catch (err) {
    if (isBraidError(err, 'E_TOOL_MISSING')) return false;
    throw err;
  }
}

/** Structural merge of each conflicted file; only a full resolution counts (a partial one changes nothing). */
async function resolveWithMergiraf(input: LadderInput): Promise<string | null> {
  const cwd = input.repoDir;
  if (!(await hasMergiraf(cwd))) return null;
  const base = await git(['merge-base', input.main, input.tip], { cwd, allowFailure: true });
  if (!base) return null;
  const merged = await mergeTrees(cwd, input.main, input.tip);
  const work = mkdtempSync(path.join(tmpdir(), 'braid-mergiraf-'));
  const index = path.join(work, 'index');
  try {
    const env = { GIT_INDEX_FILE: index };
    await git(['read-tree', merged.tree], { cwd, env });
    for (const [i, file] of input.conflictFiles.entries()) {
      const blob = await mergeOneFile(cwd, work, i, file, [base, input.main, input.tip]);
      if (!blob) return null;
      const mode = (await git(['ls-tree', input.main, '--', file], { cwd })).split(' ')[0] || '100644';
      await git(['update-index', '--cacheinfo', `${mode},${blob},${file}`], { cwd, env });
    }
    input.onProgress?.(`mergiraf resolved ${input.conflictFiles.join(', ')} for ${input.task.name}`);
    return await git(['write-tree'], { cwd, env });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function mergeOneFile(
  cwd: string,
  work: string,
  i: number,
  file: string,
  [base, left, right]: string[],
): Promise<string | null> {
  // Same file name in each folder: mergiraf picks the language from the extension.
  const name = path.basename(file);
  const paths: string[] = [];
  for (const [side, commit] of [
    ['base', base],
    ['left', left],
    ['right', right],
  ] as const) {
    const res = await gitRun(['cat-file', 'blob', `${commit}:${file}`], {
      cwd,
      allowFailure: true,
      binary: true,
    });
    if (res.code !== 0) return null; // added or deleted on one side: not a content merge
    const dir = path.join(work, `${i}`, side);
    mkdirSync(dir, { recursive: true });
    const p = path.join(dir, name);
    writeFileSync(p, res.stdoutBuffer!);
    paths.push(p);
  }
  const out = path.join(work, `${i}`, `out-${name}`);
  const res = await run('mergiraf', ['merge', paths[0], paths[1], paths[2], '-o', out], {
    cwd,
    allowFailure: true,
    timeoutMs: 120_000,
  });
  if (res.code !== 0) return null;
  const text = readFileSync(out, 'utf8');
  if (/^(<{7}|>{7})( |$)/m.test(text)) return null;
  return git(['hash-object', '-w', '--', out], { cwd });
}

/** Tasks whose landed commits on main touched the conflicted files since this task forked. */
async function tasksOnOtherSide(input: LadderInput): Promise<string[]> {
  const cwd = input.repoDir;
  const base = await git(['merge-base', input.main, input.tip], { cwd, allowFailure: true });
  if (!base) return [];
  const out = await git(
    [
      'log',
      '--format=%(trailers:key=Braid-Task,valueonly)',
      `${base}..${input.main}`,
      '--',
      ...input.conflictFiles,
    ],
    { cwd },
  );
  const names = out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== input.task.name);
  return [...new Set(names)];
}
