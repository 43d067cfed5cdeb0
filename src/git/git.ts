import { BraidError } from '../core/errors.js';
import { ProcessError, type RunOptions, type RunResult, run } from '../exec/run.js';

/** A failed git command: the command, its exit code and stderr, and what to do about it. */
export class GitError extends BraidError {
  readonly args: string[];
  readonly exit: number | null;
  readonly stderr: string;
  constructor(args: string[], exit: number | null, stderr: string, cwd: string) {
    const first =
      stderr
        .trim()
        .split('\n')
        .find((l) => l.trim()) ?? '';
    super(
      'E_GIT',
      `git ${args.join(' ')} failed (exit ${exit}) in ${cwd}${first ? `: ${first}` : ''}`,
      hintFor(stderr),
    );
    this.args = args;
    this.exit = exit;
    this.stderr = stderr;
  }
}

function hintFor(stderr: string): string | undefined {
  if (/not a git repository/i.test(stderr)) return 'Run braid inside a git repository.';
  if (/index\.lock/.test(stderr))
    return 'Another git process is running here, or one crashed: remove the stale index.lock if none runs.';
  const refLock = /Unable to create '([^']+\.lock)': File exists/.exec(stderr);
  if (refLock && /\/refs\/(heads\/)?braid\//.test(refLock[1]))
    return `A git killed mid-update left ${refLock[1]} (or a git still runs here): run braid gc, which removes braid's ref lock files older than a minute that no git holds, then try again.`;
  if (refLock) return `If no git process runs in this repository, remove ${refLock[1]} and try again.`;
  if (/is already checked out|is already used by worktree/.test(stderr))
    return 'That branch is checked out in another worktree; pick another base or remove that worktree.';
  if (/invalid reference|unknown revision|bad revision/.test(stderr))
    return 'Check the branch or commit name.';
  return undefined;
}

export interface GitOptions extends Omit<RunOptions, 'cwd'> {
  cwd: string;
}

const GIT_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  // Stable, parseable messages whatever the user's locale.
  LC_ALL: 'C',
  GIT_OPTIONAL_LOCKS: '0',
};

/** Runs git and returns the full result; throws GitError unless allowFailure. */
export async function gitRun(args: string[], options: GitOptions): Promise<RunResult> {
  try {
    return await run('git', args, { ...options, env: { ...GIT_ENV, ...options.env } });
  } catch (err) {
    if (err instanceof ProcessError) {
      throw new GitError(args, err.result.code, err.result.stderr, options.cwd);
    }
    throw err;
  }
}

/** Runs git and returns stdout without the trailing newline. */
export async function git(args: string[], options: GitOptions): Promise<string> {
  const res = await gitRun(args, options);
  return res.stdout.replace(/\n$/, '');
}

/** Runs git and tells whether it exited 0 (for questions like "does this ref exist?"). */
export async function gitOk(args: string[], options: GitOptions): Promise<boolean> {
  const res = await gitRun(args, { ...options, allowFailure: true });
  return res.code === 0;
}

export const MIN_GIT = [2, 38] as const;

export function parseGitVersion(text: string): [number, number, number] | null {
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

let checkedVersion: string | null = null;

/** git ≥ 2.38 is needed for `merge-tree --write-tree`; say so plainly when older. */
export async function requireGit(cwd: string): Promise<string> {
  if (checkedVersion) return checkedVersion;
  // A missing git throws E_TOOL_MISSING from the runner, with its hint.
  const out = await git(['--version'], { cwd });
  const v = parseGitVersion(out);
  if (!v || v[0] < MIN_GIT[0] || (v[0] === MIN_GIT[0] && v[1] < MIN_GIT[1])) {
    throw new BraidError(
      'E_GIT_TOO_OLD',
      `braid needs git ${MIN_GIT.join('.')} or newer; found ${out.trim()}`,
      'Upgrade git (it needs merge-tree --write-tree).',
    );
  }
  checkedVersion = out.trim();
  return checkedVersion;
}
