import { u as git } from "./config-file-CkoDHq_W.js";
import { a as worktreeChanges } from "./merge-tree-DF9GFWME.js";
import path from "node:path";
import { readFileSync, statSync } from "node:fs";
// dist/core/task-changes.js
/** What a task changed against its base, and when a stored count can be shown instead of asking git. */
/** Which parts of a task's figures must be asked of git again. Commits are keyed by their ids, so never go stale. */
function recountNeeded(stored, now, policy) {
	if (!stored || policy.fresh) return {
		committed: true,
		dirty: true
	};
	const committed = stored.head !== now.head || stored.baseCommit !== now.baseCommit;
	return {
		committed,
		dirty: committed || stored.indexSig !== now.indexSig || stored.dirtyAt < now.activityAt || !policy.trustBy.includes(stored.dirtyBy) || policy.now - stored.dirtyAt > policy.trustMs
	};
}
/** Files the task changed: committed since the fork point, uncommitted and untracked, each once. */
function changedCount(f) {
	return (/* @__PURE__ */ new Set([...f.committed, ...f.dirty])).size;
}
// dist/git/worktree-state.js
/** A worktree's HEAD and index read from its files, and every branch tip in one git call. */
/** Every local branch's commit, by full ref name (`refs/heads/…`): one process for all tasks. */
async function branchTips(root) {
	const out = await git([
		"for-each-ref",
		"--format=%(objectname) %(refname)",
		"refs/heads/"
	], { cwd: root });
	const tips = /* @__PURE__ */ new Map();
	for (const line of out.split("\n")) {
		const at = line.indexOf(" ");
		if (at > 0) tips.set(line.slice(at + 1), line.slice(0, at));
	}
	return tips;
}
function gitDirOf(worktree) {
	const dotGit = path.join(worktree, ".git");
	if (statSync(dotGit).isDirectory()) return dotGit;
	const line = readFileSync(dotGit, "utf8").trim();
	if (!line.startsWith("gitdir: ")) throw new Error(`${dotGit} is not a gitdir link`);
	return path.resolve(worktree, line.slice(8));
}
/** HEAD and the index's stat of a worktree, without spawning git; null when it is not a worktree. */
function worktreeFiles(worktree) {
	try {
		const dir = gitDirOf(worktree);
		const head = readFileSync(path.join(dir, "HEAD"), "utf8").trim();
		return {
			ref: head.startsWith("ref: ") ? head.slice(5) : null,
			oid: head.startsWith("ref: ") ? null : head,
			indexSig: indexSigOf(dir)
		};
	} catch {
		return null;
	}
}
function indexSigOf(gitDir) {
	try {
		const st = statSync(path.join(gitDir, "index"), { bigint: true });
		return `${st.mtimeNs}:${st.size}:${st.ino}`;
	} catch {
		return "none";
	}
}
// dist/store/changes.js
/** Every task's stored change figures, by name. */
function storedChanges(store) {
	const rows = store.db.prepare("SELECT * FROM task_changes").all();
	return new Map(rows.map((r) => [r.task, {
		task: r.task,
		head: r.head,
		baseCommit: r.base_commit,
		ahead: r.ahead,
		behind: r.behind,
		committed: JSON.parse(r.committed),
		dirty: JSON.parse(r.dirty),
		indexSig: r.index_sig,
		dirtyAt: r.dirty_at,
		dirtyBy: r.dirty_by
	}]));
}
/** Records recounted figures; drops the rows of tasks that no longer exist. */
function saveChanges(store, figures, liveNames) {
	const upsert = store.db.prepare(`INSERT INTO task_changes (task, head, base_commit, ahead, behind, committed, dirty, index_sig, dirty_at, dirty_by)
     VALUES (@task, @head, @baseCommit, @ahead, @behind, @committed, @dirty, @indexSig, @dirtyAt, @dirtyBy)
     ON CONFLICT(task) DO UPDATE SET head = excluded.head, base_commit = excluded.base_commit,
       ahead = excluded.ahead, behind = excluded.behind, committed = excluded.committed, dirty = excluded.dirty,
       index_sig = excluded.index_sig, dirty_at = excluded.dirty_at, dirty_by = excluded.dirty_by`);
	const names = store.db.prepare("SELECT task FROM task_changes");
	const drop = store.db.prepare("DELETE FROM task_changes WHERE task = ?");
	store.tx(() => {
		for (const f of figures) upsert.run({
			...f,
			committed: JSON.stringify(f.committed),
			dirty: JSON.stringify(f.dirty)
		});
		const keep = new Set(liveNames);
		for (const { task } of names.all()) if (!keep.has(task)) drop.run(task);
	});
}
// dist/watch/monitor/task-changes.js
/**
* Each task's changes against its base (files, ahead, behind) for `braid ls`, the dashboards and the
* supervisor: one `git for-each-ref` for every branch, then git only for what the stored figures
* cannot answer (new commits, a rewritten index, a status change since, or an untrusted count).
*/
/** How `braid ls` reads: the supervisor's counts of the last 75 s (it recounts every minute and on any change it sees). */
const LS_CHANGES = {
	by: "ls",
	trustBy: ["supervisor"],
	trustMs: 75e3
};
/** How the supervisor counts: again on any sign of change, and at least once a minute (edits that touch no index). */
const SUPERVISOR_CHANGES = {
	by: "supervisor",
	trustBy: ["supervisor"],
	trustMs: 6e4
};
/** Runs `fn` over `items` with at most `limit` in flight (git processes compete for the cores). */
async function pool(items, limit, fn) {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await fn(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
async function countCommitted(worktree, base, head) {
	const [behind, ahead] = (await git([
		"rev-list",
		"--left-right",
		"--count",
		`${base}...${head}`
	], { cwd: worktree })).split(/\s+/).map(Number);
	const forkPoint = await git([
		"merge-base",
		base,
		head
	], {
		cwd: worktree,
		allowFailure: true
	});
	return {
		ahead,
		behind,
		committed: forkPoint ? (await git([
			"diff",
			"--name-only",
			"-z",
			forkPoint,
			head
		], { cwd: worktree })).split("\0").filter(Boolean) : []
	};
}
/** The figures of every task whose worktree exists; recounted ones are stored for the next reader. */
async function taskChanges(store, root, tasks, options) {
	const tips = await branchTips(root);
	const stored = storedChanges(store);
	const now = Date.now();
	const policy = {
		fresh: options.fresh,
		now,
		trustBy: options.trustBy,
		trustMs: options.trustMs
	};
	const out = /* @__PURE__ */ new Map();
	const recounted = [];
	await pool(tasks, 4, async (task) => {
		const files = worktreeFiles(task.worktree);
		if (!files) return;
		const head = files.oid ?? (files.ref ? tips.get(files.ref) : void 0) ?? await git(["rev-parse", "HEAD"], {
			cwd: task.worktree,
			allowFailure: true
		});
		if (!head) return;
		const baseCommit = tips.get(`refs/heads/${task.base}`) ?? task.baseCommit;
		const prev = stored.get(task.name) ?? null;
		const need = recountNeeded(prev, {
			head,
			baseCommit,
			indexSig: files.indexSig,
			activityAt: task.statusSince
		}, policy);
		try {
			let figures = prev;
			if (need.committed || need.dirty) {
				const committed = need.committed ? await countCommitted(task.worktree, baseCommit, head) : prev;
				const dirty = await worktreeChanges(task.worktree);
				const indexSig = worktreeFiles(task.worktree)?.indexSig ?? files.indexSig;
				figures = {
					task: task.name,
					head,
					baseCommit,
					ahead: committed.ahead,
					behind: committed.behind,
					committed: committed.committed,
					dirty,
					indexSig,
					dirtyAt: now,
					dirtyBy: options.by
				};
				recounted.push(figures);
			}
			out.set(task.name, {
				changed: changedCount(figures),
				ahead: figures.ahead,
				behind: figures.behind
			});
		} catch {}
	});
	if (recounted.length > 0 || stored.size > tasks.length) saveChanges(store, recounted, tasks.map((t) => t.name));
	return out;
}
// dist/store/samples.js
const fromRow = (r) => ({
	task: r.task,
	at: r.at,
	rssBytes: r.rss_bytes,
	cpuPercent: r.cpu_percent,
	processes: r.processes ?? 0,
	tokens: r.tokens ? JSON.parse(r.tokens) : null,
	costUsd: r.cost_usd
});
/** Keeps a history row at most this often per task: enough for a chart, small enough to keep for days. */
const HISTORY_EVERY_MS = 6e4;
/** History older than this is dropped. */
const HISTORY_KEEP_MS = 6048e5;
/** Records the latest sample of each task; appends to the history when its last row is old enough. */
function saveSamples(store, samples) {
	const latest = store.db.prepare(`INSERT INTO usage_latest (task, at, rss_bytes, cpu_percent, processes, tokens, cost_usd)
     VALUES (@task, @at, @rss, @cpu, @processes, @tokens, @cost)
     ON CONFLICT(task) DO UPDATE SET at = excluded.at, rss_bytes = excluded.rss_bytes,
       cpu_percent = excluded.cpu_percent, processes = excluded.processes,
       tokens = excluded.tokens, cost_usd = excluded.cost_usd`);
	const lastHistory = store.db.prepare("SELECT MAX(at) AS at FROM usage_samples WHERE task = ?");
	const history = store.db.prepare(`INSERT OR REPLACE INTO usage_samples (task, at, rss_bytes, cpu_percent, tokens, cost_usd)
     VALUES (@task, @at, @rss, @cpu, @tokens, @cost)`);
	store.db.transaction(() => {
		for (const s of samples) {
			const row = {
				task: s.task,
				at: s.at,
				rss: s.rssBytes,
				cpu: s.cpuPercent,
				processes: s.processes,
				tokens: s.tokens ? JSON.stringify(s.tokens) : null,
				cost: s.costUsd
			};
			latest.run(row);
			const last = lastHistory.get(s.task).at;
			if (last === null || s.at - last >= HISTORY_EVERY_MS) history.run(row);
		}
		store.db.prepare("DELETE FROM usage_samples WHERE at < ?").run(Date.now() - HISTORY_KEEP_MS);
	})();
}
/** The latest sample of every task, by name (`braid ls`, the dashboards). */
function latestSamples(store) {
	const rows = store.db.prepare("SELECT * FROM usage_latest").all();
	return new Map(rows.map((r) => [r.task, fromRow(r)]));
}
/** A task's sample history, oldest first (charts of tokens and cost over time). */
function sampleHistory(store, task, since = 0) {
	return store.db.prepare("SELECT * FROM usage_samples WHERE task = ? AND at >= ? ORDER BY at").all(task, since).map(fromRow);
}
/** Forgets tasks that no longer exist. */
function pruneSamples(store, liveNames) {
	const keep = new Set(liveNames);
	const rows = store.db.prepare("SELECT task FROM usage_latest").all();
	const del = store.db.prepare("DELETE FROM usage_latest WHERE task = ?");
	const delHistory = store.db.prepare("DELETE FROM usage_samples WHERE task = ?");
	for (const r of rows) {
		if (keep.has(r.task)) continue;
		del.run(r.task);
		delHistory.run(r.task);
	}
}
export { LS_CHANGES as a, saveSamples as i, pruneSamples as n, SUPERVISOR_CHANGES as o, sampleHistory as r, taskChanges as s, latestSamples as t };
