import path from "node:path";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
// dist/run/agents/claude-home.js
/** Where Claude Code keeps its data: `$CLAUDE_CONFIG_DIR` (first entry if a list) or `~/.claude`. */
function claudeConfigDir(env = process.env) {
	const first = (env.CLAUDE_CONFIG_DIR ?? "").split(",")[0]?.trim();
	return first ? path.resolve(first) : path.join(env.HOME || homedir(), ".claude");
}
// dist/isolate/sandbox/git-paths.js
/**
* What `git commit` in a linked worktree writes: new objects, the branch ref (+ its lock file),
* reflogs, and the worktree's own admin folder (index, HEAD). Not `config` or `hooks/`: a sandbox
* that could write those would run code outside itself at the next git command.
*/
function gitWritablePaths(worktree, gitCommonDir) {
	const common = path.resolve(gitCommonDir);
	const shared = [
		"objects",
		"refs",
		"logs"
	].map((d) => path.join(common, d));
	for (const dir of shared) mkdirSync(dir, { recursive: true });
	const admin = worktreeAdminDir(worktree);
	return admin && admin !== common ? [...shared, admin] : shared;
}
/** `<common>/worktrees/<name>` from the worktree's `.git` file; null for a main checkout. */
function worktreeAdminDir(worktree) {
	const dotGit = path.join(worktree, ".git");
	if (!existsSync(dotGit) || statSync(dotGit).isDirectory()) return null;
	const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"));
	return m ? path.resolve(worktree, m[1].trim()) : null;
}
/** The shared git folder of a linked worktree (its admin folder's `commondir`); null for a main checkout. */
function worktreeCommonDir(worktree) {
	const admin = worktreeAdminDir(worktree);
	if (!admin) return null;
	try {
		return path.resolve(admin, readFileSync(path.join(admin, "commondir"), "utf8").trim());
	} catch {
		return null;
	}
}
export { worktreeCommonDir as n, claudeConfigDir as r, gitWritablePaths as t };
