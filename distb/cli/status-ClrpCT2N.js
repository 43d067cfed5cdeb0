import { r as selfIdentity, t as isProcessAlive } from "./pid-BJsOpIbp.js";
// dist/store/journal.js
function fromRow(r) {
	return {
		id: r.id,
		task: r.task,
		kind: r.kind,
		doneSteps: JSON.parse(r.done_steps),
		data: JSON.parse(r.data),
		pid: r.pid,
		pidStart: r.pid_start,
		startedAt: r.started_at,
		outcome: r.outcome
	};
}
function beginOperation(store, task, kind, data = {}) {
	const me = selfIdentity();
	const now = Date.now();
	return {
		id: store.db.prepare("INSERT INTO operations (task, kind, data, pid, pid_start, started_at) VALUES (?, ?, ?, ?, ?, ?)").run(task, kind, JSON.stringify(data), me.pid, me.start, now).lastInsertRowid,
		task,
		kind,
		doneSteps: [],
		data: { ...data },
		pid: me.pid,
		pidStart: me.start,
		startedAt: now,
		outcome: null
	};
}
/**
* Test seam: BRAID_PAUSE_AT=<kind>:<step> stops this process (SIGSTOP) right after that step is
* recorded, so a test can SIGKILL it exactly between two steps instead of at a guessed moment.
*/
function pausePoint(kind, step) {
	if (process.env.BRAID_PAUSE_AT === `${kind}:${step}`) process.kill(process.pid, "SIGSTOP");
}
function recordStep(store, op, step, data = {}) {
	if (!op.doneSteps.includes(step)) op.doneSteps.push(step);
	Object.assign(op.data, data);
	store.db.prepare("UPDATE operations SET done_steps = ?, data = ? WHERE id = ?").run(JSON.stringify(op.doneSteps), JSON.stringify(op.data), op.id);
	pausePoint(op.kind, step);
}
function finishOperation(store, op, outcome) {
	store.db.prepare("UPDATE operations SET finished_at = ?, outcome = ? WHERE id = ?").run(Date.now(), outcome, op.id);
}
function openOperations(store, task) {
	return (task === void 0 ? store.db.prepare("SELECT * FROM operations WHERE finished_at IS NULL ORDER BY id").all() : store.db.prepare("SELECT * FROM operations WHERE finished_at IS NULL AND task = ? ORDER BY id").all(task)).map(fromRow);
}
/** The task's most recent operation of this kind, open or finished. */
function lastOperation(store, task, kind) {
	const row = store.db.prepare("SELECT * FROM operations WHERE task = ? AND kind = ? ORDER BY id DESC LIMIT 1").get(task, kind);
	return row ? fromRow(row) : null;
}
/** An operation is abandoned when the process that began it is gone (or its pid now names another process). */
function isAbandoned(op) {
	return !isProcessAlive(op.pid, op.pidStart);
}
// dist/core/status.js
/** Claude Code's hook events that say something about a session's status. */
const HOOK_EVENTS = [
	"SessionStart",
	"UserPromptSubmit",
	"PreToolUse",
	"PostToolUse",
	"PostToolUseFailure",
	"PermissionRequest",
	"Notification",
	"Stop",
	"StopFailure",
	"SubagentStop",
	"SessionEnd"
];
/** The hooks braid registers with Claude Code: all of them but SubagentStop (a subagent's end says nothing of the session). */
const REGISTERED_HOOK_EVENTS = HOOK_EVENTS.filter((e) => e !== "SubagentStop");
function isHookEvent(name) {
	return HOOK_EVENTS.includes(name);
}
const SESSION_LIVE = [
	"starting",
	"working",
	"waiting",
	"idle"
];
const ENDED = ["exited", "failed"];
/** Owned by the merge queue: session signals leave them alone. */
const QUEUE_OWNED = [
	"queued",
	"landing",
	"landed"
];
const DEFAULT_SCREEN_IDLE_MS = 5e3;
/** The status a signal leads to from `current`, or null when nothing changes. */
function nextStatus(current, signal, opts = {}) {
	const target = decide(current, signal, opts);
	if (!target) return null;
	return target.status === current.status && target.source === current.source && target.detail === (current.detail ?? null) ? null : target;
}
function decide(current, signal, opts) {
	if (QUEUE_OWNED.includes(current.status)) return null;
	switch (signal.kind) {
		case "hook": return fromHook(current, signal);
		case "process": return fromProcess(current, signal);
		case "agent-file": return fromAgentFile(current, signal);
		case "screen": return fromScreen(current, signal, opts);
	}
}
const WORK_EVENTS = [
	"UserPromptSubmit",
	"PreToolUse",
	"PostToolUse",
	"PostToolUseFailure"
];
function fromHook(current, s) {
	const { status } = current;
	if (status === "conflict" && !WORK_EVENTS.includes(s.event)) return null;
	if (s.event === "SessionStart") return fromSessionStart(current, s);
	if (ENDED.includes(status)) return null;
	const hook = (st, detail = null) => ({
		status: st,
		source: "hook",
		detail
	});
	switch (s.event) {
		case "UserPromptSubmit":
		case "PreToolUse":
		case "PostToolUse":
		case "PostToolUseFailure": return hook("working");
		case "PermissionRequest": return hook("waiting", s.toolName ? `permission to use ${s.toolName}` : "permission needed");
		case "Notification": return fromNotification(s);
		case "Stop": return hook("idle");
		case "StopFailure": return hook("idle", s.reason ? `turn failed: ${s.reason}` : "turn failed");
		case "SubagentStop": return null;
		case "SessionEnd": return hook("exited", s.reason ?? null);
	}
}
function fromSessionStart(current, s) {
	const live = SESSION_LIVE.includes(current.status);
	if (live && s.source === "compact") return null;
	if (live && s.source === "clear") return {
		status: "idle",
		source: "hook",
		detail: null
	};
	return {
		status: "starting",
		source: "hook",
		detail: null
	};
}
function fromNotification(s) {
	const type = s.notificationType ?? guessNotificationType(s.message ?? "");
	const message = s.message?.trim() || null;
	if (type === "permission_prompt" || type === "elicitation_dialog") return {
		status: "waiting",
		source: "hook",
		detail: message ?? "needs input"
	};
	if (type === "idle_prompt") return {
		status: "idle",
		source: "hook",
		detail: null
	};
	return null;
}
function guessNotificationType(message) {
	if (/permission/i.test(message)) return "permission_prompt";
	if (/waiting for your input/i.test(message)) return "idle_prompt";
	return null;
}
function fromProcess(current, s) {
	const { status } = current;
	if (s.alive) {
		if (s.isTheWork) return status === "provisioning" || status === "starting" ? {
			status: "working",
			source: "process",
			detail: null
		} : null;
		return status === "provisioning" ? {
			status: "starting",
			source: "process",
			detail: null
		} : null;
	}
	if (status === "conflict") return null;
	if (ENDED.includes(status) && current.source === "process") return null;
	if (s.exitCode === 0) return {
		status: "exited",
		source: "process",
		detail: null
	};
	if (s.exitCode === null && status === "exited" && current.source === "hook") return null;
	return {
		status: "failed",
		source: "process",
		detail: s.exitCode === null ? "ended without an exit code" : `exited with code ${s.exitCode}`
	};
}
function fromAgentFile(current, s) {
	if (!SESSION_LIVE.includes(current.status)) return null;
	const to = s.state === "idle" ? "idle" : s.state === "waiting" ? "waiting" : "working";
	const detail = to === "waiting" ? s.waitingFor ?? "needs input" : null;
	if (to === current.status) return null;
	return {
		status: to,
		source: "hook",
		detail
	};
}
function fromScreen(current, s, opts) {
	if (current.source === "hook" || !SESSION_LIVE.includes(current.status)) return null;
	if (s.changing) return current.status === "working" ? null : {
		status: "working",
		source: "screen",
		detail: null
	};
	const idleAfter = opts.screenIdleAfterMs ?? DEFAULT_SCREEN_IDLE_MS;
	if (s.stableForMs < idleAfter || current.status === "idle") return null;
	return {
		status: "idle",
		source: "screen",
		detail: null
	};
}
export { finishOperation as a, openOperations as c, beginOperation as i, pausePoint as l, isHookEvent as n, isAbandoned as o, nextStatus as r, lastOperation as s, REGISTERED_HOOK_EVENTS as t, recordStep as u };
