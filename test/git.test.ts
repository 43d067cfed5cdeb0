import { afterEach, describe, expect, it } from 'vitest';
import { isBraidError } from '../src/core/errors.js';
import { run } from '../src/exec/run.js';
import { GitError, git, parseGitVersion } from '../src/git/git.js';
import { findRepo, resolveCommit } from '../src/git/repo.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('git runner', () => {
  it('carries command, exit code and stderr in GitError', async () => {
    repo = await tempRepo();
    const err = await git(['rev-parse', '--verify', 'no-such-branch'], { cwd: repo.dir }).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.exit).toBe(128);
    expect(err.args).toEqual(['rev-parse', '--verify', 'no-such-branch']);
    expect(err.message).toContain('no-such-branch');
  });

  it('finds the same repository from a linked worktree in a path with spaces', async () => {
    repo = await tempRepo({ name: 'my project' });
    const wt = `${repo.parent}/other tree`;
    await repo.git('worktree', 'add', '-q', '-b', 'side', wt);
    const fromMain = await findRepo(repo.dir);
    const fromLinked = await findRepo(wt);
    expect(fromLinked.root).toBe(repo.dir);
    expect(fromLinked.commonDir).toBe(fromMain.commonDir);
    expect(fromLinked.toplevel).toBe(wt);
    expect(fromMain.name).toBe('my project');
  });

  it('refuses refs that look like options', async () => {
    repo = await tempRepo();
    const err = await resolveCommit(repo.dir, '--output=/tmp/x').catch((e) => e);
    expect(isBraidError(err, 'E_BAD_REF')).toBe(true);
  });

  it('parses versions', () => {
    expect(parseGitVersion('git version 2.39.5')).toEqual([2, 39, 5]);
    expect(parseGitVersion('git version 2.38.0.windows.1')).toEqual([2, 38, 0]);
  });

  it('reports a missing executable as E_TOOL_MISSING with a hint', async () => {
    const err = await run('definitely-not-a-tool-xyz', [], { cwd: '/' }).catch((e) => e);
    expect(isBraidError(err, 'E_TOOL_MISSING')).toBe(true);
  });
});
