import { LOG_FORMAT, type LoggedCommit, parseLog } from '../core/commit-graph.js';
import { git } from './git.js';

/** The commits any of `tips` has that `main` has not, in git's order, in one git process. */
export async function commitsBeyond(
  cwd: string,
  main: string,
  tips: readonly string[],
): Promise<LoggedCommit[]> {
  if (tips.length === 0) return [];
  const out = await git(
    ['log', '-z', `--format=${LOG_FORMAT}`, '--end-of-options', `^${main}`, ...tips, '--'],
    {
      cwd,
    },
  );
  return parseLog(out);
}
