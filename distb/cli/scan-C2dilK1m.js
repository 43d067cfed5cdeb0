import { t as BraidError } from "./errors-wmBuLZod.js";
import { c as saveSnapshot, d as baseSide, f as classifyPair, g as pairsToRecompute, i as listFindings, m as isBaseSide, n as getSnapshot, o as pruneRadar, r as listCachedPairs, s as savePair, v as withLines } from "./radar-kZDxUEuD.js";
import { d as gitOk, f as gitRun, i as currentBranch, u as git } from "./config-file-CkoDHq_W.js";
import { i as snapshotWorktree, n as mergeTrees } from "./merge-tree-DF9GFWME.js";
import { i as parseUnifiedZero, n as parseNameStatusZ, r as parseStatusV2 } from "./radar-parse-DNTK7Ati.js";
import { a as listTasks } from "./tasks-BaE3DxGI.js";
import path from "node:path";
import { existsSync, lstatSync } from "node:fs";
import { createHash } from "node:crypto";
// dist/watch/radar/diffs.js
/** Per-scan memo of merge bases and each side's changes against them (many pairs share a base). */
const DIFF_FLAGS = [
	"--no-renames",
	"--no-color",
	"--no-ext-diff",
	"--no-textconv"
];
var SideDiffs = class {
	cwd;
	bases = /* @__PURE__ */ new Map();
	names = /* @__PURE__ */ new Map();
	constructor(cwd) {
		this.cwd = cwd;
	}
	mergeBase(a, b) {
		const key = a < b ? `${a}:${b}` : `${b}:${a}`;
		let hit = this.bases.get(key);
		if (!hit) {
			hit = gitRun([
				"merge-base",
				a,
				b
			], {
				cwd: this.cwd,
				allowFailure: true
			}).then((r) => r.code === 0 ? r.stdout.trim() : null);
			this.bases.set(key, hit);
		}
		return hit;
	}
	/** Files `commit` changes against `base`, with git's status letter. */
	changes(base, commit) {
		const key = `${base}:${commit}`;
		let hit = this.names.get(key);
		if (!hit) {
			hit = gitRun([
				"diff",
				"--name-status",
				"-z",
				...DIFF_FLAGS,
				base,
				commit,
				"--"
			], { cwd: this.cwd }).then((r) => parseNameStatusZ(r.stdout));
			this.names.set(key, hit);
		}
		return hit;
	}
	/** The merge-base lines `commit` changes in `files`. */
	async ranges(base, commit, files) {
		const specs = [...new Set(files)].map((f) => `:(literal)${f}`);
		const res = await gitRun([
			"diff",
			"-U0",
			...DIFF_FLAGS,
			base,
			commit,
			"--",
			...specs
		], { cwd: this.cwd });
		return parseUnifiedZero(res.stdout);
	}
};
// dist/watch/radar/snapshots.js
/** Live snapshots of task worktrees into refs/braid/radar/<task>, skipped when nothing changed. */
const radarRef = (task) => `refs/braid/radar/${task}`;
const NOT_LIVE = /* @__PURE__ */ new Set([
	"landed",
	"failed",
	"provisioning"
]);
/** Tasks the radar watches: past provisioning, not finished for good, worktree still on disk. */
function liveTasks(store) {
	return listTasks(store).filter((t) => !NOT_LIVE.has(t.status) && existsSync(t.worktree));
}
/**
* A cheap fingerprint of everything a snapshot would record: HEAD, git's view of changed and
* untracked paths, and each such file's size and mtime (status alone misses a second edit to
* an already-modified file).
*/
async function worktreeFingerprint(worktree) {
	const out = await git([
		"status",
		"--porcelain=v2",
		"--branch",
		"-z",
		"--untracked-files=all"
	], { cwd: worktree });
	const { paths } = parseStatusV2(out);
	const hash = createHash("sha1").update(out);
	for (const rel of paths) try {
		const st = lstatSync(path.join(worktree, rel), { bigint: true });
		hash.update(`\0${rel}\0${st.size}\0${st.mtimeNs}\0${st.ino}`);
	} catch {
		hash.update(`\0${rel}\0missing`);
	}
	return hash.digest("hex");
}
/** Snapshots one task's worktree unless its fingerprint matches the last snapshot (and its ref still exists). */
async function refreshSnapshot(store, task) {
	const ref = radarRef(task.name);
	const fingerprint = await worktreeFingerprint(task.worktree);
	const stored = getSnapshot(store, task.name);
	if (stored && stored.fingerprint === fingerprint) {
		if (await gitOk([
			"rev-parse",
			"--verify",
			"--quiet",
			`${ref}^{commit}`
		], { cwd: task.worktree })) return {
			...stored,
			fresh: false
		};
	}
	const snap = await snapshotWorktree(task.worktree, {
		ref,
		message: `braid radar snapshot of ${task.name}`
	});
	const row = {
		task: task.name,
		fingerprint,
		commit: snap.commit,
		tree: snap.tree,
		head: snap.head
	};
	saveSnapshot(store, row);
	return {
		...row,
		takenAt: Date.now(),
		fresh: true
	};
}
/** The stored snapshot when `rescan` is false and one exists, else a refreshed one. */
async function currentSnapshot(store, task, rescan) {
	const stored = rescan ? null : getSnapshot(store, task.name);
	return stored ? {
		...stored,
		fresh: false
	} : refreshSnapshot(store, task);
}
// dist/watch/radar/scan.js
/** `scanRadar`: snapshot live tasks, merge-tree the pairs whose sides changed, cache and report findings. */
/** Runs `fn` over `items` with at most `limit` in flight (the machine's git processes are the bottleneck). */
async function pool(items, limit, fn) {
	const out = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return out;
}
/** The branch tasks land on: configured, else the one the tasks were started from, else the main checkout's. */
async function radarBaseBranch(project, live) {
	return project.config.base ?? live[0]?.base ?? await currentBranch(project.repo.root) ?? "main";
}
async function baseBranchSide(cwd, branch) {
	if (branch.startsWith("-")) return null;
	const res = await gitRun([
		"rev-parse",
		`${branch}^{commit}`,
		`${branch}^{tree}`,
		"--"
	], {
		cwd,
		allowFailure: true
	});
	if (res.code !== 0) return null;
	const [commit, tree] = res.stdout.trim().split("\n");
	return {
		name: baseSide(branch),
		commit,
		tree
	};
}
async function computePair(cwd, a, b, diffs, glob) {
	const base = await diffs.mergeBase(a.commit, b.commit);
	if (!base) return [];
	const [merge, aChanges, bChanges] = await Promise.all([
		mergeTrees(cwd, a.commit, b.commit),
		diffs.changes(base, a.commit),
		diffs.changes(base, b.commit)
	]);
	const findings = classifyPair({
		a: a.name,
		b: b.name,
		merge,
		aChanges,
		bChanges,
		migrationsGlob: glob
	});
	const lineFiles = findings.filter((f) => f.kind !== "migration").flatMap((f) => f.files);
	if (!lineFiles.length) return findings;
	const [aRanges, bRanges] = await Promise.all([diffs.ranges(base, a.commit, lineFiles), diffs.ranges(base, b.commit, lineFiles)]);
	return withLines(findings, aRanges, bRanges);
}
/**
* Brings the radar up to date and reports every current finding among live tasks. With `tasks`,
* only those tasks are re-snapshotted and only their pairs recomputed (what each edit hook asks for).
*/
async function scanRadar(project, options = {}) {
	const store = project.store;
	const cwd = project.repo.root;
	const live = liveTasks(store);
	for (const name of options.tasks ?? []) if (!live.some((t) => t.name === name)) throw new BraidError("E_NO_TASK", `no live task named '${name}'`, "See the live tasks with braid ls.");
	const rescan = (name) => !options.tasks || options.tasks.includes(name);
	const sides = (await pool(live, 3, (t) => currentSnapshot(store, t, rescan(t.name)))).map((s) => ({
		name: s.task,
		commit: s.commit,
		tree: s.tree
	}));
	const branch = await radarBaseBranch(project, live);
	const mainSide = await baseBranchSide(cwd, branch);
	if (mainSide) sides.push(mainSide);
	const dropped = project.store.tx(() => pruneRadar(store, sides.map((s) => s.name)));
	for (const task of dropped) await gitRun([
		"update-ref",
		"-d",
		radarRef(task)
	], {
		cwd,
		allowFailure: true
	});
	const byName = new Map(sides.map((s) => [s.name, s]));
	const stateOf = sides.map((s) => ({
		name: s.name,
		tree: s.tree
	}));
	const todo = pairsToRecompute(stateOf, listCachedPairs(store), options.tasks);
	const diffs = new SideDiffs(cwd);
	const glob = project.config.migrations?.glob;
	await pool(todo, 3, async ([a, b]) => {
		const sa = byName.get(a);
		const sb = byName.get(b);
		const findings = await computePair(cwd, sa, sb, diffs, glob);
		project.store.tx(() => savePair(store, {
			a,
			b,
			aTree: sa.tree,
			bTree: sb.tree
		}, findings));
	});
	return cachedReport(store, branch, live.map((t) => t.name), sides.map((s) => s.name), todo);
}
/**
* The report of what the radar has stored among `sides` (the live tasks and, when it exists, the base
* branch's side), without scanning: what the dashboards show between scans.
*/
function cachedReport(store, base, tasks, sides, recomputed = []) {
	const liveNames = new Set(sides);
	const all = listFindings(store).filter((f) => liveNames.has(f.a) && liveNames.has(f.b));
	const label = (f) => isBaseSide(f.b) ? {
		...f,
		b: f.b.slice(1)
	} : f;
	return {
		base,
		tasks,
		pairs: all.filter((f) => !isBaseSide(f.b)),
		vsMain: all.filter((f) => isBaseSide(f.b)).map(label),
		recomputed
	};
}
export { scanRadar as n, liveTasks as r, cachedReport as t };
