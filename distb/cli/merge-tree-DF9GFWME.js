import { f as gitRun, u as git } from "./config-file-CkoDHq_W.js";
import path from "node:path";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
// dist/git/snapshot.js
/** Snapshot commits are braid's own records, so they carry braid's identity whatever the user configured. */
const BRAID_IDENTITY = {
	GIT_AUTHOR_NAME: "braid",
	GIT_AUTHOR_EMAIL: "braid@localhost",
	GIT_COMMITTER_NAME: "braid",
	GIT_COMMITTER_EMAIL: "braid@localhost"
};
/**
* Records the whole state of a worktree (uncommitted and untracked files, not ignored ones) as a
* commit on top of its HEAD, through a temporary index so the worktree's own index and
* `git status` stay exactly as they were.
*/
async function snapshotWorktree(worktree, options = {}) {
	const realIndex = path.resolve(worktree, await git([
		"rev-parse",
		"--git-path",
		"index"
	], { cwd: worktree }));
	const scratch = mkdtempSync(path.join(tmpdir(), "braid-index-"));
	const tempIndex = path.join(scratch, "index");
	try {
		if (existsSync(realIndex)) {
			copyFileSync(realIndex, tempIndex);
			const { atime, mtime } = statSync(realIndex);
			utimesSync(tempIndex, atime, mtime);
		}
		const env = {
			...BRAID_IDENTITY,
			GIT_INDEX_FILE: tempIndex
		};
		await git([
			"add",
			"--all",
			"--",
			"."
		], {
			cwd: worktree,
			env,
			timeoutMs: 12e4
		});
		const tree = await git(["write-tree"], {
			cwd: worktree,
			env
		});
		const head = await git(["rev-parse", "HEAD"], { cwd: worktree });
		const message = options.message ?? `braid snapshot of ${worktree}`;
		const commit = await git([
			"commit-tree",
			tree,
			"-p",
			head,
			"-m",
			message
		], {
			cwd: worktree,
			env
		});
		if (options.ref) await git([
			"update-ref",
			options.ref,
			commit
		], { cwd: worktree });
		return {
			commit,
			tree,
			head
		};
	} finally {
		rmSync(scratch, {
			recursive: true,
			force: true
		});
	}
}
/** Tells whether a worktree has changes that a snapshot would record (tracked edits or untracked files). */
async function worktreeChanges(worktree) {
	const out = await git([
		"status",
		"--porcelain=v1",
		"-z",
		"--untracked-files=all"
	], { cwd: worktree });
	const files = [];
	const parts = out.split("\0");
	for (let i = 0; i < parts.length; i++) {
		const entry = parts[i];
		if (!entry) continue;
		files.push(entry.slice(3));
		if (entry[0] === "R" || entry[0] === "C") i++;
	}
	return files;
}
// dist/git/merge-tree.js
/**
* Merges two commits in memory with `git merge-tree --write-tree` (git >= 2.38): no checkout,
* no index, nothing in anyone's worktree changes.
*/
async function mergeTrees(cwd, ours, theirs) {
	const res = await gitRun([
		"merge-tree",
		"--write-tree",
		"--name-only",
		"-z",
		"--end-of-options",
		ours,
		theirs
	], {
		cwd,
		allowFailure: true,
		timeoutMs: 12e4
	});
	if (res.code !== 0 && res.code !== 1) await gitRun([
		"merge-tree",
		"--write-tree",
		"--end-of-options",
		ours,
		theirs
	], { cwd });
	const [tree, ...rest] = res.stdout.split("\0");
	const conflictFiles = [];
	if (res.code === 1) for (const name of rest) {
		if (name === "") break;
		conflictFiles.push(name);
	}
	return {
		tree,
		clean: res.code === 0,
		conflictFiles
	};
}
/**
* Tells whether everything `tip` changed is already in `base`, even when it arrived there as a
* squash or a cherry-pick: merging tip into base would leave base's tree unchanged.
*/
async function isContentMerged(cwd, base, tip) {
	const merge = await mergeTrees(cwd, base, tip);
	if (!merge.clean) return false;
	const baseTree = await git(["rev-parse", `${base}^{tree}`], { cwd });
	return merge.tree === baseTree;
}
export { worktreeChanges as a, snapshotWorktree as i, mergeTrees as n, BRAID_IDENTITY as r, isContentMerged as t };
