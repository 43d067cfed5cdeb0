import { t as BraidError } from "./errors-wmBuLZod.js";
import { t as spawnDetached } from "./detached-BCChmBbT.js";
import { t as isProcessAlive } from "./pid-BJsOpIbp.js";
import { c as releaseLock, i as listLocks, l as selfHolder, u as tryAcquireLock } from "./locks-DgAq5XpH.js";
import { t as braidDir } from "./paths-Dq-5bDtl.js";
import { c as LIVE_STATUSES, n as handleOf, r as paneHint } from "./reach-gipIaIgq.js";
import { a as listTasks, r as getTask } from "./tasks-BaE3DxGI.js";
import { i as saveSamples, n as pruneSamples, o as SUPERVISOR_CHANGES, s as taskChanges } from "./samples-DUNuHTaX.js";
import { t as deliverTypedNotes } from "./deliver-1N5PuNvW.js";
import { c as budgetAction, l as checkBudget, n as clockTicksPerSecond, r as TaskUsageTracker, s as projectPricing, t as CpuSampler } from "./proctree-6mt0DR60.js";
import { s as totalTokens } from "./stream-json-BZ8Yg24g.js";
import { d as gitOk } from "./config-file-CkoDHq_W.js";
import { r as getAgent } from "./registry-BDNpn1UI.js";
import { a as defaultLandHooks, f as refreshTaskStatusReading, l as stopSession, n as processQueue } from "./land-CfEzZRz-.js";
import { a as EventFeed, l as listEvents, o as appendEvent } from "./refusals-DxFGZ0mh.js";
import { t as eventLine } from "./event-lines-D6MbdW8q.js";
import { i as activeEntries } from "./queue-lock-k6y2TCMt.js";
import { n as scanRadar, r as liveTasks } from "./scan-C2dilK1m.js";
import { t as drainHookSpool } from "./hook-spool-z0bemuhX.js";
import { d as readProcessTable } from "./run-CAKlpui-.js";
import path from "node:path";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setTimeout as setTimeout$1 } from "node:timers/promises";
// dist/orchestrate/supervisor/state-file.js
function stateFilePath(commonDir) {
	return path.join(braidDir(commonDir), "supervisor.json");
}
/** Written to a temporary file and renamed, so readers never see half a document. */
function writeState(file, state) {
	const tmp = `${file}.${process.pid}.tmp`;
	try {
		writeFileSync(tmp, `${JSON.stringify(state)}\n`);
		renameSync(tmp, file);
	} catch {}
}
function readState(file) {
	try {
		return JSON.parse(readFileSync(file, "utf8"));
	} catch {
		return null;
	}
}
function removeState(file, pid) {
	if (readState(file)?.pid === pid) rmSync(file, { force: true });
}
// dist/orchestrate/plan/budget-watch.js
/**
* Watches a run's spending: warns once per task at 80 %, stops sessions at 100 % and keeps their work.
* What it does it records as `budget.*` events; whoever shows it reads them from the event feed.
*/
var BudgetWatch = class {
	project;
	budget;
	tracker;
	warned = /* @__PURE__ */ new Set();
	stopped = /* @__PURE__ */ new Map();
	/** Set once the run's own limit is spent: nothing new may start. */
	runSpent = null;
	constructor(project, budget) {
		this.project = project;
		this.budget = budget;
		this.tracker = new TaskUsageTracker({ pricing: projectPricing(project) });
	}
	/** Usage of one task as the progress display shows it. */
	usage(task) {
		const totals = this.tracker.usage(task).totals;
		return {
			tokens: totals ? totalTokens(totals.tokens) : null,
			costUsd: totals?.costUsd ?? null
		};
	}
	/**
	* What any watcher (this run, an earlier one, the supervisor) already did, from the tasks' events:
	* a warning is given once and a stop made once, whoever made it.
	*/
	restore(tasks) {
		for (const task of tasks) {
			const events = listEvents(this.project.store, {
				task: task.name,
				since: task.createdAt,
				kinds: BUDGET_KINDS
			});
			for (const e of events) {
				if (e.kind === "budget.warned") {
					this.warned.add(task.name);
					continue;
				}
				if (!this.stopped.has(task.name) || e.kind === "budget.stopped") this.stopped.set(task.name, `stopped for budget: ${e.data.reason}`);
				if (e.data.wholeRun) this.runSpent ??= e.data.reason;
			}
		}
	}
	async check(tasks) {
		if (!this.budget) return;
		this.restore(tasks);
		for (const task of tasks) if (!this.stopped.has(task.name)) await this.noticeAgentStop(task);
		const spent = new Map(tasks.map((t) => [t.name, this.tracker.usage(t).totals]));
		const runSpentUsd = [...spent.values()].reduce((a, u) => a + (u?.knownCostUsd ?? 0), 0);
		for (const task of tasks) {
			if (this.stopped.has(task.name)) continue;
			const totals = spent.get(task.name);
			const check = checkBudget({
				spentUsd: totals?.knownCostUsd ?? null,
				tokens: totals ? totalTokens(totals.tokens) : null,
				runSpentUsd
			}, this.budget);
			const live = LIVE_STATUSES.includes(task.status);
			const action = budgetAction(check, this.warned.has(task.name), live, this.agentEnforcesTaskUsd(task));
			if (action.kind === "warn") {
				this.warned.add(task.name);
				appendEvent(this.project.store, task.name, "budget.warned", { reason: action.reason });
			} else if (action.kind === "stop") {
				if (action.wholeRun) this.runSpent = action.reason;
				await this.stop(task, action.reason, !!action.wholeRun);
			}
		}
	}
	/** Whether the task's agent was launched with the dollar limit itself (headless Claude Code). */
	agentEnforcesTaskUsd(task) {
		if (task.runtime !== "headless" || this.budget?.task_usd === void 0) return false;
		try {
			const probe = {
				prompt: "",
				worktree: task.worktree,
				settingsPath: null,
				maxBudgetUsd: 1
			};
			return getAgent(task.agent, this.project.config).headless(probe).includes("--max-budget-usd");
		} catch {
			return false;
		}
	}
	/** Headless Claude Code that hit --max-budget-usd ended itself: it counts as stopped for budget. */
	async noticeAgentStop(task) {
		if (task.status !== "failed" || !task.statusDetail?.includes("error_max_budget_usd")) return;
		const limit = this.budget?.task_usd;
		const reason = `the agent stopped at its --max-budget-usd limit${limit === void 0 ? "" : ` of $${limit.toFixed(2)}`} (error_max_budget_usd)`;
		this.stopped.set(task.name, `stopped for budget: ${reason}`);
		const committed = await keepWork(task);
		appendEvent(this.project.store, task.name, "budget.stopped", {
			reason,
			committed,
			byAgent: true,
			worktree: task.worktree
		});
	}
	async stop(task, reason, wholeRun) {
		this.stopped.set(task.name, `stopped for budget: ${reason}`);
		appendEvent(this.project.store, task.name, "budget.stopping", {
			reason,
			wholeRun
		});
		await stopSession(this.project, task);
		const committed = await keepWork(task);
		const after = getTask(this.project.store, task.name);
		appendEvent(this.project.store, task.name, "budget.stopped", {
			reason,
			committed,
			wholeRun,
			...after ? { worktree: after.worktree } : {}
		});
	}
};
const BUDGET_KINDS = [
	"budget.warned",
	"budget.stopping",
	"budget.stopped"
];
/** Commits what the agent left uncommitted, so the branch holds all of its work. */
async function keepWork(task) {
	const cwd = task.worktree;
	if (!await gitOk(["add", "-A"], { cwd })) return false;
	if (await gitOk([
		"diff",
		"--cached",
		"--quiet"
	], { cwd })) return false;
	return gitOk([
		"commit",
		"-q",
		"--no-verify",
		"-m",
		"braid: work in progress (stopped for budget)"
	], { cwd });
}
// dist/orchestrate/supervisor/budget-loop.js
/**
* Budgets for every live session, not only while `braid run` is in the foreground: `braid new`
* sessions and those a Ctrl-C'd run left running get the same 80 % warning and 100 % stop
* (recorded as `budget.*` events, which the event relay writes to the log).
*/
var BudgetLoop = class {
	project;
	/** One watch per run (its tasks share run_usd); a task outside any run is a run of its own. */
	watches = /* @__PURE__ */ new Map();
	constructor(project) {
		this.project = project;
	}
	async pass() {
		const groups = /* @__PURE__ */ new Map();
		for (const task of listTasks(this.project.store)) {
			const key = task.runId ?? `task:${task.name}`;
			groups.set(key, [...groups.get(key) ?? [], task]);
		}
		for (const [key, tasks] of groups) {
			if (!tasks.some((t) => LIVE_STATUSES.includes(t.status))) continue;
			const budget = this.budgetOf(tasks);
			if (!budget) continue;
			const id = `${key} ${JSON.stringify(budget)}`;
			let watch = this.watches.get(id);
			if (!watch) {
				watch = new BudgetWatch(this.project, budget);
				this.watches.set(id, watch);
			}
			await watch.check(tasks);
		}
		for (const id of this.watches.keys()) if (!groups.has(id.slice(0, id.indexOf(" ")))) this.watches.delete(id);
	}
	/** The budget a run's tasks were started with (braid.yaml merged with the plan's), else braid.yaml's. */
	budgetOf(tasks) {
		return tasks.map((t) => t.options.budget).find((b) => b) ?? this.project.config.budget;
	}
};
// dist/orchestrate/supervisor/event-log.js
function eventLogPath(commonDir) {
	return path.join(braidDir(commonDir), "events.jsonl");
}
/**
* Appends events to the JSONL log. One write per line with O_APPEND, so lines from several
* processes never interleave (they stay well under the pipe-buffer size).
*/
var EventLog = class {
	file;
	constructor(file) {
		this.file = file;
		mkdirSync(path.dirname(file), { recursive: true });
	}
	append(event) {
		const line = `${JSON.stringify({
			at: (/* @__PURE__ */ new Date()).toISOString(),
			...event
		})}\n`;
		try {
			appendFileSync(this.file, line);
		} catch {}
	}
};
// dist/orchestrate/supervisor/event-relay.js
/** The feed's name in the store. */
const FEED = "supervisor-log";
/** Read per pass at most; the rest waits for the next pass. */
const BATCH = 500;
/**
* The JSONL log subscribes to the event union: every event, once and in order (a supervisor goes on
* where the previous one stopped), but for each hook and status change (the reconciler logs those).
*/
var EventRelay = class {
	project;
	log;
	feed = null;
	constructor(project, log) {
		this.project = project;
		this.log = log;
		this.open();
	}
	open() {
		try {
			this.feed ??= new EventFeed(this.project.store, { name: FEED });
		} catch {}
		return this.feed;
	}
	pass() {
		const feed = this.open();
		if (!feed) return;
		try {
			const events = feed.next({ limit: BATCH });
			for (const e of events) {
				if (e.kind === "hook.received" || e.kind === "status.changed") continue;
				const line = eventLine(e);
				this.log.append({
					kind: e.kind,
					id: e.id,
					task: e.task,
					data: e.data,
					line
				});
				if (e.kind.startsWith("budget.") && line) this.log.append({
					kind: "budget",
					message: line
				});
			}
			feed.save();
		} catch {}
	}
};
// dist/orchestrate/supervisor/loop.js
/** Runs `spec` until `signal` aborts; errors are reported and the loop carries on. */
async function runLoop(spec, state, signal, onError, onRan) {
	while (!signal.aborted) {
		const began = Date.now();
		try {
			await spec.run();
			state.lastError = null;
		} catch (err) {
			state.lastError = err.message ?? String(err);
			onError(spec.name, err);
		}
		state.runs += 1;
		state.lastRunAt = began;
		state.lastDurationMs = Date.now() - began;
		onRan();
		try {
			await setTimeout$1(spec.intervalMs, void 0, { signal });
		} catch {
			return;
		}
	}
}
function initialLoopState(spec) {
	return {
		name: spec.name,
		intervalMs: spec.intervalMs,
		runs: 0,
		lastRunAt: null,
		lastDurationMs: null,
		lastError: null
	};
}
// dist/orchestrate/supervisor/options.js
/** Modest defaults: status comes from hooks first, so the loops only catch what hooks miss. */
const DEFAULT_TIMINGS = {
	reconcileMs: 3e3,
	usageMs: 1e4,
	radarMs: 6e4,
	queueMs: 3e3,
	budgetMs: 5e3,
	notesMs: 3e3,
	graceMs: 3e4
};
const ENV = {
	reconcileMs: "BRAID_SUPERVISOR_RECONCILE_MS",
	usageMs: "BRAID_SUPERVISOR_USAGE_MS",
	radarMs: "BRAID_SUPERVISOR_RADAR_MS",
	queueMs: "BRAID_SUPERVISOR_QUEUE_MS",
	budgetMs: "BRAID_SUPERVISOR_BUDGET_MS",
	notesMs: "BRAID_SUPERVISOR_NOTES_MS",
	graceMs: "BRAID_SUPERVISOR_GRACE_MS"
};
/** The defaults, each overridable by its environment variable (tests and benchmarks shorten them). */
function timingsFromEnv(env = process.env) {
	const out = { ...DEFAULT_TIMINGS };
	for (const key of Object.keys(ENV)) {
		const n = Number(env[ENV[key]]);
		if (env[ENV[key]] && Number.isFinite(n) && n >= 0) out[key] = n;
	}
	return out;
}
// dist/orchestrate/supervisor/queue-loop.js
/** Entries handed back to their agent are re-checked this often (their branch may have a fix). */
const WAITING_AGENT_CHECK_MS = 3e4;
/** The landing queue: processed under the queue lock, only when something is queued. */
var QueueLoop = class {
	project;
	log;
	lastWaitingCheck = 0;
	constructor(project, log) {
		this.project = project;
		this.log = log;
	}
	/** True when the queue still has work (keeps the supervisor alive). */
	hasWork() {
		return activeEntries(this.project.store).length > 0;
	}
	async pass() {
		const entries = activeEntries(this.project.store);
		const ready = entries.some((e) => e.state !== "waiting_agent");
		const waiting = entries.some((e) => e.state === "waiting_agent");
		const now = Date.now();
		if (!ready && !(waiting && now - this.lastWaitingCheck >= WAITING_AGENT_CHECK_MS)) return;
		if (waiting) this.lastWaitingCheck = now;
		const ctx = {
			repo: this.project.repo,
			config: this.project.config,
			store: this.project.store,
			...defaultLandHooks(this.project)
		};
		const res = await processQueue(ctx);
		if (!res.ran || res.outcomes.length === 0) return;
		this.log.append({
			kind: "queue.processed",
			landed: res.outcomes.filter((o) => o.state === "landed").map((o) => o.task),
			rejected: res.outcomes.filter((o) => o.state !== "landed").map((o) => o.task)
		});
	}
};
// dist/orchestrate/supervisor/radar-loop.js
/** Radar snapshots on a timer (edit hooks re-scan their own task; this catches everything else). */
var RadarLoop = class {
	project;
	log;
	lastSignature = null;
	constructor(project, log) {
		this.project = project;
		this.log = log;
	}
	async pass() {
		if (liveTasks(this.project.store).length === 0) return;
		const report = await scanRadar(this.project);
		const key = (f) => `${f.a}|${f.b}|${f.kind}|${f.files.join(",")}`;
		const signature = [...report.pairs, ...report.vsMain].map(key).sort().join("\n");
		if (signature !== this.lastSignature) {
			if (this.lastSignature !== null || signature !== "") this.log.append({
				kind: "radar.changed",
				pairs: report.pairs.length,
				vsBase: report.vsMain.length
			});
			this.lastSignature = signature;
		}
	}
};
// dist/orchestrate/supervisor/reconcile.js
/** Every this many passes, even sessions whose process looks alive are asked their runtime (a cheap pid check misses little). */
const FULL_SWEEP_EVERY = 15;
/**
* Status reconciliation: the process source of status for every live task, plus a JSONL line for
* every status change anyone made (hooks, commands, this loop) since the previous pass.
*/
const CODELESS_READS = 5;
var Reconciler = class {
	project;
	log;
	seen = /* @__PURE__ */ new Map();
	passes = 0;
	/** Tasks ended by hook whose process is gone without an exit code: read once, not every pass. */
	codeless = /* @__PURE__ */ new Set();
	/** Passes that found a hook-ended session over but its code not yet written (tmux records it a moment later). */
	codelessReads = /* @__PURE__ */ new Map();
	constructor(project, log) {
		this.project = project;
		this.log = log;
	}
	async pass() {
		const full = this.passes++ % FULL_SWEEP_EVERY === 0;
		drainHookSpool(this.project.store, this.project.repo.commonDir);
		const before = listTasks(this.project.store);
		if (this.passes === 1) for (const t of before) this.seen.set(t.name, t.status);
		const due = before.filter((t) => this.needsRuntimeCheck(t, full));
		const hint = await paneHint(due);
		for (const task of due) {
			const fresh = endedByHookWithoutCode(task) ? {} : hint;
			const { task: after, runtimeSaidEnded } = await refreshTaskStatusReading(this.project, task.name, Date.now(), fresh);
			if (after && runtimeSaidEnded && endedByHookWithoutCode(after)) {
				const reads = (this.codelessReads.get(task.name) ?? 0) + 1;
				this.codelessReads.set(task.name, reads);
				if (reads >= CODELESS_READS) this.codeless.add(task.name);
			}
			if (after && (after.status !== task.status || after.exitCode !== task.exitCode)) this.log.append({
				kind: "reconciled",
				task: task.name,
				status: after.status,
				exitCode: after.exitCode
			});
		}
		const tasks = listTasks(this.project.store);
		this.recordChanges(tasks);
		return tasks;
	}
	/**
	* A tmux session whose pane process still runs needs no tmux call, unless its status comes from its
	* screen (read every pass) or a hook ended it and the exit code is still to be read; headless checks are file reads.
	*/
	needsRuntimeCheck(task, full) {
		const handle = handleOf(task);
		if (!handle) return false;
		if (endedByHookWithoutCode(task)) {
			if (isProcessAlive(handle.pid, handle.pidStart)) return false;
			return !this.codeless.has(task.name);
		}
		if (!LIVE_STATUSES.includes(task.status)) return false;
		if (full || handle.runtime === "headless" || this.watchesScreen(task)) return true;
		return !isProcessAlive(handle.pid, handle.pidStart);
	}
	watchesScreen(task) {
		try {
			return getAgent(task.agent, this.project.config).statusMode === "screen";
		} catch {
			return false;
		}
	}
	recordChanges(tasks) {
		const names = /* @__PURE__ */ new Set();
		for (const t of tasks) {
			names.add(t.name);
			const before = this.seen.get(t.name) ?? null;
			if (before !== t.status) this.log.append({
				kind: "status",
				task: t.name,
				from: before,
				to: t.status,
				source: t.statusSource
			});
			this.seen.set(t.name, t.status);
		}
		for (const name of [...this.seen.keys()]) if (!names.has(name)) this.seen.delete(name);
	}
};
/** SessionEnd arrives before the process is gone: refreshed until the runtime knows the exit code. */
function endedByHookWithoutCode(task) {
	return (task.status === "exited" || task.status === "failed") && task.statusSource === "hook" && task.exitCode === null;
}
// dist/orchestrate/supervisor/usage-loop.js
/**
* Usage sampling: RSS and CPU of each live session's process tree and its tokens and cost, stored
* per task. A finished task gets one last sample (its final tokens) and is then left alone.
*/
var UsageLoop = class {
	project;
	cpu = null;
	tracker;
	finished = /* @__PURE__ */ new Set();
	constructor(project, env = process.env) {
		this.project = project;
		this.tracker = new TaskUsageTracker({
			env,
			pricing: projectPricing(project, env)
		});
	}
	async pass() {
		this.cpu ??= new CpuSampler(await clockTicksPerSecond());
		const tasks = listTasks(this.project.store);
		const due = tasks.filter((t) => this.isDue(t));
		const running = due.filter((t) => t.pid && isProcessAlive(t.pid));
		const table = running.length > 0 ? readProcessTable() : void 0;
		const now = Date.now();
		const samples = due.map((t) => {
			const r = running.includes(t) ? this.cpu.sample(t.pid, table) : null;
			if (!r && t.pid) this.cpu.forget(t.pid);
			const u = this.tracker.usage(t).totals;
			return {
				task: t.name,
				at: now,
				rssBytes: r?.rssBytes ?? null,
				cpuPercent: r?.cpuPercent ?? null,
				processes: r?.pids.length ?? 0,
				tokens: u?.tokens ?? null,
				costUsd: u?.costUsd ?? null
			};
		});
		const db = this.project.store;
		if (samples.length > 0) saveSamples(db, samples);
		pruneSamples(db, tasks.map((t) => t.name));
		for (const t of due) if (!LIVE_STATUSES.includes(t.status)) this.finished.add(t.name);
		for (const name of this.finished) if (!tasks.some((t) => t.name === name)) this.forget(name);
		return samples;
	}
	/** Live tasks every pass; others once after they stop, and again if they come back. */
	isDue(task) {
		if (LIVE_STATUSES.includes(task.status)) {
			this.finished.delete(task.name);
			return true;
		}
		return !this.finished.has(task.name) && task.status !== "provisioning";
	}
	forget(name) {
		this.finished.delete(name);
		this.tracker.forget(name);
	}
};
// dist/orchestrate/supervisor/supervisor.js
const SUPERVISOR_LOCK = "supervisor";
/** Statuses that keep the supervisor around: a session may run, or work is on its way to main. */
const KEEPS_ALIVE = [
	...LIVE_STATUSES,
	"provisioning",
	"queued",
	"landing"
];
/**
* Runs the supervisor of one repository in this process until no task is live for the grace
* period, the signal aborts, or another process took the lock. Throws E_LOCKED when one already runs.
*/
async function runSupervisor(project, options = {}) {
	const timings = {
		...DEFAULT_TIMINGS,
		...options.timings
	};
	const { store, repo } = project;
	const me = selfHolder("braid supervisor");
	const got = tryAcquireLock(store, SUPERVISOR_LOCK, me);
	if (!got.acquired) throw new BraidError("E_LOCKED", `a supervisor already runs for this repository (pid ${got.holder.pid})`, "Stop it with braid down.");
	const log = new EventLog(eventLogPath(repo.commonDir));
	const stateFile = stateFilePath(repo.commonDir);
	const stop = new AbortController();
	let reason = "signal";
	const finish = (why) => {
		if (stop.signal.aborted) return;
		reason = why;
		stop.abort();
	};
	options.signal?.addEventListener("abort", () => finish("signal"), { once: true });
	const onSignal = () => finish("signal");
	if (options.handleSignals) for (const s of [
		"SIGTERM",
		"SIGINT",
		"SIGHUP"
	]) process.on(s, onSignal);
	const reconciler = new Reconciler(project, log);
	const queue = new QueueLoop(project, log);
	const usage = new UsageLoop(project, options.env);
	const radar = new RadarLoop(project, log);
	const budget = new BudgetLoop(project);
	const relay = new EventRelay(project, log);
	let idleSince = null;
	const keepAlive = () => {
		if (!existsSync(repo.commonDir)) return finish("repo-gone");
		let busy = false;
		try {
			const row = listLocks(store).find((l) => l.name === SUPERVISOR_LOCK);
			if (!row || row.pid !== me.pid || row.pidStart !== me.pidStart) return finish("lost-lock");
			busy = listTasks(store).some((t) => KEEPS_ALIVE.includes(t.status)) || queue.hasWork();
		} catch {}
		idleSince = busy ? null : idleSince ?? Date.now();
		if (idleSince !== null && Date.now() - idleSince >= timings.graceMs) finish("idle");
	};
	const specs = [
		{
			name: "reconcile",
			intervalMs: timings.reconcileMs,
			run: async () => {
				try {
					await reconciler.pass();
				} finally {
					relay.pass();
					keepAlive();
				}
			}
		},
		{
			name: "usage",
			intervalMs: timings.usageMs,
			run: async () => void await usage.pass()
		},
		{
			name: "changes",
			intervalMs: timings.usageMs,
			run: async () => void await taskChanges(store, repo.root, listTasks(store), SUPERVISOR_CHANGES)
		},
		{
			name: "radar",
			intervalMs: timings.radarMs,
			run: () => radar.pass()
		},
		{
			name: "queue",
			intervalMs: timings.queueMs,
			run: () => queue.pass()
		},
		{
			name: "budget",
			intervalMs: timings.budgetMs,
			run: () => budget.pass()
		},
		{
			name: "notes",
			intervalMs: timings.notesMs,
			run: async () => {
				const tasks = await deliverTypedNotes(project);
				if (tasks.length) log.append({
					kind: "notes.typed",
					tasks
				});
			}
		}
	];
	const state = {
		pid: process.pid,
		startedAt: Date.now(),
		loops: specs.map(initialLoopState),
		idleSince: null
	};
	const publish = () => {
		state.idleSince = idleSince;
		if (!stop.signal.aborted) writeState(stateFile, state);
	};
	publish();
	log.append({
		kind: "supervisor.started",
		pid: process.pid,
		loops: specs.map((s) => s.name)
	});
	const onError = (loop, err) => log.append({
		kind: "loop.error",
		loop,
		message: err.message ?? String(err)
	});
	try {
		await Promise.all(specs.map((spec, i) => runLoop(spec, state.loops[i], stop.signal, onError, publish)));
	} finally {
		if (options.handleSignals) for (const s of [
			"SIGTERM",
			"SIGINT",
			"SIGHUP"
		]) process.off(s, onSignal);
		removeState(stateFile, process.pid);
		if (reason !== "lost-lock" && reason !== "repo-gone") releaseLock(store, SUPERVISOR_LOCK, me);
		log.append({
			kind: "supervisor.stopped",
			pid: process.pid,
			reason
		});
	}
	return reason;
}
// dist/orchestrate/supervisor/control.js
/** The live supervisor holding the repository's lock, or null. */
function supervisorHolder(project) {
	const row = listLocks(project.store).find((l) => l.name === SUPERVISOR_LOCK);
	return row && isProcessAlive(row.pid, row.pidStart) ? row : null;
}
function supervisorStatus(project) {
	const holder = supervisorHolder(project);
	if (!holder) return {
		running: false,
		pid: null,
		startedAt: null,
		loops: [],
		idleSince: null
	};
	const state = readState(stateFilePath(project.repo.commonDir));
	const mine = state?.pid === holder.pid ? state : null;
	return {
		running: true,
		pid: holder.pid,
		startedAt: mine?.startedAt ?? holder.acquiredAt,
		loops: mine?.loops ?? [],
		idleSince: mine?.idleSince ?? null
	};
}
/** The light entry point (no CLI, no web server) that a detached supervisor runs. */
function supervisorMain() {
	return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "main.js");
}
/** Starts a detached supervisor unless one runs; with `wait`, until it holds the lock. */
async function startSupervisor(project, options = {}) {
	const running = supervisorHolder(project);
	if (running) return {
		pid: running.pid,
		started: false
	};
	const pid = await spawnDetached(process.execPath, [
		"--max-semi-space-size=1",
		supervisorMain(),
		project.repo.root
	], {
		cwd: project.repo.root,
		env: options.env ?? process.env
	});
	if (!options.wait) return {
		pid,
		started: true
	};
	const deadline = Date.now() + 15e3;
	let heldAt = 0;
	for (;;) {
		const holder = supervisorHolder(project);
		const published = () => readState(stateFilePath(project.repo.commonDir))?.pid === pid;
		if (holder && !heldAt) heldAt = Date.now();
		if (holder && (holder.pid !== pid || published() || Date.now() - heldAt > 2e3)) return {
			pid: holder.pid,
			started: holder.pid === pid
		};
		if (!isProcessAlive(pid)) throw new BraidError("E_PROCESS", "the supervisor exited right after starting", "Run braid up --foreground to see why.");
		if (Date.now() > deadline) throw new BraidError("E_TIMEOUT", "the supervisor did not start within 15 s", "Run braid up --foreground to see why.");
		await new Promise((r) => setTimeout(r, 50));
	}
}
/**
* What `braid new` and `braid run` call: a supervisor for this repository, started if absent.
* BRAID_NO_SUPERVISOR=1 turns it off (tests of other parts; users who prefer `braid up` by hand).
*/
async function ensureSupervisor(project, env = process.env) {
	if (env.BRAID_NO_SUPERVISOR === "1") return null;
	try {
		return await startSupervisor(project, { env });
	} catch {
		return null;
	}
}
/** SIGTERM, wait for it to let go, SIGKILL after `graceMs`. Sessions are never touched. */
async function stopSupervisor(project, graceMs = 1e4) {
	const holder = supervisorHolder(project);
	if (!holder) return {
		pid: null,
		forced: false
	};
	const signal = (sig) => {
		try {
			process.kill(holder.pid, sig);
		} catch {}
	};
	const gone = () => !isProcessAlive(holder.pid, holder.pidStart);
	signal("SIGTERM");
	const deadline = Date.now() + graceMs;
	while (!gone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
	if (gone()) return {
		pid: holder.pid,
		forced: false
	};
	signal("SIGKILL");
	while (!gone()) await new Promise((r) => setTimeout(r, 50));
	return {
		pid: holder.pid,
		forced: true
	};
}
export { runSupervisor as a, supervisorStatus as i, startSupervisor as n, timingsFromEnv as o, stopSupervisor as r, BudgetWatch as s, ensureSupervisor as t };
