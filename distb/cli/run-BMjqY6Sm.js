import { s as projectPricing, u as mergeBudgets } from "./proctree-6mt0DR60.js";
import { t as BraidError } from "./errors-wmBuLZod.js";
import { i as table, r as formatDuration } from "./format-CBknmFXK.js";
import { C as number, E as string, S as boolean, b as _enum, d as gitOk, f as gitRun, g as formatIssues, m as budgetSchema, r as require_dist, u as git, w as object, x as array } from "./config-file-CkoDHq_W.js";
import { A as taskNameProblem, a as defaultLandHooks, c as startSession, h as recoverTask, m as provisionTask, s as refreshSession } from "./land-CfEzZRz-.js";
import { n as quoteForDisplay } from "./run-CAKlpui-.js";
import { t as landTasks } from "./report-ttaCnIPE.js";
import { t as eventLine } from "./event-lines-D6MbdW8q.js";
import { a as EventFeed, c as latestRefusals, d as isKind, n as describeDenials, o as appendEvent } from "./refusals-DxFGZ0mh.js";
import { a as listTasks, o as mergeTaskOptions, r as getTask, s as updateTask } from "./tasks-BaE3DxGI.js";
import { s as BudgetWatch, t as ensureSupervisor } from "./control-DOTKMzA2.js";
import { a as sessionPaths, c as LIVE_STATUSES, n as handleOf } from "./reach-gipIaIgq.js";
import { t as collectStats } from "./stats-report-BakgUUCU.js";
import { t as isProcessAlive } from "./pid-BJsOpIbp.js";
import { n as mergeTrees, r as BRAID_IDENTITY } from "./merge-tree-DF9GFWME.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { i as printJson, n as dim, o as red, r as green, s as yellow, t as bold } from "./output-DxhfGA2Q.js";
import path from "node:path";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createHash } from "node:crypto";
// dist/core/plan.js
var import_dist = require_dist();
const planTaskSchema = object({
	name: string(),
	prompt: string().min(1),
	agent: string().min(1).optional(),
	needs: array(string()).default([]),
	base: string().min(1).optional(),
	/** Start from the branches of the tasks it needs instead of waiting for them to land. */
	stack: boolean().default(false)
}).strict();
const planSchema = object({
	tasks: array(planTaskSchema).min(1),
	max_parallel: number().int().min(1).max(64).optional(),
	land: _enum(["auto", "manual"]).default("auto"),
	budget: budgetSchema.optional()
}).strict();
/** Finds one dependency cycle (as a list of names, first repeated at the end), or null. */
function findCycle(tasks) {
	const needs = /* @__PURE__ */ new Map();
	for (const t of tasks) needs.set(t.name, [...needs.get(t.name) ?? [], ...t.needs]);
	const state = /* @__PURE__ */ new Map();
	const stack = [];
	const visit = (name) => {
		if (state.get(name) === "done") return null;
		if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
		state.set(name, "visiting");
		stack.push(name);
		for (const dep of needs.get(name) ?? []) {
			if (!needs.has(dep)) continue;
			const cycle = visit(dep);
			if (cycle) return cycle;
		}
		stack.pop();
		state.set(name, "done");
		return null;
	};
	for (const t of tasks) {
		const cycle = visit(t.name);
		if (cycle) return cycle;
	}
	return null;
}
/** The names and needs of a plan's tasks as far as they can be read, even from a plan the schema refuses. */
function looseTasks(raw) {
	const tasks = raw?.tasks;
	if (!Array.isArray(tasks)) return [];
	return tasks.map((t) => {
		const o = t ?? {};
		const needs = Array.isArray(o.needs) ? o.needs.filter((d) => typeof d === "string") : [];
		return {
			name: typeof o.name === "string" ? o.name : "",
			needs
		};
	});
}
/** Every problem of a plan at once: schema, names, duplicates, unknown needs, cycles. */
function planProblems(raw) {
	const res = planSchema.safeParse(raw ?? {});
	const problems = res.success ? [] : formatIssues(res.error.issues);
	const tasks = res.success ? res.data.tasks : looseTasks(raw);
	const seen = /* @__PURE__ */ new Set();
	tasks.forEach((t, i) => {
		if (!t.name) return;
		const problem = taskNameProblem(t.name);
		if (problem) problems.push(`tasks.${i}.name: '${t.name}' is not a valid task name: ${problem}`);
		if (seen.has(t.name)) problems.push(`tasks.${i}.name: duplicate task name '${t.name}'`);
		seen.add(t.name);
	});
	tasks.forEach((t, i) => {
		for (const dep of t.needs) {
			if (!seen.has(dep)) problems.push(`tasks.${i}.needs: '${t.name}' needs unknown task '${dep}'`);
			if (dep === t.name) problems.push(`tasks.${i}.needs: '${t.name}' needs itself`);
		}
	});
	const cycle = findCycle(tasks.map((t) => ({
		...t,
		needs: t.needs.filter((d) => d !== t.name)
	})));
	if (cycle) problems.push(`tasks: dependency cycle ${cycle.join(" -> ")}`);
	return {
		plan: res.success ? res.data : null,
		problems
	};
}
function parsePlan(text, source) {
	let raw;
	try {
		raw = (0, import_dist.parse)(text);
	} catch (err) {
		throw new BraidError("E_PLAN", `${source} is not valid YAML: ${err.message}`, "Fix the YAML syntax.");
	}
	const { plan, problems } = planProblems(raw);
	if (!plan || problems.length) throw new BraidError("E_PLAN", `${source} has ${problems.length} problem${problems.length > 1 ? "s" : ""}:\n  ${problems.join("\n  ")}`, "Fix the plan; nothing was started.");
	return plan;
}
/** Whether a task starts from its needs' branches: asked for, or forced because nothing lands in this run. */
function startsStacked(task, landing) {
	return task.needs.length > 0 && (task.stack || !landing);
}
/**
* What to do next: tasks whose needs are met start while slots are free, in plan order; tasks that
* need a failed, rejected or skipped task are skipped with the reason. Without landing (land: manual)
* nothing ever lands, so a dependent starts stacked on its needs' branches once they are done.
*/
function nextPlanActions(plan, states, maxParallel, landing = true) {
	const skip = [];
	const effective = new Map(states);
	let changed = true;
	while (changed) {
		changed = false;
		for (const t of plan.tasks) {
			if (effective.get(t.name) !== "pending") continue;
			const dead = t.needs.find((d) => [
				"failed",
				"rejected",
				"skipped"
			].includes(effective.get(d) ?? ""));
			if (dead) {
				skip.push({
					name: t.name,
					reason: `needs '${dead}', which ${effective.get(dead)}`
				});
				effective.set(t.name, "skipped");
				changed = true;
			}
		}
	}
	const busy = [...effective.values()].filter((s) => s === "running").length;
	const start = [];
	for (const t of plan.tasks) {
		if (busy + start.length >= maxParallel) break;
		if (effective.get(t.name) !== "pending") continue;
		if (t.needs.every((d) => {
			const s = effective.get(d);
			return startsStacked(t, landing) ? s === "done" || s === "landing" || s === "landed" : s === "landed";
		})) start.push(t.name);
	}
	return {
		start,
		skip
	};
}
function isPlanFinished(states) {
	return [...states.values()].every((s) => [
		"landed",
		"failed",
		"rejected",
		"skipped",
		"done"
	].includes(s));
}
// dist/orchestrate/plan/landing.js
/** The plan runner lands through the same queue as `braid land`. */
async function landQueue(project, names) {
	const res = await landTasks(project, names, { hooks: defaultLandHooks(project) });
	return {
		landed: res.landed.filter((l) => l.commit !== null).map((l) => ({
			name: l.name,
			commit: l.commit
		})),
		handedBack: res.handedBack,
		rejected: [...res.rejected.map((r) => ({
			...r,
			reason: r.reason ?? "rejected"
		})), ...res.landed.filter((l) => l.commit === null).map((l) => ({
			name: l.name,
			reason: "nothing to land",
			conflictFiles: []
		}))]
	};
}
// dist/orchestrate/plan/progress.js
/** The live block: one line per task (state, session status, elapsed, tokens, cost), then the queue. */
function renderProgress(view) {
	const rows = view.tasks.map((t) => [
		t.name,
		t.state === "running" && t.status ? `running (${t.status})` : t.state,
		t.elapsedMs === null ? "-" : formatDuration(t.elapsedMs),
		t.tokens === null ? "-" : String(t.tokens),
		t.costUsd === null ? "-" : `$${t.costUsd.toFixed(4)}`
	]);
	const counts = /* @__PURE__ */ new Map();
	for (const t of view.tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
	const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(", ");
	return [
		...table([
			"TASK",
			"STATE",
			"TIME",
			"TOKENS",
			"COST"
		], rows).split("\n"),
		`queue: ${view.queue.length ? view.queue.join(", ") : "(empty)"}`,
		`${formatDuration(view.elapsedMs)} elapsed; ${summary}`
	];
}
/** The block is redrawn only on a terminal: in a log file or a pipe it would be a flood of escapes. */
function isLiveTerminal(out) {
	return out.isTTY === true;
}
var LiveProgress = class {
	out;
	live;
	drawn = 0;
	last = [];
	constructor(out, live = isLiveTerminal(out)) {
		this.out = out;
		this.live = live;
	}
	event(line) {
		if (!this.live) {
			this.out.write(`${line}\n`);
			return;
		}
		this.clear();
		this.out.write(`${line}\n`);
		this.draw(this.last);
	}
	update(view) {
		if (!this.live) return;
		const lines = renderProgress(view);
		this.clear();
		this.draw(lines);
	}
	/** Leaves the last block on screen, with the cursor below it. */
	finish() {
		this.drawn = 0;
	}
	clear() {
		if (this.drawn > 0) {
			this.out.moveCursor(0, -this.drawn);
			this.out.cursorTo(0);
			this.out.clearScreenDown();
		}
		this.drawn = 0;
	}
	draw(lines) {
		this.last = lines;
		const width = this.out.columns || 120;
		for (const l of lines) this.out.write(`${l.slice(0, width - 1)}\n`);
		this.drawn = lines.length;
	}
};
/**
* The event lines of a run's progress: the run's own `plan.*` events, and its tasks' budget warnings
* and stops and refused tool uses, whoever recorded them. Null for every other event.
*/
function progressLine(e, runId, tasks) {
	if (e.kind.startsWith("plan.")) return e.data.runId === runId ? eventLine(e) : null;
	if (!e.task || !tasks.has(e.task)) return null;
	return isKind(e, "budget.warned", "budget.stopping", "budget.stopped", "agent.permission-denied") ? eventLine(e) : null;
}
// dist/orchestrate/plan/report.js
/** The final report: each task's outcome and why, durations, usage, and the parallel speed-up. */
async function buildReport(project, plan, runId, started, m, interrupted = false) {
	const tasks = listTasks(project.store).filter((t) => t.runId === runId);
	const stats = await collectStats(tasks, {
		cpuWindowMs: 0,
		pricing: projectPricing(project)
	});
	return {
		runId,
		interrupted,
		...runTotals(plan.tasks.map((spec) => {
			const task = tasks.find((t) => t.name === spec.name) ?? null;
			const s = stats.tasks.find((x) => x.name === spec.name);
			const begin = m.startedAt.get(spec.name);
			const end = m.finishedAt.get(spec.name);
			let outcome = "done";
			let reason = null;
			if (m.skipped.has(spec.name)) [outcome, reason] = ["skipped", m.skipped.get(spec.name) ?? null];
			else if (task?.status === "landed") outcome = "landed";
			else if (m.stopped.has(spec.name)) [outcome, reason] = ["stopped", m.stopped.get(spec.name) ?? null];
			else if (m.rejected.has(spec.name) || task?.status === "conflict") [outcome, reason] = ["rejected", m.rejected.get(spec.name) ?? task?.statusDetail ?? null];
			else if (m.unstarted.has(spec.name)) [outcome, reason] = ["failed", m.unstarted.get(spec.name) ?? null];
			else if (interrupted && !task) [outcome, reason] = ["pending", "not started yet"];
			else if (interrupted && LIVE_STATUSES.includes(task?.status ?? "failed")) [outcome, reason] = ["running", "still running: its session was left alive"];
			else if (!task || task.status === "failed") [outcome, reason] = ["failed", task?.statusDetail ?? "never started"];
			return {
				name: spec.name,
				outcome,
				reason,
				durationMs: begin && end ? end - begin : null,
				tokens: s?.tokens ?? null,
				costUsd: s?.costUsd ?? null,
				landedCommit: task?.landedCommit ?? null,
				refused: task ? refusedOf(project, task.name) : null
			};
		}), m, started, Date.now())
	};
}
function refusedOf(project, name) {
	const denials = latestRefusals(project.store, name);
	return denials.length ? `refused ${denials.length}: ${describeDenials(denials)}` : null;
}
/**
* The report's figures: wall time, the time tasks ran during this invocation (an adopted run's
* earlier part is not ours), token and cost totals, and the speed-up (task time / wall time).
*/
function runTotals(reports, m, started, now) {
	const wallMs = now - started;
	const taskMs = reports.reduce((a, r) => {
		const begin = m.startedAt.get(r.name);
		const end = m.finishedAt.get(r.name);
		return begin && end ? a + Math.max(0, end - Math.max(begin, started)) : a;
	}, 0);
	const costs = reports.map((r) => r.costUsd);
	return {
		wallMs,
		tasks: reports,
		totals: {
			tokens: reports.reduce((a, r) => a + (r.tokens ? r.tokens.input + r.tokens.output + r.tokens.cacheCreation + r.tokens.cacheRead : 0), 0),
			costUsd: costs.every((c) => c === null) ? null : costs.reduce((a, c) => a + (c ?? 0), 0),
			taskMs,
			speedup: wallMs > 0 && taskMs > 0 ? taskMs / wallMs : null
		}
	};
}
// dist/orchestrate/plan/revive.js
/**
* A session that died with the machine (a reboot, its process group SIGKILLed): recorded failed by
* process liveness, with no exit code and no exit record, because nothing was left to write one.
*/
function diedWithoutRecord(project, task) {
	const handle = handleOf(task);
	if (!handle || task.status !== "failed" || task.statusSource !== "process") return false;
	if (task.exitCode !== null || isProcessAlive(handle.pid, handle.pidStart)) return false;
	return !existsSync(sessionPaths(project, task.name).exitPath);
}
/** Starts such a session again: resumed where the agent can (a recorded session id), afresh otherwise. */
async function reviveSession(project, task, runId) {
	const resume = !!task.agentSessionId;
	try {
		await startSession(project, task.name, { resume });
		appendEvent(project.store, task.name, "plan.task-revived", {
			runId,
			resume
		});
	} catch (err) {
		appendEvent(project.store, task.name, "plan.task-revive-failed", {
			runId,
			reason: err.message
		});
	}
}
// dist/orchestrate/plan/stack-base.js
/** The ref that keeps a stacked task's merged starting point reachable. */
function stackRef(name) {
	return `refs/braid/stack/${name}`;
}
/**
* The starting point of a task stacked on its needs: the one need's branch, or an in-memory merge
* (merge-tree + commit-tree) of every need's branch. Conflicting needs fail the task with the files.
*/
async function stackBase(project, name, needs) {
	const cwd = project.repo.root;
	const tasks = needs.map((n) => getTask(project.store, n));
	const missing = needs.filter((_, i) => !tasks[i]);
	if (missing.length) throw new BraidError("E_NO_TASK", `'${name}' is stacked on ${missing.map((m) => `'${m}'`).join(", ")}, which no longer exist${missing.length > 1 ? "" : "s"}`, "Run the plan without stack: true for it, or recreate the tasks it needs.");
	const branches = tasks.map((t) => t?.branch);
	const landsOn = tasks[0]?.base ?? null;
	if (branches.length === 1) return {
		base: branches[0],
		landsOn,
		branches
	};
	let acc = await git([
		"rev-parse",
		"--verify",
		`refs/heads/${branches[0]}^{commit}`
	], { cwd });
	for (const [i, branch] of branches.entries()) {
		if (i === 0) continue;
		const tip = await git([
			"rev-parse",
			"--verify",
			`refs/heads/${branch}^{commit}`
		], { cwd });
		if (await gitOk([
			"merge-base",
			"--is-ancestor",
			tip,
			acc
		], { cwd })) continue;
		const merge = await mergeTrees(cwd, acc, tip);
		if (!merge.clean) throw new BraidError("E_CONFLICT", `the work of ${needs.map((n) => `'${n}'`).join(" and ")} conflicts in ${merge.conflictFiles.join(", ")}: '${name}' cannot start from all of them`, "Land the needs first (without stack: true the task starts from main after they land), or resolve the conflict on one of their branches.");
		acc = await git([
			"commit-tree",
			merge.tree,
			"-p",
			acc,
			"-p",
			tip,
			"-m",
			`braid: start of ${name} (stacked on ${needs.join(", ")})`
		], {
			cwd,
			env: BRAID_IDENTITY
		});
	}
	await git([
		"update-ref",
		stackRef(name),
		acc
	], { cwd });
	return {
		base: stackRef(name),
		landsOn,
		branches
	};
}
// dist/orchestrate/plan/runner.js
/** One run id per plan file, so running the same plan again adopts and continues it. */
function runIdFor(planKey) {
	return `run-${createHash("sha1").update(planKey).digest("hex").slice(0, 10)}`;
}
/** Whether the task's branch has commits of its own: an interactive agent at rest with them is done. */
async function hasCommittedWork(root, task) {
	const res = await gitRun([
		"rev-list",
		"--count",
		`${task.baseCommit}..refs/heads/${task.branch}`
	], {
		cwd: root,
		allowFailure: true
	});
	return res.code === 0 && Number(res.stdout.trim()) > 0;
}
function stateOf(task, interactive, committed = false) {
	if (!task) return "pending";
	switch (task.status) {
		case "exited": return task.runtime === "headless" && task.statusSource === "hook" && task.exitCode === null ? "running" : "done";
		case "failed": return "failed";
		case "queued":
		case "landing": return "landing";
		case "landed": return "landed";
		case "conflict": return "rejected";
		case "idle": return interactive && committed ? "done" : "running";
		default: return "running";
	}
}
/** Waits, but wakes at once when the run is interrupted. */
function sleep(ms, signal) {
	return new Promise((resolve) => {
		if (signal?.aborted) return resolve();
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener("abort", done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener("abort", done, { once: true });
	});
}
async function runPlan(project, plan, options) {
	const { store } = project;
	const runId = runIdFor(options.planKey);
	const started = Date.now();
	const watch = new BudgetWatch(project, options.budget);
	const record = (task, kind, data) => {
		appendEvent(store, task, kind, {
			...data,
			runId
		});
		options.onRecorded?.();
	};
	const memory = {
		skipped: /* @__PURE__ */ new Map(),
		rejected: /* @__PURE__ */ new Map(),
		stopped: watch.stopped,
		startedAt: /* @__PURE__ */ new Map(),
		finishedAt: /* @__PURE__ */ new Map(),
		unstarted: /* @__PURE__ */ new Map()
	};
	const { skipped, rejected, startedAt, finishedAt, unstarted } = memory;
	const sessionProject = {
		...project,
		config: {
			...project.config,
			budget: options.budget
		}
	};
	let landing = null;
	let landingNames = [];
	const lastShown = /* @__PURE__ */ new Map();
	for (const t of plan.tasks) {
		const existing = getTask(store, t.name);
		if (existing && existing.runId === runId) record(t.name, "plan.task-adopted", { status: existing.status });
		await recoverTask(project, t.name);
	}
	watch.restore(plan.tasks.map((t) => getTask(store, t.name)).filter((t) => t?.runId === runId));
	for (const t of plan.tasks) {
		const task = getTask(store, t.name)?.runId === runId ? await refreshSession(project, t.name) : null;
		if (task && !watch.stopped.has(t.name) && diedWithoutRecord(project, task)) await reviveSession(sessionProject, task, runId);
	}
	let interrupted = false;
	for (;;) {
		const states = /* @__PURE__ */ new Map();
		const rows = [];
		const runTasks = [];
		for (const t of plan.tasks) {
			if (skipped.has(t.name)) {
				states.set(t.name, "skipped");
				rows.push({
					name: t.name,
					state: "skipped",
					status: null,
					elapsedMs: null,
					tokens: null,
					costUsd: null
				});
				continue;
			}
			let task = getTask(store, t.name);
			if (task && task.runId !== runId) task = null;
			if (task) task = await refreshSession(project, t.name);
			if (task) runTasks.push(task);
			const stopped = watch.stopped.has(t.name);
			const state = rejected.has(t.name) ? "rejected" : stopped || unstarted.has(t.name) ? "failed" : stateOf(task, !!options.interactive, !!options.interactive && task?.status === "idle" && await hasCommittedWork(project.repo.root, task));
			states.set(t.name, state);
			if (task && !startedAt.has(t.name)) startedAt.set(t.name, task.createdAt);
			if ([
				"done",
				"landed",
				"failed",
				"rejected"
			].includes(state) && !finishedAt.has(t.name)) finishedAt.set(t.name, task && task.updatedAt < started ? task.updatedAt : Date.now());
			const begin = startedAt.get(t.name);
			const usage = task ? watch.usage(task) : {
				tokens: null,
				costUsd: null
			};
			rows.push({
				name: t.name,
				state: stopped ? "stopped" : state,
				status: task?.status ?? null,
				elapsedMs: begin ? (finishedAt.get(t.name) ?? Date.now()) - begin : null,
				...usage
			});
			const commit = state === "landed" ? task?.landedCommit : null;
			const failure = unstarted.get(t.name) ?? task?.statusDetail;
			const detail = failure && state === "failed" && !stopped ? failure : null;
			const shown = {
				state: stopped ? "stopped" : state,
				...commit ? { commit } : {},
				...detail ? { detail } : {}
			};
			if (lastShown.get(t.name) !== JSON.stringify(shown)) {
				lastShown.set(t.name, JSON.stringify(shown));
				record(t.name, "plan.task-state", shown);
			}
		}
		await watch.check(runTasks);
		if (options.signal?.aborted) {
			if (landing) record(null, "plan.interrupted", { landing: landingNames });
			await landing;
			interrupted = true;
			break;
		}
		const decision = nextPlanActions(plan, states, watch.runSpent ? 0 : options.maxParallel, options.land);
		for (const s of decision.skip) {
			skipped.set(s.name, s.reason);
			record(s.name, "plan.task-skipped", { reason: s.reason });
		}
		if (watch.runSpent) for (const t of plan.tasks) {
			if (states.get(t.name) !== "pending" || skipped.has(t.name)) continue;
			skipped.set(t.name, `the run's budget is spent (${watch.runSpent})`);
			states.set(t.name, "skipped");
			record(t.name, "plan.task-skipped", { reason: "the run's budget is spent" });
		}
		for (const name of decision.start) {
			if (options.signal?.aborted) break;
			const spec = plan.tasks.find((t) => t.name === name);
			if (!spec) continue;
			startedAt.set(name, Date.now());
			states.set(name, "running");
			const why = await startTask(sessionProject, spec, runId, {
				interactive: !!options.interactive,
				land: options.land
			});
			if (why) unstarted.set(name, why);
		}
		const ready = plan.tasks.filter((t) => states.get(t.name) === "done").map((t) => t.name);
		options.onProgress?.({
			elapsedMs: Date.now() - started,
			tasks: rows,
			queue: [.../* @__PURE__ */ new Set([
				...landingNames,
				...ready,
				...rows.filter((r) => r.state === "landing").map((r) => r.name)
			])]
		});
		if (options.land && ready.length && !landing && !options.signal?.aborted) {
			record(null, "plan.landing", { tasks: ready });
			landingNames = ready;
			landing = options.landTasks(ready).then((res) => {
				for (const r of res.rejected) {
					rejected.set(r.name, r.reason);
					record(r.name, "plan.task-rejected", { reason: r.reason });
				}
				for (const h of res.handedBack ?? []) record(h.name, "plan.task-handed-back", { files: h.conflictFiles });
			}).catch((err) => {
				for (const name of ready) rejected.set(name, err.message);
			}).finally(() => {
				landing = null;
				landingNames = [];
			});
		}
		if (isPlanFinished(new Map([...states].map(([k, v]) => [k, skipped.has(k) ? "skipped" : v]))) && !landing && (!options.land || !ready.length)) break;
		await sleep(options.pollMs ?? 250, options.signal);
	}
	return buildReport(project, plan, runId, started, memory, interrupted);
}
/** Provisions one task of the plan and starts its session; returns why it could not start, or null. */
async function startTask(project, spec, runId, opts) {
	const { store } = project;
	const name = spec.name;
	try {
		const stack = startsStacked(spec, opts.land) ? await stackBase(project, name, spec.needs) : null;
		await provisionTask(project, {
			name,
			prompt: spec.prompt,
			agent: spec.agent,
			base: stack?.base ?? spec.base,
			headless: !opts.interactive,
			runId,
			needs: spec.needs
		});
		if (project.config.budget) mergeTaskOptions(store, name, { budget: project.config.budget });
		if (stack) {
			if (stack.landsOn) updateTask(store, name, { base: stack.landsOn });
			mergeTaskOptions(store, name, {
				stackedOn: stack.base,
				stackedOnBranches: stack.branches
			});
		}
		await startSession(project, name);
		appendEvent(store, name, "plan.task-started", { runId });
		return null;
	} catch (err) {
		const why = err.message;
		appendEvent(store, name, "plan.task-start-failed", {
			runId,
			reason: why
		});
		return getTask(store, name) ? null : why;
	}
}
// dist/cli/commands/run.js
function register(program) {
	program.command("run").description("The main job: every task of a plan, in parallel, in dependency order, landed, with a report").argument("<plan>", "plan file (YAML): tasks: [{name, prompt, agent?, needs?, stack?}], max_parallel, land").option("--max-parallel <n>", "tasks running at once (default: the plan, then braid.yaml, then 3)").option("--land", "land finished tasks through the queue even when the plan says land: manual").option("--interactive", "run the agents in tmux instead of headless").option("--json", "print the final report as JSON").addHelpText("after", "\nRunning the same plan again continues it: landed tasks are not redone, live sessions are adopted.\nOn a terminal a live table shows each task (state, time, tokens, cost) and the queue; otherwise only\nstate changes are printed (to stderr). budget: {task_usd, run_usd, task_tokens} in the plan or\nbraid.yaml warns at 80 % and stops a session at 100 %, keeping its work (committed on its branch).").action(async (planFile, flags) => {
		const file = path.resolve(process.cwd(), planFile);
		let text;
		try {
			text = readFileSync(file, "utf8");
		} catch {
			throw new BraidError("E_USAGE", `cannot read the plan ${planFile}`, "Give the path of a plan YAML file.");
		}
		const plan = parsePlan(text, planFile);
		await withProject(process.cwd(), async (project) => {
			const maxParallel = Number(flags.maxParallel ?? plan.max_parallel ?? project.config.max_parallel);
			if (!Number.isInteger(maxParallel) || maxParallel < 1) throw new BraidError("E_USAGE", `--max-parallel must be a positive whole number, not '${flags.maxParallel}'`);
			await ensureSupervisor(project);
			const began = Date.now();
			const display = new LiveProgress(process.stderr);
			const interrupt = onInterrupt((line) => display.event(line));
			const planKey = realpathSync(file);
			const feed = new EventFeed(project.store);
			const names = new Set(plan.tasks.map((t) => t.name));
			const showEvents = () => {
				if (flags.json) return;
				for (let batch = feed.next(); batch.length; batch = feed.next()) for (const e of batch) {
					const line = progressLine(e, runIdFor(planKey), names);
					const at = formatDuration(Math.max(0, e.at - began)).padStart(6);
					if (line) display.event(`${dim(at)}  ${line}`);
				}
			};
			const report = await runPlan(project, plan, {
				signal: interrupt.signal,
				planKey,
				maxParallel,
				land: !!flags.land || plan.land === "auto",
				interactive: flags.interactive,
				budget: mergeBudgets(project.config.budget, plan.budget),
				landTasks: (names) => landQueue(project, names),
				onRecorded: showEvents,
				onProgress: flags.json ? void 0 : (view) => {
					showEvents();
					display.update(view);
				}
			});
			showEvents();
			interrupt.dispose();
			display.finish();
			if (flags.json) printJson(report);
			else process.stdout.write(`${renderReport(report)}\n`);
			if (report.interrupted && !flags.json) process.stdout.write(`${renderInterrupted(report, [
				"braid",
				"run",
				planFile
			])}\n`);
			if (report.tasks.some((t) => t.outcome !== "landed" && t.outcome !== "done")) process.exitCode = 1;
			if (report.interrupted) process.exitCode = interrupt.received === "SIGTERM" ? 143 : 130;
		});
	});
}
/**
* Ctrl-C or SIGTERM once: the run starts nothing new and stops after the landing under way; sessions
* keep running. A second one leaves at once (the queue is crash-safe and the next run picks it up).
*/
function onInterrupt(say) {
	const controller = new AbortController();
	let received = null;
	const handler = (sig) => {
		if (received) process.exit(sig === "SIGTERM" ? 143 : 130);
		received = sig;
		say(`${sig === "SIGINT" ? "Ctrl-C" : sig}: starting nothing new; running sessions keep working (again to leave at once)`);
		controller.abort();
	};
	const before = ["SIGINT", "SIGTERM"].map((sig) => [sig, process.listeners(sig)]);
	for (const [sig, listeners] of before) {
		for (const l of listeners) process.off(sig, l);
		process.on(sig, handler);
	}
	return {
		signal: controller.signal,
		get received() {
			return received;
		},
		dispose() {
			for (const [sig, listeners] of before) {
				process.off(sig, handler);
				for (const l of listeners) process.on(sig, l);
			}
		}
	};
}
/** Where an interrupted run stands and how to go on. */
function renderInterrupted(report, command) {
	const count = (o) => report.tasks.filter((t) => t.outcome === o).length;
	const parts = [
		`${count("landed")} landed`,
		`${count("running")} still running (their sessions keep working)`,
		`${count("done")} finished, not landed yet`,
		`${count("pending")} not started`
	];
	return [
		"",
		bold("Interrupted: ") + parts.join(", "),
		`To continue, run the same command again: ${command.map(quoteForDisplay).join(" ")}`,
		"It adopts the running sessions, lands what finished, and starts the rest."
	].join("\n");
}
function outcome(o) {
	if (o === "landed" || o === "done") return green(o);
	if (o === "skipped" || o === "running" || o === "pending") return yellow(o);
	return red(o);
}
function renderReport(report) {
	const rows = report.tasks.map((t) => [
		bold(t.name),
		outcome(t.outcome),
		t.durationMs === null ? "-" : formatDuration(t.durationMs),
		t.tokens ? String(t.tokens.input + t.tokens.output + t.tokens.cacheCreation + t.tokens.cacheRead) : "-",
		t.costUsd === null ? "-" : `$${t.costUsd.toFixed(4)}`,
		[t.landedCommit ? t.landedCommit.slice(0, 10) : t.reason ?? "", t.refused ?? ""].filter(Boolean).join("; ")
	]);
	const { totals } = report;
	return [
		"",
		bold("Report"),
		table([
			"TASK",
			"OUTCOME",
			"TIME",
			"TOKENS",
			"COST",
			"COMMIT / REASON"
		], rows),
		"",
		`wall time ${formatDuration(report.wallMs)}, task time ${formatDuration(totals.taskMs)}, parallel speed-up ${totals.speedup === null ? "-" : `${totals.speedup.toFixed(1)}x`}, tokens ${totals.tokens}, cost ${totals.costUsd === null ? "unknown" : `$${totals.costUsd.toFixed(4)}`}`
	].join("\n");
}
export { register };
