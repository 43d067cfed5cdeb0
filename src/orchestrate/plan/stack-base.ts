import { BraidError } from '../../core/errors.js';
import { git, gitOk } from '../../git/git.js';
import { mergeTrees } from '../../git/merge-tree.js';
import { BRAID_IDENTITY } from '../../git/snapshot.js';
import type { Project } from '../../project/project.js';
import { getTask } from '../../store/tasks.js';

export interface StackBase {
  /** What the task is provisioned from: a need's branch, or a ref to the merge of all of them. */
  base: string;
  /** Where the task lands: where its needs land (not on their branches). */
  landsOn: string | null;
  /** The needs' branches it starts from. */
  branches: string[];
}

/** The ref that keeps a stacked task's merged starting point reachable. */
function stackRef(name: string): string {
  return `refs/braid/stack/${name}`;
}

/**
 * The starting point of a task stacked on its needs: the one need's branch, or an in-memory merge
 * (merge-tree + commit-tree) of every need's branch. Conflicting needs fail the task with the files.
 */
export async function stackBase(project: Project, name: string, needs: string[]): Promise<StackBase> {
  const cwd = project.repo.root;
  const tasks = needs.map((n) => getTask(project.store, n));
  const missing = needs.filter((_, i) => !tasks[i]);
  if (missing.length) {
    throw new BraidError(
      'E_NO_TASK',
      `'${name}' is stacked on ${missing.map((m) => `'${m}'`).join(', ')}, which no longer exist${missing.length > 1 ? '' : 's'}`,
      'Run the plan without stack: true for it, or recreate the tasks it needs.',
    );
  }
  const branches = tasks.map((t) => t?.branch as string);
  const landsOn = tasks[0]?.base ?? null;
  if (branches.length === 1) return { base: branches[0], landsOn, branches };
  let acc = await git(['rev-parse', '--verify', `refs/heads/${branches[0]}^{commit}`], { cwd });
  for (const [i, branch] of branches.entries()) {
    if (i === 0) continue;
    const tip = await git(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`], { cwd });
    // Already contained (a need stacked on another need): nothing to merge.
    if (await gitOk(['merge-base', '--is-ancestor', tip, acc], { cwd })) continue;
    const merge = await mergeTrees(cwd, acc, tip);
    if (!merge.clean) {
      throw new BraidError(
        'E_CONFLICT',
        `the work of ${needs.map((n) => `'${n}'`).join(' and ')} conflicts in ${merge.conflictFiles.join(', ')}: '${name}' cannot start from all of them`,
        'Land the needs first (without stack: true the task starts from main after they land), or resolve the conflict on one of their branches.',
      );
    }
    acc = await git(
      [
        'commit-tree',
        merge.tree,
        '-p',
        acc,
        '-p',
        tip,
        '-m',
        `braid: start of ${name} (stacked on ${needs.join(', ')})`,
      ],
      { cwd, env: BRAID_IDENTITY },
    );
  }
  await git(['update-ref', stackRef(name), acc], { cwd });
  return { base: stackRef(name), landsOn, branches };
}
