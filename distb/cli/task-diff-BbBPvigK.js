import { t as BraidError } from "./errors-wmBuLZod.js";
import { s as refExists, u as git } from "./config-file-CkoDHq_W.js";
import { i as snapshotWorktree } from "./merge-tree-DF9GFWME.js";
import { existsSync } from "node:fs";
// dist/git/task-diff.js
/** What a task changed against its base (`braid diff`, the dashboard's task page): commits, uncommitted and untracked files. */
/** The patch (or `--stat` summary) from where the task forked off its base to its worktree as it is now. */
async function taskDiff(repoRoot, task, options = {}) {
	if (!existsSync(task.worktree)) throw new BraidError("E_NO_TASK", `the worktree of '${task.name}' is gone`, "Run braid gc.");
	const base = await refExists(repoRoot, `refs/heads/${task.base}`) ? `refs/heads/${task.base}` : task.baseCommit;
	const fork = await git([
		"merge-base",
		base,
		"HEAD"
	], { cwd: task.worktree });
	const snap = await snapshotWorktree(task.worktree, { message: "braid diff" });
	return git([
		"diff",
		"--no-color",
		"--no-ext-diff",
		options.stat ? "--stat" : "--patch",
		fork,
		snap.commit
	], { cwd: task.worktree });
}
export { taskDiff as t };
