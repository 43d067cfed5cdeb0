import { l as listEvents } from "./refusals-DxFGZ0mh.js";
import { o as mergeTaskOptions, r as getTask } from "./tasks-BaE3DxGI.js";
import { a as undeliveredNotes, i as markDelivered, t as noteMessage } from "./message-c6hZDFAQ.js";
import { a as markFindingsTold, h as messagesFor, i as listFindings, l as toldFindingKeys, t as forgetToldFindings, u as EDITING_TOOLS } from "./radar-kZDxUEuD.js";
import { n as storePath, t as openStore } from "./db-CpqE9mc6.js";
import { t as spawnDetached } from "./detached-BCChmBbT.js";
import { o as lockHeld } from "./locks-DgAq5XpH.js";
import { r as run } from "./run-CAKlpui-.js";
import { l as pausePoint } from "./status-ClrpCT2N.js";
import { a as payloadToRecord, i as spoolHookEvent, n as logHookError, o as recordHookEvent, r as newSpoolId, t as drainHookSpool } from "./hook-spool-z0bemuhX.js";
import path from "node:path";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
// dist/land/main-moved.js
const TELL_EVENTS = /* @__PURE__ */ new Set([
	"SessionStart",
	"UserPromptSubmit",
	"PreToolUse",
	"PostToolUse"
]);
/**
* Tells a live session, once, that its base branch moved under it (another task landed since it
* started), so it merges the base before finishing rather than meeting the conflict in the queue.
*/
const mainMovedResponder = (task, event, _payload, ctx) => {
	if (!TELL_EVENTS.has(event)) return null;
	return ctx.store.tx(() => {
		const current = getTask(ctx.store, task.name);
		if (!current) return null;
		const seen = typeof current.options.mainMovedSeen === "number" ? current.options.mainMovedSeen : 0;
		const moves = listEvents(ctx.store, {
			kinds: ["main.moved"],
			afterId: seen,
			since: current.createdAt
		});
		if (moves.length === 0) return null;
		mergeTaskOptions(ctx.store, task.name, { mainMovedSeen: moves[moves.length - 1].id });
		const landed = moves.map((e) => e.data).filter((m) => m.task !== task.name && (!current.base || m.branch === current.base));
		if (landed.length === 0) return null;
		const what = landed.map((m) => `task ${m.task} (${(m.to ?? "").slice(0, 10)})`).join(", ");
		const base = landed[0].branch ?? "the base";
		return `braid: ${base} moved while you work: ${what} landed on it. Before you finish, merge ${base} into your branch if you touch the same files (braid radar shows where you overlap).`;
	});
};
// dist/run/agents/migration-lock.js
/**
* Tells a Claude Code session, as it starts (and after a compaction wiped its context), to run
* migrations under braid's repo-wide lock. The lock's name reaches the hook through the session's
* own environment (BRAID_MIGRATIONS_LOCK, set where `migrations:` is configured).
*/
const migrationLockResponder = (_task, event) => {
	if (event !== "SessionStart") return null;
	const lock = process.env.BRAID_MIGRATIONS_LOCK;
	if (!lock) return null;
	return ["Other agents work on this repository in parallel, each with its own database, and two migrations run at once can corrupt a shared schema.", `Run every database migration command through braid's lock: \`braid lock ${lock} -- <command>\` (e.g. \`braid lock ${lock} -- npm run migrate\`); it waits while another session migrates.`].join(" ");
};
// dist/watch/notes/responder.js
const NOTE_EVENTS = /* @__PURE__ */ new Set([
	"SessionStart",
	"UserPromptSubmit",
	"PreToolUse",
	"PostToolUse"
]);
/** Hands a Claude Code session the notes it has not seen, once each, as hook additionalContext. */
const noteResponder = (task, event, _payload, ctx) => {
	if (!NOTE_EVENTS.has(event)) return null;
	const notes = ctx.store.tx(() => {
		const pending = undeliveredNotes(ctx.store, task.name);
		markDelivered(ctx.store, task.name, pending.map((n) => n.id), "context");
		return pending;
	});
	return notes.length ? noteMessage(notes) : null;
};
// dist/watch/radar/notify.js
/** Once-per-finding radar messages for an agent (the hook receiver passes them on as additionalContext). */
/**
* The radar warnings `task` has not been told yet, as one text (null when there is nothing new);
* they are marked delivered. Findings that went away are forgotten, so a recurrence is told again.
*/
function pendingRadarMessages(store, task) {
	return store.tx(() => {
		const messages = messagesFor(task, listFindings(store, task));
		const told = toldFindingKeys(store, task);
		const current = new Set(messages.map((m) => m.key));
		forgetToldFindings(store, task, [...told].filter((key) => !current.has(key)));
		const fresh = messages.filter((m) => !told.has(m.key));
		if (!fresh.length) return null;
		markFindingsTold(store, task, fresh.map((m) => m.key));
		return `braid conflict radar (other agents work in parallel on this repository):\n${fresh.map((m) => `- ${m.text}`).join("\n")}`;
	});
}
// dist/watch/radar/rescan.js
/**
* The rescan after an edit runs out of the hook's way: a detached worker per task, one at a time.
* The hook's recorded event is the "dirty" mark: a worker that finds an edit newer than the one it
* started from scans once more before it lets go of the task.
*/
/** The `locks` row a running rescan of `task` holds. */
function rescanLockName(task) {
	return `radar-rescan.${task}`;
}
/** True while a live worker rescans `task` (it will see any edit recorded before it finishes). */
function rescanRunning(store, task) {
	return lockHeld(store, rescanLockName(task));
}
const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), "rescan-main.js");
/** Where detached rescans write what went wrong. */
function rescanLogPath(commonDir) {
	return path.join(commonDir, "braid", "radar-rescan.log");
}
/** Starts the detached worker; it takes the task's single-flight lock itself. */
async function spawnRescanWorker(commonDir, cwd, task) {
	await spawnDetached(process.execPath, [
		WORKER,
		cwd,
		task
	], {
		cwd,
		env: process.env,
		logFile: rescanLogPath(commonDir)
	});
}
// dist/watch/radar/hook.js
function editsFiles(event, payload) {
	return (event === "PostToolUse" || event === "PostToolUseFailure") && EDITING_TOOLS.includes(String(payload.tool_name ?? ""));
}
/** Findings not yet told to this task reach the agent as additionalContext on its next hook that takes it. */
const radarResponder = (task, _event, _payload, ctx) => {
	try {
		return pendingRadarMessages(ctx.store, task.name);
	} catch {
		return null;
	}
};
/** A hook gives up on a busy store quickly: the rescan is a nicety, the agent must not wait. */
const RESCAN_BUSY_TIMEOUT_MS = 1e3;
/**
* After a file-editing tool use (already recorded): a detached worker re-snapshots that task and
* recomputes its pairs, or the running one goes once more. The hook does not wait for it; when the
* store cannot tell whether one runs, a worker starts anyway (it waits for the store, and one that
* finds another at work exits).
*/
async function rescanAfterEdit(commonDir, cwd, task) {
	let running = false;
	try {
		const store = openStore(commonDir, { busyTimeoutMs: RESCAN_BUSY_TIMEOUT_MS });
		try {
			running = rescanRunning(store, task);
		} finally {
			store.close();
		}
	} catch {
		running = false;
	}
	if (!running) await spawnRescanWorker(commonDir, cwd, task);
}
// dist/orchestrate/hook-responders.js
/**
* What `braid hook` may tell an agent, composed from above: each stage brings its own responder and
* the hook receiver (run/agents) knows none of them. Run in this order; their texts are joined.
*/
const HOOK_RESPONDERS = [
	noteResponder,
	migrationLockResponder,
	radarResponder,
	mainMovedResponder
];
// dist/run/agents/hook-responders.js
/** Events whose hook output may carry hookSpecificOutput.additionalContext (claude-code-facts.md). */
const CONTEXT_EVENTS = [
	"SessionStart",
	"UserPromptSubmit",
	"PreToolUse",
	"PostToolUse",
	"Stop",
	"SubagentStart",
	"SubagentStop"
];
/** Claude Code caps hook strings at 10,000 characters. */
const MAX_CONTEXT_CHARS = 1e4;
// dist/run/agents/session-repo.js
/** The git common dir of a session's repository, read from BRAID_REPO without asking git (which may be what failed). */
/**
* BRAID_REPO is the main checkout: its `.git` is the common dir, or a `gitdir:` file pointing at
* it (a separate git dir, whose `commondir` file, if any, names the shared one). Null when unknown.
*/
function sessionCommonDir(env) {
	const root = env.BRAID_REPO;
	if (!root || !path.isAbsolute(root)) return null;
	try {
		const dotGit = path.join(root, ".git");
		const gitDir = statSync(dotGit).isDirectory() ? dotGit : pointedGitDir(dotGit);
		return realpathSync(commonDirOf(gitDir));
	} catch {
		return null;
	}
}
function pointedGitDir(file) {
	const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(file, "utf8"));
	if (!m) throw new Error(`${file} names no gitdir`);
	return path.resolve(path.dirname(file), m[1]);
}
function commonDirOf(gitDir) {
	try {
		const rel = readFileSync(path.join(gitDir, "commondir"), "utf8").trim();
		return rel ? path.resolve(gitDir, rel) : gitDir;
	} catch {
		return gitDir;
	}
}
// dist/run/agents/hook-receiver.js
/** A hook must never stall the agent: wait this long for a busy store, then spool the event. */
const HOOK_BUSY_TIMEOUT_MS = 250;
/** How long the hook waits for git to name the repository before it falls back to BRAID_REPO. */
const GIT_TIMEOUT_MS = 2e3;
/**
* Records one hook event and its status change, and asks the responders what to tell the agent.
* Never throws, and never loses the event: whatever fails (git, the store, a responder) the event
* is recorded or spooled; other failures go to <commonDir>/braid/hook-errors.log.
*/
async function receiveHook(input, responders) {
	const at = Date.now();
	const payload = parsePayload(input.stdin);
	const dir = existingDir(payload.cwd) ?? input.cwd;
	const task = input.env.BRAID_TASK || null;
	let commonDir = null;
	let store = null;
	try {
		const found = await braidRepoOf(dir, input.env, (where, why) => logHookError(where, input.event, why));
		if ("skip" in found) return skip(null, found.skip);
		commonDir = found.commonDir;
		const where = commonDir;
		let answer;
		try {
			store = openStore(where, { busyTimeoutMs: HOOK_BUSY_TIMEOUT_MS });
			const s = store;
			drainHookSpool(s, where, (why) => logHookError(where, input.event, why));
			answer = s.tx(() => {
				const recorded = recordHookEvent(s, {
					event: input.event,
					task,
					dir,
					payload
				});
				if (!recorded) return null;
				return {
					recorded,
					output: respond(recorded.task, input.event, payload, responders, s, where)
				};
			});
		} catch (err) {
			if (!isBusy(err)) logHookError(where, input.event, `store unusable, event spooled: ${describe(err)}`);
			return spool(where);
		}
		pausePoint("hook", "recorded");
		if (!answer) return skip(commonDir, `no task for BRAID_TASK=${input.env.BRAID_TASK ?? ""} or ${dir}`);
		return {
			task: answer.recorded.task.name,
			change: answer.recorded.change,
			output: answer.output,
			error: null,
			spooled: false,
			commonDir
		};
	} catch (err) {
		const where = commonDir ?? sessionCommonDir(input.env);
		logHookError(where, input.event, `event spooled after: ${describe(err)}`);
		if (where && existsSync(storePath(where))) try {
			return spool(where);
		} catch (spoolErr) {
			return skip(where, `could not spool the event either: ${describe(spoolErr)}`);
		}
		return {
			task: null,
			change: null,
			output: null,
			error: describe(err),
			spooled: false
		};
	} finally {
		store?.close();
	}
	function spool(where) {
		spoolHookEvent(where, {
			id: newSpoolId(),
			at,
			event: input.event,
			task,
			dir,
			payload: payloadToRecord(payload)
		});
		return {
			task: null,
			change: null,
			output: null,
			error: null,
			spooled: true
		};
	}
	function skip(where, why) {
		logHookError(where, input.event, why);
		return {
			task: null,
			change: null,
			output: null,
			error: why,
			spooled: false
		};
	}
}
/** SQLite's "database is locked": the store is fine, someone holds it longer than a hook may wait. */
function isBusy(err) {
	const code = err?.code;
	if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) return true;
	return /database is locked/i.test(err?.message ?? "");
}
function describe(err) {
	return err?.stack ?? String(err);
}
function respond(task, event, payload, responders, store, commonDir) {
	if (!CONTEXT_EVENTS.includes(event) || responders.length === 0) return null;
	const texts = [];
	for (const responder of responders) try {
		const text = store.tx(() => responder(task, event, payload, {
			store,
			commonDir
		}));
		if (text) texts.push(text);
	} catch (err) {
		logHookError(commonDir, event, `responder failed: ${err?.stack ?? String(err)}`);
	}
	if (texts.length === 0) return null;
	const additionalContext = texts.join("\n\n").slice(0, MAX_CONTEXT_CHARS);
	return JSON.stringify({ hookSpecificOutput: {
		hookEventName: event,
		additionalContext
	} });
}
/**
* The braid repository the event belongs to: the one git finds around `dir`, else (git failed or
* slow, or `dir` lies outside braid's repository) the session's own, from BRAID_REPO.
*/
async function braidRepoOf(dir, env, log) {
	let found = null;
	let gitFailed = null;
	try {
		found = await findCommonDir(dir);
	} catch (err) {
		gitFailed = err?.message ?? String(err);
	}
	if (found && existsSync(storePath(found))) return { commonDir: found };
	const session = sessionCommonDir(env);
	if (session && existsSync(storePath(session))) {
		if (gitFailed) log(session, `git could not name the repository of ${dir} (${gitFailed}); used BRAID_REPO`);
		return { commonDir: session };
	}
	if (gitFailed) return { skip: `git could not name the repository of ${dir}: ${gitFailed}` };
	return { skip: found ? `no braid state in ${found}` : `not inside a git repository: ${dir}` };
}
async function findCommonDir(cwd) {
	const res = await run("git", [
		"rev-parse",
		"--path-format=absolute",
		"--git-common-dir"
	], {
		cwd,
		timeoutMs: GIT_TIMEOUT_MS,
		allowFailure: true,
		processGroup: true
	});
	const dir = res.code === 0 ? res.stdout.trim() : "";
	return dir ? realpathSync(dir) : null;
}
function parsePayload(text) {
	try {
		const value = JSON.parse(text);
		return value && typeof value === "object" && !Array.isArray(value) ? value : {};
	} catch {
		return {};
	}
}
function existingDir(p) {
	if (typeof p !== "string" || !path.isAbsolute(p)) return null;
	try {
		return statSync(p).isDirectory() ? realpathSync(p) : null;
	} catch {
		return null;
	}
}
// dist/cli/commands/hook.js
/** Give up on a payload that never ends: the agent waits for this hook. */
const STDIN_TIMEOUT_MS = 2e3;
function registerHook(program) {
	program.command("hook").argument("<event>", "the hook event name, e.g. PostToolUse").description("internal: receives an agent hook payload (JSON on stdin), records it and updates the task status; always exits 0").action(async (event) => {
		const stdin = await readStdin(STDIN_TIMEOUT_MS);
		const payload = parseJson(stdin);
		const edits = editsFiles(event, payload);
		const outcome = await receiveHook({
			event,
			stdin,
			env: process.env,
			cwd: process.cwd()
		}, HOOK_RESPONDERS);
		if (outcome.output) process.stdout.write(`${outcome.output}\n`);
		if (outcome.task && outcome.commonDir && edits) await rescanAfterEdit(outcome.commonDir, typeof payload.cwd === "string" ? payload.cwd : process.cwd(), outcome.task).catch(() => {});
		process.exitCode = 0;
	});
}
function readStdin(timeoutMs) {
	if (process.stdin.isTTY) return Promise.resolve("");
	return new Promise((resolve) => {
		const chunks = [];
		const done = () => {
			clearTimeout(timer);
			process.stdin.removeAllListeners();
			process.stdin.destroy();
			resolve(Buffer.concat(chunks).toString("utf8"));
		};
		const timer = setTimeout(done, timeoutMs);
		process.stdin.on("data", (d) => chunks.push(d));
		process.stdin.on("end", done);
		process.stdin.on("error", done);
	});
}
function parseJson(text) {
	try {
		const value = JSON.parse(text);
		return value && typeof value === "object" ? value : {};
	} catch {
		return {};
	}
}
export { registerHook };
