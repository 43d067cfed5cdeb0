import { a as liveLockHolder } from "./locks-DgAq5XpH.js";
// dist/core/queue-plan.js
/** States in which an entry still has work ahead of it. */
const ACTIVE_QUEUE_STATES = [
	"queued",
	"building",
	"gating",
	"waiting_agent"
];
/** The next thing the queue holder should do. Recovery first, then re-queues, then the oldest queued entry. */
function planNextStep(input) {
	const ordered = [...input.entries].sort((a, b) => a.id - b.id);
	const stale = ordered.find((e) => e.state === "building" || e.state === "gating");
	if (stale) return {
		kind: "recover",
		entry: stale
	};
	const revived = ordered.find((e) => e.state === "waiting_agent" && input.tips[e.task] != null && input.tips[e.task] !== e.tip);
	if (revived) return {
		kind: "requeue",
		entry: revived
	};
	const next = ordered.find((e) => e.state === "queued" && !input.skip.has(e.id));
	return next ? {
		kind: "land",
		entries: [next]
	} : { kind: "idle" };
}
/**
* After a gate run: a failure is retried once (flaky tests); a second failure is checked against
* main alone, so a red main is not blamed on the task.
*/
function gateVerdict(run) {
	if (run.passed) return "pass";
	if (run.attempt < 2) return "retry";
	if (run.mainPassed === void 0) return "check-main";
	return run.mainPassed ? "task-red" : "main-red";
}
function afterCasFailure(attempt) {
	return attempt + 1 < 5 ? "rebuild" : "give-up";
}
/** Files the landing changes that the main checkout also has local edits to: landing would clobber them. */
function checkoutOverlap(changed, dirty) {
	const dirtySet = new Set(dirty.map((f) => f.replace(/\/$/, "")));
	return changed.filter((f) => dirtySet.has(f) || [...dirtySet].some((d) => f.startsWith(`${d}/`) || d.startsWith(`${f}/`)));
}
/** What an agent is told when its task's conflict comes back to it. */
function handBackMessage(args) {
	const lines = [
		`braid could not land task ${args.task}: it conflicts with ${args.base} in ${args.conflictFiles.join(", ")}.`,
		`Merge ${args.base} into your branch, resolve these files keeping both intents, run the tests, and commit; braid re-queues the task when it sees the new commit.`,
		`Your task: ${oneLine(args.prompt) ?? "(no prompt recorded)"}`
	];
	for (const o of args.others) lines.push(`Landed meanwhile by task ${o.task}: ${oneLine(o.prompt) ?? "(no prompt recorded)"}`);
	return lines.join("\n");
}
function oneLine(text) {
	if (!text?.trim()) return null;
	const flat = text.trim().replace(/\s+/g, " ");
	return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
// dist/store/queue.js
function fromRow(r) {
	return {
		id: r.id,
		task: r.task,
		enqueuedAt: r.enqueued_at,
		state: r.state,
		attempt: r.attempt,
		candidate: r.candidate,
		mainBefore: r.main_before,
		tip: r.tip,
		gateLog: r.gate_log,
		reason: r.reason,
		conflictFiles: JSON.parse(r.conflict_files),
		prevStatus: r.prev_status,
		updatedAt: r.updated_at
	};
}
const COLUMNS = {
	state: "state",
	attempt: "attempt",
	candidate: "candidate",
	mainBefore: "main_before",
	tip: "tip",
	gateLog: "gate_log",
	reason: "reason",
	conflictFiles: "conflict_files",
	prevStatus: "prev_status",
	updatedAt: "updated_at"
};
const activeList = ACTIVE_QUEUE_STATES.map((s) => `'${s}'`).join(", ");
/**
* Adds a task to the end of the queue; a task already waiting in it keeps its place
* (a conflict or rejection earlier is retried with a fresh entry).
*/
function enqueue(store, task, prevStatus) {
	const existing = activeEntryFor(store, task);
	if (existing) return existing;
	const now = Date.now();
	const res = store.db.prepare("INSERT INTO queue (task, enqueued_at, state, prev_status, updated_at) VALUES (?, ?, ?, ?, ?)").run(task, now, "queued", prevStatus, now);
	return getEntry(store, Number(res.lastInsertRowid));
}
function getEntry(store, id) {
	const row = store.db.prepare("SELECT * FROM queue WHERE id = ?").get(id);
	return row ? fromRow(row) : null;
}
function activeEntryFor(store, task) {
	const row = store.db.prepare(`SELECT * FROM queue WHERE task = ? AND state IN (${activeList}) ORDER BY id LIMIT 1`).get(task);
	return row ? fromRow(row) : null;
}
/** Entries with work ahead of them, oldest first. */
function activeEntries(store) {
	return store.db.prepare(`SELECT * FROM queue WHERE state IN (${activeList}) ORDER BY id`).all().map(fromRow);
}
/** Every entry, oldest first; `limit` keeps the newest ones. */
function listQueue(store, limit = 1e3) {
	return store.db.prepare("SELECT * FROM (SELECT * FROM queue ORDER BY id DESC LIMIT ?) ORDER BY id").all(limit).map(fromRow);
}
function updateEntry(store, id, patch) {
	const fields = {
		...patch,
		updatedAt: Date.now()
	};
	const keys = Object.keys(fields);
	const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(", ");
	const values = keys.map((k) => k === "conflictFiles" ? JSON.stringify(fields[k] ?? []) : fields[k] ?? null);
	store.db.prepare(`UPDATE queue SET ${sets} WHERE id = ?`).run(...values, id);
	return getEntry(store, id);
}
// dist/land/queue-lock.js
const QUEUE_LOCK = "queue";
function asQueueHolder(info) {
	return {
		pid: info.pid,
		holder: info.label,
		acquiredAt: info.acquiredAt
	};
}
/** The live process holding the queue, or null. */
function queueLockHolder(store) {
	const info = liveLockHolder(store, QUEUE_LOCK);
	return info ? asQueueHolder(info) : null;
}
export { activeEntryFor as a, listQueue as c, afterCasFailure as d, checkoutOverlap as f, planNextStep as h, activeEntries as i, updateEntry as l, handBackMessage as m, asQueueHolder as n, enqueue as o, gateVerdict as p, queueLockHolder as r, getEntry as s, QUEUE_LOCK as t, ACTIVE_QUEUE_STATES as u };
