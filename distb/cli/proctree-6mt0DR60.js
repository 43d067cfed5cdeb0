import { t as BraidError } from "./errors-wmBuLZod.js";
import { d as readProcessTable, l as processTree, p as rssBytesOf, r as run } from "./run-CAKlpui-.js";
import { r as claudeConfigDir } from "./git-paths-CQVZgD_Z.js";
import { c as totalsByDay, d as DEFAULT_PRICING, f as mergePricing, l as totalsOf, n as parseStreamJsonLog, o as parseUsageLine, r as UsageLedger, t as parseCodexJsonLog, u as parsePricingOverride } from "./stream-json-BZ8Yg24g.js";
import path from "node:path";
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync } from "node:fs";
// dist/core/budget.js
const WARN_RATIO = .8;
/** How far past its dollar limit an agent that enforces the limit itself may go before braid stops it. */
const AGENT_GRACE_RATIO = 1.25;
const RANK = {
	ok: 0,
	warn: 1,
	exceeded: 2
};
const usd = (n) => `$${n.toFixed(2)}`;
const tok = (n) => n.toLocaleString("en-US");
/** Compares what was spent with every configured limit and reports the worst one. */
function checkBudget(spent, budget, warnRatio = WARN_RATIO) {
	const checks = [
		{
			used: spent.spentUsd,
			limit: budget?.task_usd,
			what: "task spent",
			fmt: usd
		},
		{
			used: spent.tokens,
			limit: budget?.task_tokens,
			what: "task used",
			fmt: (n) => `${tok(n)} tokens`
		},
		{
			used: spent.runSpentUsd,
			limit: budget?.run_usd,
			what: "run spent",
			fmt: usd
		}
	];
	let worst = {
		level: "ok",
		reason: "",
		ratio: null
	};
	for (const c of checks) {
		if (c.limit === void 0 || c.limit <= 0 || c.used === null || c.used === void 0) continue;
		const ratio = c.used / c.limit;
		const level = ratio >= 1 ? "exceeded" : ratio >= warnRatio ? "warn" : "ok";
		const pct = Math.floor(ratio * 100);
		const reason = level === "ok" ? "" : `${c.what} ${c.fmt(c.used)} of ${c.fmt(c.limit)} (${pct} %)`;
		if (RANK[level] > RANK[worst.level] || level === worst.level && ratio > (worst.ratio ?? -1)) worst = {
			level,
			reason,
			ratio
		};
	}
	return worst;
}
/** The plan's budget overrides braid.yaml's, limit by limit. */
function mergeBudgets(config, plan) {
	const merged = { ...config };
	for (const [k, v] of Object.entries(plan ?? {})) if (v !== void 0) merged[k] = v;
	return Object.keys(merged).length ? merged : void 0;
}
/**
* What to do about one task's check: warn once at 80 %, stop a live session at 100 %.
* `wholeRun` says the run's own limit is spent, so every session stops and nothing new starts.
*/
function budgetAction(check, alreadyWarned, live, agentEnforcesTaskUsd = false) {
	const leftToAgent = agentEnforcesTaskUsd && check.reason.startsWith("task spent ") && (check.ratio ?? 0) < AGENT_GRACE_RATIO;
	if (check.level === "exceeded" && live && !leftToAgent) return {
		kind: "stop",
		reason: check.reason,
		wholeRun: check.reason.startsWith("run ")
	};
	if (check.level === "exceeded" && !alreadyWarned) return {
		kind: "warn",
		reason: check.reason
	};
	if (check.level === "warn" && !alreadyWarned) return {
		kind: "warn",
		reason: check.reason
	};
	return { kind: "none" };
}
// dist/project/pricing.js
/** The project's price table: the shipped one, with `pricing:` (or BRAID_PRICING) merged on top. */
function projectPricing(project, env = process.env) {
	return pricingFor(project.repo.root, project.config.pricing, env);
}
/** The shipped price table, with a JSON override file merged on top when one is given. */
function loadPricing(overridePath) {
	if (!overridePath) return mergePricing();
	let text;
	try {
		text = readFileSync(overridePath, "utf8");
	} catch (err) {
		throw new BraidError("E_CONFIG", `cannot read pricing file ${overridePath}: ${err.message}`, "Point the pricing setting at an existing JSON file, or remove it to use the shipped prices.");
	}
	let raw;
	try {
		raw = JSON.parse(text);
	} catch (err) {
		throw new BraidError("E_CONFIG", `${overridePath} is not valid JSON: ${err.message}`, "Fix the JSON syntax.");
	}
	return mergePricing(parsePricingOverride(raw, overridePath));
}
/** Where the price override comes from: BRAID_PRICING wins over `pricing:` in braid.yaml; both resolve against the repo root. */
function pricingFilePath(repoRoot, configured, env = process.env) {
	const chosen = env.BRAID_PRICING || configured;
	return chosen ? path.resolve(repoRoot, chosen) : null;
}
const loaded = /* @__PURE__ */ new Map();
/** The price table a repository uses, re-read only when its override file changes. */
function pricingFor(repoRoot, configured, env = process.env) {
	const file = pricingFilePath(repoRoot, configured, env);
	if (!file) return mergePricing();
	let mtimeMs = -1;
	try {
		mtimeMs = statSync(file).mtimeMs;
	} catch {}
	const hit = loaded.get(file);
	if (hit && hit.mtimeMs === mtimeMs) return hit.table;
	const table = loadPricing(file);
	loaded.set(file, {
		mtimeMs,
		table
	});
	return table;
}
// dist/watch/monitor/transcripts.js
/** Java's String.hashCode, as Claude Code uses to shorten long project folder names. */
function javaHash(s) {
	let h = 0;
	for (let i = 0; i < s.length; i++) h = Math.imul(h, 31) + s.charCodeAt(i) | 0;
	return h;
}
/** Claude Code's project folder name for a working directory (see claude-code-facts.md). */
function encodeProjectDir(absPath) {
	const enc = absPath.replace(/[^a-zA-Z0-9]/g, "-");
	if (enc.length <= 200) return enc;
	return `${enc.slice(0, 200)}-${Math.abs(javaHash(absPath)).toString(36)}`;
}
/** The transcript folder of sessions started in `cwd` (resolved like Claude Code does, when it exists). */
function projectDirFor(cwd, env = process.env) {
	let real = path.resolve(cwd);
	try {
		real = realpathSync(real);
	} catch {}
	return path.join(claudeConfigDir(env), "projects", encodeProjectDir(real));
}
/** Every `.jsonl` below `dir` (subagent transcripts live in `<session>/subagents/`), sorted. */
function jsonlFilesUnder(dir, modifiedSince = 0) {
	const out = [];
	const walk = (d) => {
		let names;
		try {
			names = readdirSync(d, { withFileTypes: true });
		} catch {
			return;
		}
		for (const e of names) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.isFile() && e.name.endsWith(".jsonl") && mtimeOf(p) >= modifiedSince) out.push(p);
		}
	};
	walk(dir);
	return out.sort();
}
function mtimeOf(file) {
	try {
		return statSync(file).mtimeMs;
	} catch {
		return 0;
	}
}
/** The session a transcript file belongs to: `projects/<p>/<session>.jsonl` or `projects/<p>/<session>/…`. */
function sessionIdOfFile(file) {
	const parts = path.resolve(file).split(path.sep);
	const i = parts.lastIndexOf("projects");
	if (i >= 0 && parts.length > i + 3) return parts[i + 2];
	return path.basename(file, ".jsonl");
}
const CHUNK = 1 << 20;
/**
* Reads usage from transcripts incrementally: each call reads only what was appended since the
* last one, so sampling a growing session every few seconds stays cheap. A file that shrank was
* rewritten: everything is read again.
*/
var UsageReader = class {
	pricing;
	ledger = new UsageLedger();
	cursors = /* @__PURE__ */ new Map();
	files;
	listed = 0;
	constructor(files, pricing = DEFAULT_PRICING) {
		this.pricing = pricing;
		this.files = typeof files === "function" ? files : () => files;
	}
	read() {
		this.update();
		return totalsOf(this.ledger.entries(), this.pricing);
	}
	/** The de-duplicated entries read so far (after catching up with the files). */
	entries() {
		this.update();
		return this.ledger.entries();
	}
	/** How many transcript files the last read found (a session may exist before its first reply). */
	get fileCount() {
		return this.listed;
	}
	update() {
		const files = this.files();
		this.listed = files.length;
		for (const file of files) {
			const size = sizeOf(file);
			const cursor = this.cursors.get(file);
			if (size !== null && cursor && size < cursor.offset) {
				this.reset();
				this.update();
				return;
			}
		}
		for (const file of files) this.readFile(file);
	}
	reset() {
		this.ledger = new UsageLedger();
		this.cursors = /* @__PURE__ */ new Map();
	}
	readFile(file) {
		let cursor = this.cursors.get(file);
		if (!cursor) {
			cursor = {
				offset: 0,
				pending: Buffer.alloc(0)
			};
			this.cursors.set(file, cursor);
		}
		let fd;
		try {
			fd = openSync(file, "r");
		} catch {
			return;
		}
		const session = sessionIdOfFile(file);
		try {
			const buf = Buffer.allocUnsafe(CHUNK);
			for (;;) {
				const n = readSync(fd, buf, 0, CHUNK, cursor.offset);
				if (n <= 0) break;
				cursor.offset += n;
				this.consume(cursor, Buffer.concat([cursor.pending, buf.subarray(0, n)]), session);
			}
		} finally {
			closeSync(fd);
		}
		if (cursor.pending.length > 0 && isCompleteJson(cursor.pending)) {
			this.addLine(cursor.pending.toString("utf8"), session);
			cursor.pending = Buffer.alloc(0);
		}
	}
	consume(cursor, data, session) {
		let start = 0;
		for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
			this.addLine(data.toString("utf8", start, nl), session);
			start = nl + 1;
		}
		cursor.pending = Buffer.from(data.subarray(start));
	}
	addLine(line, session) {
		for (const entry of parseUsageLine(line, session)) this.ledger.add(entry);
	}
};
function sizeOf(file) {
	try {
		return statSync(file).size;
	} catch {
		return null;
	}
}
function isCompleteJson(buf) {
	try {
		JSON.parse(buf.toString("utf8"));
		return true;
	} catch {
		return false;
	}
}
// dist/watch/monitor/usage-of-task.js
/** 'YYYY-MM-DD' of a timestamp in the local time zone (TZ), as ccusage groups days. */
function localDay(ms) {
	const d = new Date(ms);
	const pad = (n) => String(n).padStart(2, "0");
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
const CLOCK_SLACK_MS = 6e4;
/**
* The Claude Code transcripts of a task: every transcript its sessions reported (plus those
* sessions' subagent files) when known, else every transcript of its worktree folder written since
* the task began.
*/
function transcriptFilesForTask(task, env = process.env) {
	const recorded = recordedTranscripts(task);
	if (recorded.length > 0) return recorded.flatMap((file) => {
		const sessionDir = path.join(path.dirname(file), path.basename(file, ".jsonl"));
		return [...existsSync(file) ? [file] : [], ...jsonlFilesUnder(sessionDir)];
	});
	return jsonlFilesUnder(projectDirFor(task.worktree, env), task.createdAt - CLOCK_SLACK_MS);
}
/** The task's transcripts, oldest first, the latest one included even when the list predates it. */
function recordedTranscripts(task) {
	const all = [...task.transcriptPaths, ...task.transcriptPath ? [task.transcriptPath] : []];
	return [...new Set(all)];
}
/**
* Usage of tasks, kept between calls so that sampling every few seconds reads only what the
* agents appended since (one UsageReader per task; headless logs re-parsed only when changed).
*/
var TaskUsageTracker = class {
	readers = /* @__PURE__ */ new Map();
	logs = /* @__PURE__ */ new Map();
	env;
	pricing;
	constructor(options = {}) {
		this.env = options.env ?? process.env;
		this.pricing = options.pricing ?? DEFAULT_PRICING;
	}
	usage(task) {
		const reader = this.readerFor(task);
		const entries = reader.entries();
		if (entries.length > 0 || reader.fileCount > 0) return {
			source: "transcript",
			totals: totalsOf(entries, this.pricing),
			byDay: totalsByDay(entries, this.pricing, localDay)
		};
		const log = this.logUsage(task);
		if (log?.usage.reported) {
			const day = localDay(task.updatedAt);
			return {
				source: log.source,
				totals: log.usage.totals,
				byDay: /* @__PURE__ */ new Map([[day, log.usage.totals]])
			};
		}
		return {
			source: "none",
			totals: null,
			byDay: /* @__PURE__ */ new Map()
		};
	}
	forget(taskName) {
		for (const key of [...this.readers.keys()]) if (key.startsWith(`${taskName}\0`)) this.readers.delete(key);
		this.logs.delete(taskName);
	}
	readerFor(task) {
		const key = `${task.name}\0${task.worktree}\0${recordedTranscripts(task).join("\0")}\0${task.createdAt}`;
		let reader = this.readers.get(key);
		if (!reader) {
			this.forget(task.name);
			reader = new UsageReader(() => transcriptFilesForTask(task, this.env), this.pricing);
			this.readers.set(key, reader);
		}
		return reader;
	}
	logUsage(task) {
		if (!task.logPath) return null;
		let st;
		try {
			st = statSync(task.logPath);
		} catch {
			return null;
		}
		let cached = this.logs.get(task.name);
		if (!cached || cached.size !== st.size || cached.mtimeMs !== st.mtimeMs) {
			const text = readFileSync(task.logPath, "utf8");
			const claude = task.agent === "codex" ? null : parseStreamJsonLog(text, this.pricing);
			const source = claude?.reported ? "stream-json" : "codex";
			const usage = claude?.reported ? claude : parseCodexJsonLog(text);
			cached = {
				size: st.size,
				mtimeMs: st.mtimeMs,
				source,
				usage
			};
			this.logs.set(task.name, cached);
		}
		return cached;
	}
};
// dist/watch/monitor/proctree.js
/** A snapshot of a process tree: null when the root is not running. */
function sampleTree(root, table = readProcessTable()) {
	const pids = processTree(root, table);
	if (pids.length === 0) return null;
	let rssBytes = 0;
	const ticks = /* @__PURE__ */ new Map();
	for (const pid of pids) {
		rssBytes += rssBytesOf(pid) ?? 0;
		const info = table.get(pid);
		ticks.set(`${pid}:${info.startTime}`, info.cpuTicks);
	}
	return {
		at: Date.now(),
		pids,
		rssBytes,
		ticks
	};
}
/**
* CPU use of process trees as the difference of CPU time between two samples. Processes that
* appeared since the previous sample count all their time; processes that exited drop out.
*/
var CpuSampler = class {
	clockTicks;
	previous = /* @__PURE__ */ new Map();
	constructor(clockTicks = 100) {
		this.clockTicks = clockTicks;
	}
	sample(root, table) {
		const now = sampleTree(root, table);
		const before = this.previous.get(root);
		if (!now) {
			this.previous.delete(root);
			return null;
		}
		this.previous.set(root, now);
		if (!before || now.at <= before.at) return {
			pids: now.pids,
			rssBytes: now.rssBytes,
			cpuPercent: null
		};
		let delta = 0;
		for (const [key, ticks] of now.ticks) delta += Math.max(0, ticks - (before.ticks.get(key) ?? 0));
		const seconds = (now.at - before.at) / 1e3;
		const cpuPercent = Math.round(delta / this.clockTicks / seconds * 100 * 10) / 10;
		return {
			pids: now.pids,
			rssBytes: now.rssBytes,
			cpuPercent
		};
	}
	forget(root) {
		this.previous.delete(root);
	}
};
let clockTicksCache = null;
/** The kernel's clock ticks per second (USER_HZ): `getconf CLK_TCK`, 100 when that fails. */
async function clockTicksPerSecond() {
	if (clockTicksCache !== null) return clockTicksCache;
	try {
		const res = await run("getconf", ["CLK_TCK"], {
			cwd: "/",
			timeoutMs: 5e3
		});
		const n = Number(res.stdout.trim());
		clockTicksCache = Number.isInteger(n) && n > 0 ? n : 100;
	} catch {
		clockTicksCache = 100;
	}
	return clockTicksCache;
}
export { transcriptFilesForTask as a, budgetAction as c, recordedTranscripts as i, checkBudget as l, clockTicksPerSecond as n, UsageReader as o, TaskUsageTracker as r, projectPricing as s, CpuSampler as t, mergeBudgets as u };
