import { filesPerCommit } from '../core/queue-lanes.js';
import { git } from './git.js';

/** The files each commit changes against the parent given with it (pairs of [commit, parent]), in one git process. */
export async function filesChangedEach(
  cwd: string,
  pairs: ReadonlyArray<readonly [string, string]>,
): Promise<string[][]> {
  if (pairs.length === 0) return [];
  const input = `${pairs.map(([c, p]) => `${c} ${p}`).join('\n')}\n`;
  const out = await git(['diff-tree', '--stdin', '-r', '--name-only', '--no-renames', '-z'], { cwd, input });
  return filesPerCommit(
    out,
    pairs.map(([c]) => c),
  );
}
