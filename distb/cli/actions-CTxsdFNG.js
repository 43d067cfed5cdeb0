import { t as BraidError } from "./errors-wmBuLZod.js";
import { a as defaultLandHooks, l as stopSession, s as refreshSession, u as stopSessionForRemoval, y as removeTask } from "./land-CfEzZRz-.js";
import { t as landTasks } from "./report-ttaCnIPE.js";
import { i as sessionAlive, n as handleOf, o as typeIntoSession } from "./reach-gipIaIgq.js";
import { r as getTask, s as updateTask } from "./tasks-BaE3DxGI.js";
// dist/orchestrate/actions.js
/**
* What a user does to a task, from any face: `braid stop|send|land|rm`, the TUI's keys and the web
* dashboard's buttons call these, so each action checks, refuses and acts the same way everywhere.
*/
function requireTask(project, name) {
	const task = getTask(project.store, name);
	if (!task) throw new BraidError("E_NO_TASK", `no task named '${name}'`, "See the tasks with braid ls.");
	return task;
}
/** The task's session handle; a task whose agent never started has none. */
function requireSession(task) {
	const handle = handleOf(task);
	if (!handle) throw new BraidError("E_SESSION", `task '${task.name}' has no session yet`, `Start it with braid start ${task.name}.`);
	return handle;
}
/** Stops the task's agent (its quit keys, then SIGTERM, then SIGKILL); the worktree stays. Returns the task after. */
async function stopTask(project, name) {
	const task = requireTask(project, name);
	requireSession(task);
	await stopSession(project, task);
	const after = requireTask(project, name);
	if (after.status === "failed" && after.statusSource === "process") {
		updateTask(project.store, name, { statusDetail: `stopped with braid stop (${after.statusDetail})` });
		return requireTask(project, name);
	}
	return after;
}
/** Types text into the task's live session, then Enter; refuses a session that has ended (the keys would vanish). */
async function sendToTask(project, name, text) {
	const handle = requireSession(requireTask(project, name));
	if (!await sessionAlive(project, name, handle)) {
		await refreshSession(project, name);
		throw new BraidError("E_SESSION", `the session of '${name}' has ended`, `Start it again with braid start ${name}.`);
	}
	await typeIntoSession(handle, text);
}
/**
* Enqueues the tasks (none: just process what is queued) and works through the merge queue with
* braid's own hand-back, cleanup and gate preparation.
*/
function landTaskNames(project, names, opts = {}) {
	const say = opts.onProgress ?? (() => {});
	return landTasks(project, names, {
		all: opts.all,
		onProgress: say,
		hooks: defaultLandHooks(project, say)
	});
}
/** One line saying what became of `name` in a landing. */
function landOutcomeLine(report, name) {
	const landed = report.landed.find((l) => l.name === name);
	if (landed) return `landed ${name} ${landed.commit?.slice(0, 12) ?? ""}`.trim();
	const rejected = report.rejected.find((r) => r.name === name);
	if (rejected) return `not landed ${name}: ${rejected.reason ?? "rejected"}`;
	const handedBack = report.handedBack.find((h) => h.name === name);
	if (handedBack) return `handed back ${name}: its agent resolves ${handedBack.conflictFiles.join(", ")}`;
	return `${name} is queued`;
}
/**
* Removes the task like `braid rm`: its session stopped first, everything backed up, and (without
* `force`) E_UNLANDED_WORK rather than losing work.
*/
function removeTaskAction(project, name, opts = {}) {
	return removeTask(project, name, {
		force: opts.force,
		stopSession: (task) => stopSessionForRemoval(project, task)
	});
}
export { requireTask as a, requireSession as i, landTaskNames as n, sendToTask as o, removeTaskAction as r, stopTask as s, landOutcomeLine as t };
