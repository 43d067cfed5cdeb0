import { a as compileGlob, t as migrationNumber } from "./radar-parse-DNTK7Ati.js";
// dist/core/radar.js
/**
* The conflict radar's decisions, pure: which pairs need recomputing, what a pair's merge and
* changes mean (textual conflict, overlap, migration collision), and what to tell each agent.
*/
/** The base branch takes part in pairs as a side named `@<branch>` (never a valid task name). */
const BASE_SIDE_PREFIX = "@";
const baseSide = (branch) => `${BASE_SIDE_PREFIX}${branch}`;
const isBaseSide = (side) => side.startsWith(BASE_SIDE_PREFIX);
const sideLabel = (side) => isBaseSide(side) ? side.slice(1) : side;
/** Pairs are stored once, ordered: tasks by name, the base branch always second. */
function orderPair(x, y) {
	if (isBaseSide(x)) return [y, x];
	if (isBaseSide(y)) return [x, y];
	return x < y ? [x, y] : [y, x];
}
/**
* Every pair of sides (task × task, task × base; never base × base) whose cached result is missing
* or was computed on another tree of either side; with `scope`, only pairs involving those tasks.
*/
function pairsToRecompute(sides, cached, scope) {
	const tree = new Map(sides.map((s) => [s.name, s.tree]));
	const known = new Map(cached.map((c) => [`${c.a}\0${c.b}`, c]));
	const todo = [];
	for (let i = 0; i < sides.length; i++) for (let j = i + 1; j < sides.length; j++) {
		const [a, b] = orderPair(sides[i].name, sides[j].name);
		if (isBaseSide(a) && isBaseSide(b)) continue;
		if (scope && !scope.includes(a) && !scope.includes(b)) continue;
		const hit = known.get(`${a}\0${b}`);
		if (hit && hit.aTree === tree.get(a) && hit.bTree === tree.get(b)) continue;
		todo.push([a, b]);
	}
	return todo;
}
/** Files both sides touch, in order. */
function sharedFiles(aChanges, bChanges) {
	const inB = new Set(bChanges.map((c) => c.path));
	return aChanges.map((c) => c.path).filter((p) => inB.has(p));
}
/** Migrations both sides add under the configured glob whose numbers are equal but whose files differ. */
function migrationCollisions(aChanges, bChanges, glob) {
	const { matches } = compileGlob(glob);
	const added = (changes) => changes.filter((c) => c.status === "A" && matches(c.path)).map((c) => ({
		path: c.path,
		number: migrationNumber(c.path)
	})).filter((m) => m.number !== null);
	const bAdded = added(bChanges);
	const out = [];
	for (const ma of added(aChanges)) for (const mb of bAdded) if (ma.number === mb.number && ma.path !== mb.path) out.push({
		number: ma.number,
		a: ma.path,
		b: mb.path
	});
	return out;
}
/**
* What one pair amounts to, without line numbers yet: a textual conflict (the files merge-tree
* conflicts on), an overlap (other files both touch, merging cleanly), a migration collision.
*/
function classifyPair(input) {
	const { a, b } = input;
	const findings = [];
	const shared = sharedFiles(input.aChanges, input.bChanges);
	let conflicted = input.merge.conflictFiles;
	if (!input.merge.clean && !conflicted.length) conflicted = shared;
	if (!input.merge.clean) findings.push({
		a,
		b,
		kind: "textual",
		files: conflicted
	});
	const overlap = shared.filter((f) => !conflicted.includes(f));
	if (overlap.length) findings.push({
		a,
		b,
		kind: "overlap",
		files: overlap
	});
	if (input.migrationsGlob) {
		const collisions = migrationCollisions(input.aChanges, input.bChanges, input.migrationsGlob);
		if (collisions.length) {
			const files = collisions.flatMap((c) => [c.a, c.b]);
			findings.push({
				a,
				b,
				kind: "migration",
				files: [...new Set(files)],
				collisions
			});
		}
	}
	return findings;
}
/** Attaches both sides' line ranges to textual and overlap findings. */
function withLines(findings, aRanges, bRanges) {
	return findings.map((f) => {
		if (f.kind === "migration") return f;
		const lines = {};
		for (const file of f.files) lines[file] = {
			a: aRanges.get(file) ?? [],
			b: bRanges.get(file) ?? []
		};
		return {
			...f,
			lines
		};
	});
}
/** Merges touching or overlapping ranges and prints them as `10-40, 52`. */
function formatRanges(ranges) {
	const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
	const merged = [];
	for (const r of sorted) {
		const last = merged[merged.length - 1];
		if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
		else merged.push([r[0], r[1]]);
	}
	return merged.map(([s, e]) => s === e ? `${s}` : `${s}-${e}`).join(", ");
}
function linesPart(ranges) {
	if (!ranges?.length) return "";
	const shown = formatRanges(ranges);
	return ` ${shown.includes(",") || shown.includes("-") ? "lines" : "line"} ${shown}`;
}
/** The messages `task` should get about `findings`: one per finding and file. */
function messagesFor(task, findings) {
	const out = [];
	for (const f of findings) {
		if (f.a !== task && f.b !== task) continue;
		const mine = f.a === task ? "a" : "b";
		const other = mine === "a" ? f.b : f.a;
		const who = isBaseSide(other) ? `${sideLabel(other)} (moved since your base)` : `task ${other}`;
		if (f.kind === "migration") {
			for (const c of f.collisions ?? []) {
				const theirs = mine === "a" ? c.b : c.a;
				const yours = mine === "a" ? c.a : c.b;
				out.push({
					key: `migration|${other}|${theirs}|${yours}`,
					text: `${who} also adds migration ${theirs}, numbered like your ${yours}; renumber yours or coordinate`
				});
			}
			continue;
		}
		const advice = isBaseSide(other) ? "rebase onto it or stay out" : "coordinate or stay out";
		const why = f.kind === "textual" ? "your changes conflict with it" : "no conflict yet";
		for (const file of f.files) {
			const theirLines = f.lines?.[file]?.[mine === "a" ? "b" : "a"];
			out.push({
				key: `${f.kind}|${other}|${file}`,
				text: `${who} also changes ${file}${linesPart(theirLines)} (${why}); ${advice}`
			});
		}
	}
	return out;
}
/** Tools whose use may change files in the worktree. */
const EDITING_TOOLS = [
	"Write",
	"Edit",
	"MultiEdit",
	"NotebookEdit",
	"Bash",
	"apply_patch"
];
// dist/store/radar.js
function getSnapshot(store, task) {
	const row = store.db.prepare("SELECT * FROM radar_snapshots WHERE task = ?").get(task);
	if (!row) return null;
	return {
		...row,
		commit: row.commit_id,
		takenAt: row.taken_at
	};
}
function saveSnapshot(store, s) {
	store.db.prepare(`INSERT INTO radar_snapshots (task, fingerprint, commit_id, tree, head, taken_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(task) DO UPDATE SET fingerprint = excluded.fingerprint, commit_id = excluded.commit_id,
       tree = excluded.tree, head = excluded.head, taken_at = excluded.taken_at`).run(s.task, s.fingerprint, s.commit, s.tree, s.head, Date.now());
}
/** One row per computed pair (kind 'none' marks a pair computed with nothing to report). */
function listCachedPairs(store) {
	return store.db.prepare("SELECT a, b, a_tree, b_tree, MAX(computed_at) AS computed_at FROM radar_pairs GROUP BY a, b").all().map((r) => ({
		a: r.a,
		b: r.b,
		aTree: r.a_tree,
		bTree: r.b_tree,
		computedAt: r.computed_at
	}));
}
/** Replaces a pair's cached result with the findings computed on these trees. */
function savePair(store, pair, findings) {
	const now = Date.now();
	store.db.prepare("DELETE FROM radar_pairs WHERE a = ? AND b = ?").run(pair.a, pair.b);
	const insert = store.db.prepare("INSERT INTO radar_pairs (a, b, a_tree, b_tree, kind, files, lines, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!findings.length) insert.run(pair.a, pair.b, pair.aTree, pair.bTree, "none", "[]", null, now);
	for (const f of findings) {
		const extra = f.kind === "migration" ? f.collisions ?? [] : f.lines ?? {};
		insert.run(pair.a, pair.b, pair.aTree, pair.bTree, f.kind, JSON.stringify(f.files), JSON.stringify(extra), now);
	}
}
function toFinding(r) {
	const finding = {
		a: r.a,
		b: r.b,
		kind: r.kind,
		files: JSON.parse(r.files)
	};
	const extra = r.lines ? JSON.parse(r.lines) : void 0;
	if (r.kind === "migration") finding.collisions = extra ?? [];
	else if (extra) finding.lines = extra;
	return finding;
}
/** Strongest first within a pair: textual, migration, overlap. */
const BY_STRENGTH = "CASE kind WHEN 'textual' THEN 0 WHEN 'migration' THEN 1 ELSE 2 END";
/** Cached findings, optionally only those involving `side`. */
function listFindings(store, side) {
	return (side === void 0 ? store.db.prepare(`SELECT * FROM radar_pairs WHERE kind != 'none' ORDER BY a, b, ${BY_STRENGTH}`).all() : store.db.prepare(`SELECT * FROM radar_pairs WHERE kind != 'none' AND (a = ? OR b = ?) ORDER BY a, b, ${BY_STRENGTH}`).all(side, side)).map(toFinding);
}
/** Forgets pairs and snapshots of sides that are no longer live (landed, removed, another base branch); returns the tasks dropped. */
function pruneRadar(store, liveSides) {
	const live = new Set(liveSides);
	const pairs = store.db.prepare("SELECT DISTINCT a, b FROM radar_pairs").all();
	const drop = store.db.prepare("DELETE FROM radar_pairs WHERE a = ? AND b = ?");
	for (const p of pairs) if (!live.has(p.a) || !live.has(p.b)) drop.run(p.a, p.b);
	const snaps = store.db.prepare("SELECT task FROM radar_snapshots").all();
	const dropSnap = store.db.prepare("DELETE FROM radar_snapshots WHERE task = ?");
	const dropped = snaps.filter((s) => !live.has(s.task)).map((s) => s.task);
	for (const task of dropped) dropSnap.run(task);
	return dropped;
}
/** The finding keys `task` has been told about (radar_notified). */
function toldFindingKeys(store, task) {
	const rows = store.db.prepare("SELECT finding_key FROM radar_notified WHERE task = ?").all(task);
	return new Set(rows.map((r) => r.finding_key));
}
/** Forgets told findings that went away, so a recurrence is told again. */
function forgetToldFindings(store, task, keys) {
	const forget = store.db.prepare("DELETE FROM radar_notified WHERE task = ? AND finding_key = ?");
	for (const key of keys) forget.run(task, key);
}
function markFindingsTold(store, task, keys) {
	const mark = store.db.prepare("INSERT OR IGNORE INTO radar_notified (task, finding_key, notified_at) VALUES (?, ?, ?)");
	const now = Date.now();
	for (const key of keys) mark.run(task, key, now);
}
export { sideLabel as _, markFindingsTold as a, saveSnapshot as c, baseSide as d, classifyPair as f, pairsToRecompute as g, messagesFor as h, listFindings as i, toldFindingKeys as l, isBaseSide as m, getSnapshot as n, pruneRadar as o, formatRanges as p, listCachedPairs as r, savePair as s, forgetToldFindings as t, EDITING_TOOLS as u, withLines as v };
