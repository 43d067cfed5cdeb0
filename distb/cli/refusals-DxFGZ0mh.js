// dist/core/events.js
const KIND_LIST = {
	"hook.received": true,
	"status.changed": true,
	"session.started": true,
	"session.confine-note": true,
	"agent.permission-denied": true,
	"budget.warned": true,
	"budget.stopping": true,
	"budget.stopped": true,
	"plan.task-started": true,
	"plan.task-state": true,
	"plan.task-adopted": true,
	"plan.task-revived": true,
	"plan.task-revive-failed": true,
	"plan.task-start-failed": true,
	"plan.task-skipped": true,
	"plan.task-rejected": true,
	"plan.task-handed-back": true,
	"plan.landing": true,
	"plan.interrupted": true,
	"land.queued": true,
	"land.landed": true,
	"land.rejected": true,
	"land.conflict": true,
	"land.handed-back": true,
	"land.typed-into-session": true,
	"land.handback-waiting": true,
	"land.resolver-started": true,
	"land.committed-uncommitted": true,
	"main.moved": true,
	"radar.rescanned": true
};
Object.keys(KIND_LIST);
function isEventKind(kind) {
	return Object.hasOwn(KIND_LIST, kind);
}
/**
* Names earlier braids wrote, and what they are now. Store schema 8 renamed the stored rows; readers
* also map them, for rows an older process still running after an upgrade writes.
*/
const LEGACY_EVENT_KINDS = {
	hook: "hook.received",
	status: "status.changed",
	"session-started": "session.started",
	"budget-warning": "budget.warned",
	"budget-stopping": "budget.stopping",
	"budget-stopped": "budget.stopped",
	"plan-started": "plan.task-started",
	"plan-state": "plan.task-state",
	"plan-revived": "plan.task-revived"
};
/** The union's name for a stored kind (an old name maps to its new one), or null when unknown. */
function eventKindOf(stored) {
	if (isEventKind(stored)) return stored;
	return Object.hasOwn(LEGACY_EVENT_KINDS, stored) ? LEGACY_EVENT_KINDS[stored] : null;
}
/** Whether `e` is of one of `kinds` (narrows it). */
function isKind(e, ...kinds) {
	return kinds.includes(e.kind);
}
// dist/store/events.js
/**
* The event log: typed writes against the union in src/core/events.ts, typed reads, and the one
* subscription point (`EventFeed`: the events recorded since the last look, in order).
*/
/** Appends to the event log (hook events, status changes, landings): the store keeps every one. */
function appendEvent(store, task, kind, data, at = Date.now()) {
	const res = store.db.prepare("INSERT INTO events (at, task, kind, data) VALUES (?, ?, ?, ?)").run(at, task, kind, JSON.stringify(data));
	return Number(res.lastInsertRowid);
}
/** A stored row as the union sees it; null for a kind this braid does not know (a newer one wrote it). */
function fromRow(r) {
	const kind = eventKindOf(r.kind);
	if (!kind) return null;
	return {
		id: r.id,
		at: r.at,
		task: r.task,
		kind,
		data: JSON.parse(r.data)
	};
}
/** The stored names of `kinds`: each one and the old names that mean it. */
function storedNames(kinds) {
	const old = Object.entries(LEGACY_EVENT_KINDS).filter(([, now]) => kinds.includes(now));
	return [...kinds, ...old.map(([name]) => name)];
}
function queryRows(store, query) {
	const where = ["id > ?"];
	const params = [query.afterId ?? 0];
	if (query.untilId !== void 0) {
		where.push("id <= ?");
		params.push(query.untilId);
	}
	if (query.task !== void 0) {
		where.push("task = ?");
		params.push(query.task);
	}
	if (query.since !== void 0) {
		where.push("at >= ?");
		params.push(query.since);
	}
	if (query.kinds) {
		const names = storedNames(query.kinds);
		where.push(`kind IN (${names.map(() => "?").join(", ")})`);
		params.push(...names);
	}
	return store.db.prepare(`SELECT * FROM events WHERE ${where.join(" AND ")} ORDER BY id LIMIT ?`).all(...params, query.limit ?? 1e4);
}
const known = (rows) => rows.map(fromRow).filter((e) => e !== null);
/** Events in id order, typed. */
function listEvents(store, query = {}) {
	return known(queryRows(store, query));
}
/** The newest event's id (0 when none). */
function lastEventId(store) {
	return store.db.prepare("SELECT MAX(id) AS id FROM events").get().id ?? 0;
}
/** The latest `limit` events, oldest first. */
function recentEvents(store, limit) {
	return listEvents(store, {
		afterId: Math.max(0, lastEventId(store) - limit),
		limit
	});
}
/**
* The one subscription point: each `next()` returns the events recorded since the previous call
* (from the start, or from now), in id order. The faces, the run's progress and the supervisor's log
* read the union through it.
*/
var EventFeed = class {
	store;
	options;
	cursor;
	saved = null;
	/**
	* `from`: where a new feed starts (default now). `name`: a feed that outlives its process; it goes on
	* where `save()` last left it, else starts at `from`.
	*/
	constructor(store, options = {}) {
		this.store = store;
		this.options = options;
		const from = options.from ?? "now";
		const row = options.name ? store.db.prepare("SELECT event_id FROM event_cursors WHERE name = ?").get(options.name) : void 0;
		this.saved = row?.event_id ?? null;
		this.cursor = row ? row.event_id : from === "now" ? lastEventId(store) : from === "start" ? 0 : from;
	}
	/** Records a named feed's place: the next feed of that name starts after what this one handed out. */
	save() {
		if (!this.options.name || this.saved === this.cursor) return;
		this.store.db.prepare(`INSERT INTO event_cursors (name, event_id, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET event_id = excluded.event_id, updated_at = excluded.updated_at`).run(this.options.name, this.cursor, Date.now());
		this.saved = this.cursor;
	}
	/** Where the feed stands: the events after this id come next. */
	get lastId() {
		return this.cursor;
	}
	next(query = {}) {
		const limit = query.limit ?? 1e3;
		const top = lastEventId(this.store);
		const rows = queryRows(this.store, {
			...query,
			afterId: this.cursor,
			untilId: top,
			limit
		});
		this.cursor = rows.length < limit ? Math.max(this.cursor, top) : rows[rows.length - 1].id;
		return known(rows);
	}
};
/**
* The tool uses the task's latest session was refused: `agent.permission-denied` events since its last
* `session.started` (a new session starts with a clean slate).
*/
function latestRefusals(store, task) {
	const started = storedNames(["session.started"]);
	return store.db.prepare(`SELECT data FROM events WHERE task = ? AND kind = 'agent.permission-denied' AND id > COALESCE(
         (SELECT MAX(id) FROM events WHERE task = ? AND kind IN (${started.map(() => "?").join(", ")})), 0)
       ORDER BY id`).all(task, task, ...started).flatMap((r) => JSON.parse(r.data).denials ?? []);
}
// dist/core/refusals.js
/** Tool uses an agent asked for and was refused (Claude Code's `permission_denials`, hook prompts nobody answered). */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/** The denials of a stream-json `result` event (`permission_denials: [{tool_name, tool_input}]`). */
function denialsOf(result) {
	return (Array.isArray(result.permission_denials) ? result.permission_denials : []).filter(isObject).map((d) => ({
		tool: typeof d.tool_name === "string" ? d.tool_name : "a tool",
		target: targetOf(d.tool_input)
	}));
}
function targetOf(input) {
	if (!isObject(input)) return null;
	for (const key of [
		"command",
		"file_path",
		"notebook_path",
		"path",
		"url"
	]) {
		const v = input[key];
		if (typeof v === "string" && v) return v.length > 80 ? `${v.slice(0, 79)}…` : v;
	}
	return null;
}
/** "Write (a.txt), Bash (git commit -m x)" with at most `max` named, then "and N more". */
function describeDenials(denials, max = 3) {
	const named = denials.slice(0, max).map((d) => d.target ? `${d.tool} (${d.target})` : d.tool);
	const more = denials.length > max ? `, and ${denials.length - max} more` : "";
	return `${named.join(", ")}${more}`;
}
/** The status detail of a run that met refusals: why a task failed, or a note on one that exited. */
function refusalDetail(denials, changedNothing) {
	const n = denials.length;
	const what = `the agent was refused ${n} tool use${n === 1 ? "" : "s"}: ${describeDenials(denials)}`;
	const hint = "allow them with agents.<agent>.allowed_tools or permission_mode in braid.yaml (braid doctor shows the policy)";
	return changedNothing ? `${what}; it changed nothing; ${hint}` : `${what}; ${hint}`;
}
export { EventFeed as a, latestRefusals as c, isKind as d, targetOf as i, listEvents as l, describeDenials as n, appendEvent as o, refusalDetail as r, lastEventId as s, denialsOf as t, recentEvents as u };
