import type { CommitWriter } from './commit-writer.js';
import { git, gitRun } from './git.js';
import { mergeTrees } from './merge-tree.js';
import { BRAID_IDENTITY } from './snapshot.js';

type LandStrategy = 'squash' | 'rebase' | 'merge';

export interface CandidateInput {
  cwd: string;
  /** The commit main points at now: the candidate's first parent. */
  main: string;
  /** The task branch's tip. */
  tip: string;
  strategy: LandStrategy;
  /** Message for squash and merge commits (rebase keeps each commit's own). */
  message: string;
  /** Already known (a batch builds many candidates): main's tree and the committer identity. */
  mainTree?: string;
  identityEnv?: Record<string, string>;
  /** Writes the squash or merge commit without a git process (a batch opens one per window). */
  writeCommit?: CommitWriter | null;
}

export type Candidate =
  | { ok: true; commit: string; tree: string; empty: boolean }
  | { ok: false; conflictFiles: string[]; tree: string };

/**
 * Builds the commit that would land, in memory only (merge-tree + commit-tree): no checkout,
 * no index, nobody's worktree is touched.
 */
export async function buildCandidate(input: CandidateInput): Promise<Candidate> {
  if (input.strategy === 'rebase') return replayCommits(input);
  const merge = await mergeTrees(input.cwd, input.main, input.tip);
  if (!merge.clean) return { ok: false, conflictFiles: merge.conflictFiles, tree: merge.tree };
  return commitResolvedTree(input, merge.tree);
}

/** Turns a merged tree (clean, or resolved by the ladder) into the candidate commit for the strategy. */
export async function commitResolvedTree(input: CandidateInput, tree: string): Promise<Candidate> {
  const mainTree = input.mainTree ?? (await git(['rev-parse', `${input.main}^{tree}`], { cwd: input.cwd }));
  if (tree === mainTree) return { ok: true, commit: input.main, tree, empty: true };
  const parents = input.strategy === 'merge' ? [input.main, input.tip] : [input.main];
  if (input.writeCommit)
    return { ok: true, commit: input.writeCommit(tree, parents, input.message), tree, empty: false };
  const env = input.identityEnv ?? (await userIdentityEnv(input.cwd));
  const commit = await git(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'], {
    cwd: input.cwd,
    env,
    input: input.message,
  });
  return { ok: true, commit, tree, empty: false };
}

/**
 * Cherry-picks each task commit C (parent P) onto the growing candidate K without a worktree:
 * a throwaway commit T with parents K and P makes P the merge base of T and C, so
 * merge-tree(T, C) is exactly the cherry-pick's three-way merge (git 2.38 has no --merge-base).
 */
async function replayCommits(input: CandidateInput): Promise<Candidate> {
  const { cwd } = input;
  const list = await git(
    ['rev-list', '--reverse', '--topo-order', '--no-merges', `${input.main}..${input.tip}`],
    {
      cwd,
    },
  );
  const commits = list ? list.split('\n') : [];
  const committer = input.identityEnv ?? (await userIdentityEnv(cwd));
  let k = input.main;
  let kTree = input.mainTree ?? (await git(['rev-parse', `${k}^{tree}`], { cwd }));
  const startTree = kTree;
  for (const c of commits) {
    const p = await git(['rev-parse', `${c}^1`], { cwd });
    const t = await git(['commit-tree', kTree, '-p', k, '-p', p, '-m', 'braid: cherry-pick base'], {
      cwd,
      env: BRAID_IDENTITY,
    });
    const merge = await mergeTrees(cwd, t, c);
    if (!merge.clean) return { ok: false, conflictFiles: merge.conflictFiles, tree: merge.tree };
    if (merge.tree === kTree) continue; // already in main: git rebase drops such commits too
    const original = await readCommit(cwd, c);
    k = await git(['commit-tree', merge.tree, '-p', k, '-F', '-'], {
      cwd,
      env: { ...committer, ...original.authorEnv },
      input: original.message,
    });
    kTree = merge.tree;
  }
  return { ok: true, commit: k, tree: kTree, empty: kTree === startTree };
}

interface CommitInfo {
  message: string;
  authorEnv: Record<string, string>;
}

/** A commit's exact message and author (name, email, date), read from the raw object. */
async function readCommit(cwd: string, commit: string): Promise<CommitInfo> {
  const raw = await git(['cat-file', 'commit', commit], { cwd });
  const split = raw.indexOf('\n\n');
  const headers = split < 0 ? raw : raw.slice(0, split);
  const message = split < 0 ? '' : raw.slice(split + 2);
  const author = /^author (.*) <(.*)> (\d+ [+-]\d{4})$/m.exec(headers);
  const authorEnv: Record<string, string> = author
    ? { GIT_AUTHOR_NAME: author[1], GIT_AUTHOR_EMAIL: author[2], GIT_AUTHOR_DATE: author[3] }
    : {};
  return { message: message.endsWith('\n') ? message : `${message}\n`, authorEnv };
}

/**
 * The user's own identity when git has one (config or environment); braid's otherwise, so landing
 * never fails on a machine without user.name.
 */
export async function userIdentityEnv(cwd: string): Promise<Record<string, string>> {
  // Both keys in one git process: the names of the user.* keys that are set.
  const res = await gitRun(['config', '--name-only', '--get-regexp', '^user\\.(name|email)$'], {
    cwd,
    allowFailure: true,
  });
  const keys = new Set(res.code === 0 ? res.stdout.split('\n').map((k) => k.trim()) : []);
  const env = process.env;
  const hasName = keys.has('user.name') || Boolean(env.GIT_AUTHOR_NAME && env.GIT_COMMITTER_NAME);
  const hasEmail =
    keys.has('user.email') || Boolean(env.GIT_AUTHOR_EMAIL && env.GIT_COMMITTER_EMAIL) || Boolean(env.EMAIL);
  return hasName && hasEmail ? {} : { ...BRAID_IDENTITY };
}

/** Message of a squash commit: the prompt's first line as subject, the rest as body, a task trailer. */
export function squashMessage(task: string, prompt: string | null, subjects: string[] = []): string {
  const text = (prompt ?? '').trim();
  const [first = '', ...rest] = text.split('\n');
  const subject = first.trim() ? truncate(first.trim(), 72) : `braid task ${task}`;
  const body: string[] = [];
  const restText = rest.join('\n').trim();
  // The subject already says the first line unless it had to be cut.
  if (first.trim().length > 72) body.push(text);
  else if (restText) body.push(restText);
  if (subjects.length) body.push(subjects.map((s) => `* ${s}`).join('\n'));
  return `${[subject, ...body, `Braid-Task: ${task}`].join('\n\n')}\n`;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
