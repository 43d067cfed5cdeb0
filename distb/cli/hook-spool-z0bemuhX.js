import { i as targetOf, o as appendEvent } from "./refusals-DxFGZ0mh.js";
import { n as isHookEvent, r as nextStatus } from "./status-ClrpCT2N.js";
import { n as findTaskByPath, r as getTask, s as updateTask } from "./tasks-BaE3DxGI.js";
import path from "node:path";
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
// dist/run/agents/hook-record.js
/** Records the event and its status change; call inside a store transaction. Null: no such task. */
function recordHookEvent(store, input) {
	const task = (input.task ? getTask(store, input.task) : null) ?? findTaskByPath(store, input.dir);
	if (!task) return null;
	const at = input.at ?? Date.now();
	const { event, payload } = input;
	appendEvent(store, task.name, "hook.received", eventData(event, payload), at);
	const stale = input.at !== void 0 && task.statusSource === "hook" && task.statusSince > at;
	const refusal = task.runtime === "headless" && asksPermission(event, payload);
	if (refusal) {
		const denial = {
			tool: str(payload.tool_name) ?? "a tool",
			target: targetOf(payload.tool_input)
		};
		appendEvent(store, task.name, "agent.permission-denied", {
			denials: [denial],
			source: "hook"
		}, at);
	}
	const change = isHookEvent(event) && !stale && !refusal ? nextStatus({
		status: task.status,
		source: task.statusSource,
		detail: task.statusDetail
	}, hookSignal(event, payload)) : null;
	const patch = {};
	if (change) {
		Object.assign(patch, {
			status: change.status,
			statusSource: change.source,
			statusDetail: change.detail
		});
		if (change.status !== task.status) patch.statusSince = at;
	}
	const sessionId = str(payload.session_id);
	const transcript = str(payload.transcript_path);
	if (sessionId && sessionId !== task.agentSessionId) patch.agentSessionId = sessionId;
	if (transcript && transcript !== task.transcriptPath) patch.transcriptPath = transcript;
	if (transcript && !task.transcriptPaths.includes(transcript)) patch.transcriptPaths = [...task.transcriptPaths, transcript];
	if (Object.keys(patch).length) updateTask(store, task.name, patch);
	if (change && (change.status !== task.status || change.detail !== task.statusDetail)) appendEvent(store, task.name, "status.changed", {
		from: task.status,
		to: change.status,
		source: change.source,
		detail: change.detail
	}, at);
	return {
		task,
		change
	};
}
function asksPermission(event, p) {
	return event === "PermissionRequest" || event === "Notification" && p.notification_type === "permission_prompt";
}
/** Just the payload fields recording reads, so a spooled event stays small and comes out the same. */
function payloadToRecord(p) {
	const input = p.tool_input ?? {};
	const slim = {
		session_id: str(p.session_id),
		transcript_path: str(p.transcript_path),
		cwd: str(p.cwd),
		tool_name: str(p.tool_name),
		tool_input: {
			file_path: str(input.file_path),
			notebook_path: str(input.notebook_path),
			command: str(input.command)?.slice(0, COMMAND_CHARS)
		},
		message: str(p.message),
		notification_type: str(p.notification_type),
		reason: str(p.reason),
		error: str(p.error),
		source: str(p.source),
		prompt: str(p.prompt)?.slice(0, PROMPT_CHARS + 1),
		last_assistant_message: str(p.last_assistant_message)?.slice(0, LAST_MESSAGE_CHARS + 1)
	};
	for (const k of Object.keys(slim)) if (slim[k] == null) delete slim[k];
	return slim;
}
const PROMPT_CHARS = 500;
const COMMAND_CHARS = 200;
const LAST_MESSAGE_CHARS = 1e3;
function hookSignal(event, p) {
	return {
		kind: "hook",
		event,
		message: str(p.message),
		notificationType: str(p.notification_type),
		reason: str(p.reason) ?? str(p.error),
		source: str(p.source),
		toolName: str(p.tool_name)
	};
}
/** The event row keeps what status, radar and the log need, not whole tool inputs. */
function eventData(event, p) {
	const input = p.tool_input ?? {};
	const fields = {
		sessionId: str(p.session_id),
		tool: str(p.tool_name),
		file: str(input.file_path) ?? str(input.notebook_path),
		message: str(p.message),
		notificationType: str(p.notification_type),
		reason: str(p.reason) ?? str(p.error),
		source: str(p.source),
		prompt: clip(str(p.prompt), PROMPT_CHARS),
		lastMessage: clip(str(p.last_assistant_message), LAST_MESSAGE_CHARS)
	};
	const data = { event };
	for (const [k, v] of Object.entries(fields)) if (v != null) data[k] = v;
	return data;
}
function str(v) {
	return typeof v === "string" && v !== "" ? v : null;
}
function clip(s, n) {
	return s && s.length > n ? `${s.slice(0, n)}…` : s;
}
// dist/store/spool-applied.js
function spoolEventApplied(store, id) {
	return store.db.prepare("SELECT 1 FROM hook_spool_applied WHERE id = ?").get(id) !== void 0;
}
function markSpoolEventApplied(store, id, at) {
	store.db.prepare("INSERT INTO hook_spool_applied (id, applied_at) VALUES (?, ?)").run(id, at);
}
/** Forgets ids applied before `before`: a spool line that old was deleted long ago. */
function forgetSpoolEventsAppliedBefore(store, before) {
	store.db.prepare("DELETE FROM hook_spool_applied WHERE applied_at < ?").run(before);
}
// dist/run/agents/hook-spool.js
/**
* The hook spool: when braid's store is busy or broken, `braid hook` appends its event here and
* exits 0; whoever next holds the store (a hook, the supervisor, `braid ls`) applies the spool first.
*/
const SPOOL_FILE = "hook-spool.jsonl";
/** A claimed spool is renamed to this prefix; leftovers from a crashed ingest are applied next time. */
const CLAIMED_PREFIX = "hook-spool.claimed.";
/** Applied ids are kept this long: far longer than any leftover claimed file can wait. */
const APPLIED_KEEP_MS = 6048e5;
/** Each retry means an ingest claimed the file mid-append; more than a few would be a bug. */
const APPEND_ATTEMPTS = 5;
function spoolPath(commonDir) {
	return path.join(commonDir, "braid", SPOOL_FILE);
}
function newSpoolId() {
	return `${Date.now().toString(36)}-${process.pid}-${randomBytes(6).toString("hex")}`;
}
/**
* Appends one event as one O_APPEND write (concurrent hooks never interleave). If an ingest renamed
* the file between our open and our check, the line may have missed it: write again (ids dedupe).
*/
function spoolHookEvent(commonDir, entry) {
	const file = spoolPath(commonDir);
	mkdirSync(path.dirname(file), { recursive: true });
	const line = Buffer.from(`${JSON.stringify(entry)}\n`);
	for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
		const fd = openSync(file, "a");
		try {
			const written = writeSync(fd, line);
			if (written !== line.length) throw new Error(`short write to ${file}: ${written} of ${line.length}`);
			if (sameFile(fstatSync(fd), file)) return;
		} finally {
			closeSync(fd);
		}
	}
	throw new Error(`the spool ${file} kept moving while appending`);
}
function sameFile(opened, file) {
	try {
		const now = statSync(file);
		return now.ino === opened.ino && now.dev === opened.dev;
	} catch {
		return false;
	}
}
/**
* Applies every spooled event in the order the hooks received them, then deletes the spool. Takes
* the store's write lock first, so one process drains at a time and hooks wait behind it.
*/
function drainHookSpool(store, commonDir, onSkip = (why) => logHookError(commonDir, "spool", why)) {
	const dir = path.join(commonDir, "braid");
	const file = spoolPath(commonDir);
	if (!existsSync(file) && !claimedFiles(dir).length) return {
		applied: 0,
		skipped: 0
	};
	let claimed = [];
	const result = store.tx(() => {
		claimed = claim(dir, file);
		const entries = claimed.flatMap((f) => readEntries(f, onSkip));
		entries.sort((a, b) => a.at - b.at);
		return applyEntries(store, entries, onSkip);
	});
	for (const f of claimed) removeIfThere(f);
	return result;
}
/** Another drain may have taken a leftover claimed file after we committed: gone is fine. */
function removeIfThere(file) {
	try {
		unlinkSync(file);
	} catch (err) {
		if (err.code !== "ENOENT") throw err;
	}
}
/** Renames the live spool aside (new hooks start a fresh one) and lists every claimed file, oldest first. */
function claim(dir, file) {
	try {
		const stamp = Date.now().toString().padStart(15, "0");
		renameSync(file, path.join(dir, `${CLAIMED_PREFIX}${stamp}.${process.pid}.jsonl`));
	} catch (err) {
		if (err.code !== "ENOENT") throw err;
	}
	return claimedFiles(dir).map((f) => path.join(dir, f));
}
function claimedFiles(dir) {
	try {
		return readdirSync(dir).filter((f) => f.startsWith(CLAIMED_PREFIX)).sort();
	} catch {
		return [];
	}
}
function readEntries(file, onSkip) {
	const entries = [];
	for (const line of readFileSync(file, "utf8").split("\n")) {
		if (!line.trim()) continue;
		try {
			const e = JSON.parse(line);
			if (typeof e.id !== "string" || typeof e.event !== "string" || typeof e.at !== "number") throw new Error("missing id, event or at");
			entries.push(e);
		} catch (err) {
			onSkip(`unreadable spool line in ${path.basename(file)}: ${err.message}`);
		}
	}
	return entries;
}
function applyEntries(store, entries, onSkip) {
	const now = Date.now();
	let applied = 0;
	let skipped = 0;
	for (const e of entries) {
		if (spoolEventApplied(store, e.id)) {
			skipped++;
			continue;
		}
		if (recordHookEvent(store, {
			event: e.event,
			task: e.task || null,
			dir: e.dir,
			payload: e.payload ?? {},
			at: e.at
		})) applied++;
		else {
			skipped++;
			onSkip(`${e.event}: no task for BRAID_TASK=${e.task ?? ""} or ${e.dir} (spooled)`);
		}
		markSpoolEventApplied(store, e.id, now);
	}
	forgetSpoolEventsAppliedBefore(store, now - APPLIED_KEEP_MS);
	return {
		applied,
		skipped
	};
}
/** Failures a hook cannot show anyone go to <commonDir>/braid/hook-errors.log (stderr without a repository). */
function logHookError(commonDir, event, message) {
	const line = `${(/* @__PURE__ */ new Date()).toISOString()} pid=${process.pid} ${event}: ${message.replace(/\n/g, "\n  ")}\n`;
	try {
		if (!commonDir) throw new Error("no repository");
		const dir = path.join(commonDir, "braid");
		mkdirSync(dir, { recursive: true });
		appendFileSync(path.join(dir, "hook-errors.log"), line);
	} catch {
		process.stderr.write(`braid hook: ${line}`);
	}
}
export { payloadToRecord as a, spoolHookEvent as i, logHookError as n, recordHookEvent as o, newSpoolId as r, drainHookSpool as t };
