import { t as BraidError } from "./errors-wmBuLZod.js";
import { c as LIVE_STATUSES } from "./reach-gipIaIgq.js";
import { n as processQueue, o as handBackPending, s as refreshSession, t as enqueueTasks } from "./land-CfEzZRz-.js";
import { o as appendEvent } from "./refusals-DxFGZ0mh.js";
import { a as activeEntryFor, i as activeEntries, l as updateEntry, s as getEntry } from "./queue-lock-k6y2TCMt.js";
import { a as listTasks, r as getTask, s as updateTask } from "./tasks-BaE3DxGI.js";
// dist/land/report.js
/** Tasks `--all` picks: finished or paused ones, never a session mid-work or one not yet provisioned. */
const LANDABLE = [
	"idle",
	"waiting",
	"exited",
	"queued",
	"conflict",
	"landing"
];
/**
* Enqueues `names` (and with `all` every landable task) and processes the queue, or waits while
* another braid process does; reports what happened to this call's entries (`braid land`, `braid run --land`).
*/
async function landTasks(project, names, opts = {}) {
	const progress = opts.onProgress ?? (() => {});
	const store = project.store;
	for (const name of names) {
		const task = getTask(store, name);
		if (!task) throw new BraidError("E_NO_TASK", `no task named '${name}'`, "See the tasks with braid ls.");
		if (task.options.readonly === true) throw new BraidError("E_USAGE", `task '${name}' is a read-only session in the main checkout: it has no branch of its own to land`, `Remove it with braid rm ${name}; to change code, create a task without --readonly.`);
	}
	const chosen = [...names];
	if (opts.all) {
		for (const t of listTasks(store)) if (LANDABLE.includes(t.status) && t.options.readonly !== true && !chosen.includes(t.name)) chosen.push(t.name);
	}
	const ctx = {
		...opts.hooks,
		repo: project.repo,
		config: project.config,
		store: project.store,
		onProgress: progress
	};
	if (!project.config.gate) progress("note: no gate configured (braid.yaml `gate`), so candidates land untested");
	const mine = enqueueTasks(ctx, chosen).map((e) => e.id);
	const seen = /* @__PURE__ */ new Map();
	for (;;) {
		const ended = await endedHandBacks(project);
		const res = await processQueue(ctx);
		if (res.ran) {
			for (const o of res.outcomes) seen.set(o.entryId, o.commit);
			giveUpHandBacks(project, ended, progress);
			break;
		}
		if (mine.every((id) => !isActive(getEntry(store, id)))) break;
		progress(`waiting: the queue is being processed by pid ${res.holder?.pid ?? "?"}`);
		await new Promise((r) => setTimeout(r, 500));
	}
	for (const id of mine) if (!seen.has(id)) seen.set(id, null);
	return buildReport(project, seen);
}
/** Handed-back entries whose agent is no longer running: if the queue does not re-queue them, nothing will. */
async function endedHandBacks(project) {
	const ended = [];
	for (const e of activeEntries(project.store)) {
		if (e.state !== "waiting_agent" || handBackPending(project.store, e.task)) continue;
		const task = await refreshSession(project, e.task);
		if (!task || !LIVE_STATUSES.includes(task.status)) ended.push(e);
	}
	return ended;
}
function giveUpHandBacks(project, ended, say) {
	const store = project.store;
	for (const before of ended) {
		const e = getEntry(store, before.id);
		if (e?.state !== "waiting_agent") continue;
		const reason = `conflicts in ${e.conflictFiles.join(", ")}: handed back, but the agent ended without committing a resolution; resolve by hand, then braid land ${e.task}`;
		updateEntry(store, e.id, {
			state: "conflict",
			reason
		});
		updateTask(store, e.task, {
			status: "conflict",
			statusDetail: reason
		});
		appendEvent(store, e.task, "land.conflict", {
			files: e.conflictFiles,
			after: "hand-back"
		});
		say(`${e.task}: ${reason}`);
	}
}
function isActive(entry) {
	return entry !== null && [
		"queued",
		"building",
		"gating"
	].includes(entry.state);
}
function buildReport(project, seen) {
	const store = project.store;
	const report = {
		landed: [],
		rejected: [],
		handedBack: []
	};
	const latest = /* @__PURE__ */ new Map();
	for (const id of seen.keys()) {
		const e = getEntry(store, id);
		if (e) latest.set(e.task, e);
	}
	for (const e of latest.values()) if (e.state === "landed") report.landed.push({
		name: e.task,
		commit: e.candidate ?? getTask(store, e.task)?.landedCommit ?? null
	});
	else if (e.state === "waiting_agent") report.handedBack.push({
		name: e.task,
		conflictFiles: e.conflictFiles
	});
	else {
		const still = activeEntryFor(store, e.task);
		const reason = e.reason ?? (still ? `still ${still.state}` : e.state);
		report.rejected.push({
			name: e.task,
			reason,
			conflictFiles: e.conflictFiles
		});
	}
	return report;
}
export { landTasks as t };
