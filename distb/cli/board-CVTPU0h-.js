import { u as recentEvents } from "./refusals-DxFGZ0mh.js";
import { d as baseSide } from "./radar-kZDxUEuD.js";
import { a as listTasks, r as getTask } from "./tasks-BaE3DxGI.js";
import { n as setupLogPath } from "./paths-Dq-5bDtl.js";
import { a as entryCost, d as DEFAULT_PRICING, s as totalTokens } from "./stream-json-BZ8Yg24g.js";
import { c as listQueue, i as activeEntries, u as ACTIVE_QUEUE_STATES } from "./queue-lock-k6y2TCMt.js";
import { r as sampleHistory, t as latestSamples } from "./samples-DUNuHTaX.js";
import { a as transcriptFilesForTask, i as recordedTranscripts, o as UsageReader, s as projectPricing } from "./proctree-6mt0DR60.js";
import { n as scanRadar, r as liveTasks, t as cachedReport } from "./scan-C2dilK1m.js";
import { t as taskDiff } from "./task-diff-BbBPvigK.js";
import { t as taskViews } from "./task-view-NTULXZdR.js";
import path from "node:path";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
// dist/view/task-detail.js
/** One task up close: its diff against where it forked and the end of its session's log. */
const MAX_DIFF = 4e5;
const MAX_LOG = 64e3;
/** The last `max` bytes of a file, or '' when it does not exist. */
function tail(file, max) {
	if (!existsSync(file)) return "";
	const size = statSync(file).size;
	const start = Math.max(0, size - max);
	const buf = Buffer.alloc(size - start);
	const fd = openSync(file, "r");
	try {
		readSync(fd, buf, 0, buf.length, start);
	} finally {
		closeSync(fd);
	}
	return buf.toString("utf8");
}
async function taskDetail(project, name) {
	const task = getTask(project.store, name);
	if (!task) return null;
	const diff = existsSync(task.worktree) ? await taskDiff(project.repo.root, task).catch((err) => `(diff unavailable: ${err.message})`) : "";
	const setupLog = setupLogPath(project.repo.commonDir, name);
	const logPath = task.logPath ?? (existsSync(setupLog) ? setupLog : null);
	return {
		name,
		diff: diff.length > MAX_DIFF ? diff.slice(0, MAX_DIFF) : diff,
		diffTruncated: diff.length > MAX_DIFF,
		log: logPath ? tail(path.resolve(logPath), MAX_LOG) : "",
		logPath
	};
}
// dist/view/queue-view.js
/** The merge queue as the faces show it. */
/** Entries the dashboards keep in view: the newest, and every one with work ahead of it. */
const SHOWN = 200;
/** The newest entries and every active one, oldest first. */
function queueView(store) {
	const byId = /* @__PURE__ */ new Map();
	for (const e of [...activeEntries(store), ...listQueue(store, SHOWN)]) byId.set(e.id, e);
	return [...byId.values()].sort((a, b) => a.id - b.id);
}
/** The short queue of the terminal dashboard: the last few finished entries, then every active one. */
function recentQueue(entries) {
	const active = entries.filter((e) => ACTIVE_QUEUE_STATES.includes(e.state));
	return [...entries.filter((e) => !ACTIVE_QUEUE_STATES.includes(e.state)).slice(-3), ...active];
}
// dist/view/radar-view.js
/** The conflict radar as the faces show it: a scan now and then, the stored findings in between. */
/**
* Scans (git merge-tree per changed pair) at most every `everyMs`; in between, reads what the edit
* hooks' rescans and the supervisor's radar loop stored, so a new finding shows without waiting.
*/
var RadarWatch = class {
	project;
	everyMs;
	scannedAt = 0;
	last = {
		report: null,
		error: null
	};
	constructor(project, everyMs) {
		this.project = project;
		this.everyMs = everyMs;
	}
	async current() {
		if (Date.now() - this.scannedAt >= this.everyMs) {
			this.scannedAt = Date.now();
			try {
				this.last = {
					report: await scanRadar(this.project),
					error: null
				};
			} catch (err) {
				this.last = {
					report: this.last.report,
					error: err.message
				};
			}
			return this.last;
		}
		const prev = this.last.report;
		if (!prev) return this.last;
		const tasks = liveTasks(this.project.store).map((t) => t.name);
		const report = cachedReport(this.project.store, prev.base, tasks, [...tasks, baseSide(prev.base)]);
		this.last = {
			report,
			error: this.last.error
		};
		return this.last;
	}
};
/** Every finding as a pair of sides (the base branch as its side, `@main`): what a task row's warning reads. */
function radarFindings(report) {
	if (!report) return [];
	return [...report.pairs, ...report.vsMain.map((f) => ({
		...f,
		b: baseSide(f.b)
	}))];
}
// dist/view/usage-series.js
/** Keeps the chart light: at most this many points per task (the last one always kept). */
const MAX_POINTS = 240;
/** Cumulative sums of entries in time order, thinned to `max` points. */
function cumulativePoints(entries, pricing, max = MAX_POINTS) {
	const sorted = [...entries].sort((a, b) => a.timestamp - b.timestamp);
	const points = [];
	let tokens = 0;
	let costUsd = 0;
	for (const e of sorted) {
		tokens += totalTokens(e.tokens);
		costUsd += entryCost(e, pricing) ?? 0;
		points.push({
			at: e.timestamp,
			tokens,
			costUsd
		});
	}
	return thin(points, max);
}
/** At most `max` points, evenly spread, the last one always kept. */
function thin(points, max) {
	if (points.length <= max) return points;
	const step = points.length / max;
	const thin = [];
	for (let i = 0; i < max - 1; i++) thin.push(points[Math.floor(i * step)]);
	thin.push(points[points.length - 1]);
	return thin;
}
/**
* A task's cumulative usage as the supervisor stored it (a history row a minute, then its latest sample).
* Samples with unknown tokens are no point: unknown is never charted as zero.
*/
function storedPoints(store, task, since, latest) {
	const rows = sampleHistory(store, task, since);
	if (latest && latest.at >= since && (!rows.length || latest.at > rows[rows.length - 1].at)) rows.push(latest);
	const points = [];
	let costUsd = 0;
	for (const r of rows) {
		if (!r.tokens) continue;
		costUsd = r.costUsd ?? costUsd;
		points.push({
			at: r.at,
			tokens: totalTokens(r.tokens),
			costUsd
		});
	}
	return thin(points, MAX_POINTS);
}
/** One incremental transcript reader per task, so each refresh reads only what the agents appended. */
var TranscriptSeries = class {
	pricing;
	env;
	readers = /* @__PURE__ */ new Map();
	constructor(pricing = DEFAULT_PRICING, env = process.env) {
		this.pricing = pricing;
		this.env = env;
	}
	seriesOf(tasks) {
		const out = [];
		const names = new Set(tasks.map((t) => t.name));
		for (const key of [...this.readers.keys()]) if (!names.has(key.split("\0")[0])) this.readers.delete(key);
		for (const task of tasks) {
			let points = [];
			try {
				points = cumulativePoints(this.readerFor(task).entries(), this.pricing);
			} catch {
				points = [];
			}
			if (points.length) out.push({
				task: task.name,
				source: "transcript",
				points
			});
		}
		return out;
	}
	readerFor(task) {
		const key = `${task.name}\0${task.createdAt}\0${recordedTranscripts(task).join("\0")}`;
		let reader = this.readers.get(key);
		if (!reader) {
			reader = new UsageReader(() => transcriptFilesForTask(task, this.env), this.pricing);
			this.readers.set(key, reader);
		}
		return reader;
	}
};
// dist/view/usage-charts.js
/** The dashboard's usage charts: one series per task, from the best source there is for it. */
const MAX_SEEN = 5e3;
/**
* Transcript timelines where the agent writes them; else the supervisor's stored samples; else the
* totals this reader saw change between its snapshots.
*/
var UsageCharts = class {
	project;
	transcripts;
	seen = [];
	latest = /* @__PURE__ */ new Map();
	constructor(project) {
		this.project = project;
		this.transcripts = new TranscriptSeries(projectPricing(project));
	}
	/** Records the rows' totals, then the series of every shown task. */
	series(rows, at) {
		this.record(rows, at);
		const { store } = this.project;
		const tasks = listTasks(store);
		const fromTranscripts = this.transcripts.seriesOf(tasks);
		const covered = new Set(fromTranscripts.map((s) => s.task));
		const shown = new Set(rows.map((t) => t.name));
		const latest = latestSamples(store);
		const out = [];
		for (const task of tasks) {
			if (covered.has(task.name) || !shown.has(task.name)) continue;
			const stored = storedPoints(store, task.name, task.createdAt, latest.get(task.name));
			const points = stored.length ? stored : this.seen.filter((s) => s.task === task.name).map((s) => ({
				at: s.at,
				tokens: s.tokens,
				costUsd: s.costUsd
			}));
			if (!points.some((p) => p.tokens > 0)) continue;
			out.push({
				task: task.name,
				source: stored.length ? "history" : "sampled",
				points
			});
		}
		return [...fromTranscripts, ...out];
	}
	record(rows, at) {
		for (const t of rows) {
			const tokens = t.tokens ? t.tokens.input + t.tokens.output + t.tokens.cacheCreation + t.tokens.cacheRead : 0;
			const costUsd = t.costUsd ?? 0;
			const prev = this.latest.get(t.name);
			if (prev && prev.tokens === tokens && prev.costUsd === costUsd) continue;
			const total = {
				at,
				task: t.name,
				tokens,
				costUsd
			};
			this.seen.push(total);
			this.latest.set(t.name, total);
		}
		if (this.seen.length > MAX_SEEN) this.seen.splice(0, this.seen.length - MAX_SEEN);
	}
};
// dist/view/board.js
/** One per face: it keeps what spans snapshots (when the radar last scanned, transcript readers). */
var ReadModel = class {
	project;
	radar;
	charts;
	eventCount;
	constructor(project, options = {}) {
		this.project = project;
		this.radar = new RadarWatch(project, options.radarEveryMs ?? 1e4);
		this.charts = options.series ? new UsageCharts(project) : null;
		this.eventCount = options.events ?? 100;
	}
	async snapshot() {
		const { store } = this.project;
		const tasks = await taskViews(this.project);
		const radar = await this.radar.current();
		const at = Date.now();
		return {
			at,
			repo: this.project.repo.root,
			tasks,
			queue: queueView(store),
			radar: radar.report,
			radarError: radar.error,
			events: this.eventCount > 0 ? recentEvents(store, this.eventCount) : [],
			series: this.charts?.series(tasks, at) ?? []
		};
	}
};
export { taskDetail as i, radarFindings as n, recentQueue as r, ReadModel as t };
