import { t as BraidError } from "./errors-wmBuLZod.js";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
/**
* Keeps at most `max` bytes of one stream: the first ones (`head`: stdout, which callers parse) or the
* last ones (`tail`: stderr, whose end explains a failure). Counts what it dropped.
*/
var CappedOutput = class {
	max;
	keep;
	chunks = [];
	kept = 0;
	/** Bytes received but not kept. */
	dropped = 0;
	constructor(max, keep) {
		this.max = max;
		this.keep = keep;
	}
	push(chunk) {
		if (this.keep === "head") {
			const room = Math.max(0, this.max - this.kept);
			const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
			if (part.length) this.chunks.push(part);
			this.kept += part.length;
			this.dropped += chunk.length - part.length;
			return;
		}
		this.chunks.push(chunk);
		this.kept += chunk.length;
		while (this.kept > this.max && this.chunks.length) {
			const over = this.kept - this.max;
			const first = this.chunks[0];
			if (first.length <= over) {
				this.chunks.shift();
				this.kept -= first.length;
				this.dropped += first.length;
			} else {
				this.chunks[0] = first.subarray(over);
				this.kept -= over;
				this.dropped += over;
			}
		}
	}
	buffer() {
		return Buffer.concat(this.chunks);
	}
};
/**
* Calls onLine for each complete line of a byte stream. One decoder for the whole stream: a UTF-8
* character split across two chunks (a pipe delivers whatever was written so far) stays whole.
* Returns flush(): passes on the last unterminated line (on 'end', or when run() stops waiting).
*/
function splitLines(stream, onLine) {
	const decoder = new StringDecoder("utf8");
	let rest = "";
	let flushed = false;
	const emit = (text) => {
		const parts = (rest + text).split("\n");
		rest = parts.pop() ?? "";
		for (const p of parts) onLine(p.replace(/\r$/, ""));
	};
	const flush = () => {
		if (flushed) return;
		flushed = true;
		emit(decoder.end());
		if (rest) onLine(rest.replace(/\r$/, ""));
		rest = "";
	};
	stream.on("data", (d) => {
		if (!flushed) emit(decoder.write(d));
	});
	stream.on("end", flush);
	return flush;
}
/** Says how much of each stream was not kept, for results and error messages ('' when nothing). */
function cutNote(stdoutDropped, stderrDropped, max) {
	const parts = [];
	if (stdoutDropped) parts.push(`stdout: the ${stdoutDropped} bytes after the first ${max} dropped`);
	if (stderrDropped) parts.push(`stderr: the first ${stderrDropped} bytes dropped, the last ${max} kept`);
	return parts.length ? `output cut at maxBuffer (${parts.join("; ")})` : "";
}
// dist/exec/proc.js
/** The one reader of /proc: process status lines, the process table, process trees, environments. */
/** Parses /proc/<pid>/stat text (the command name may hold spaces and parentheses). */
function parseStat(pid, text) {
	const close = text.lastIndexOf(")");
	if (close < 0) return null;
	const f = text.slice(close + 2).split(" ");
	const ppid = Number(f[1]);
	const ticks = Number(f[11]) + Number(f[12]);
	if (!Number.isFinite(ppid) || !Number.isFinite(ticks) || f[19] === void 0) return null;
	return {
		pid,
		state: f[0],
		ppid,
		pgrp: Number(f[2]),
		startTime: f[19],
		cpuTicks: ticks,
		childCpuTicks: Number(f[13]) + Number(f[14])
	};
}
/** The process's stat line, or null when it is gone (or there is no /proc). */
function readStat(pid) {
	try {
		return parseStat(pid, readFileSync(`/proc/${pid}/stat`, "utf8"));
	} catch {
		return null;
	}
}
/** Every process on the machine (processes that vanish mid-scan are absent); null without /proc. */
function scanProcesses() {
	let names;
	try {
		names = readdirSync("/proc");
	} catch {
		return null;
	}
	const out = [];
	for (const name of names) {
		if (!/^\d+$/.test(name)) continue;
		const info = readStat(Number(name));
		if (info) out.push(info);
	}
	return out;
}
/** Every process by pid; empty without /proc (not Linux: resources stay unknown). */
function readProcessTable() {
	return new Map((scanProcesses() ?? []).map((p) => [p.pid, p]));
}
/** The process's environment as NAME=value strings, or null when it is gone or not ours to read. */
function readEnviron(pid) {
	try {
		return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
	} catch {
		return null;
	}
}
/** Resident memory of one process in bytes (VmRSS), or null when it is gone or has none (kernel thread). */
function rssBytesOf(pid) {
	try {
		const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
		return m ? Number(m[1]) * 1024 : null;
	} catch {
		return null;
	}
}
/** `root` and all its descendants that are alive in `table`, root first. */
function processTree(root, table = readProcessTable()) {
	if (!table.has(root)) return [];
	const children = /* @__PURE__ */ new Map();
	for (const p of table.values()) {
		const list = children.get(p.ppid);
		if (list) list.push(p.pid);
		else children.set(p.ppid, [p.pid]);
	}
	return walkTree(root, (pid) => children.get(pid) ?? []);
}
/**
* `root` and its descendants from the kernel's own children lists (/proc/<pid>/task/<tid>/children):
* a few reads instead of a scan of every process. Falls back to the scan where the kernel keeps none.
*/
function descendantsOf(root) {
	try {
		return walkTree(root, kernelChildren);
	} catch (err) {
		if (err === NO_CHILDREN_LISTS) return processTree(root);
		throw err;
	}
}
const NO_CHILDREN_LISTS = /* @__PURE__ */ new Error("this kernel keeps no /proc children lists");
/** The children of `pid` as the kernel lists them, or null when it is gone. */
function kernelChildren(pid) {
	let threads;
	try {
		threads = readdirSync(`/proc/${pid}/task`);
	} catch {
		return null;
	}
	const out = [];
	for (const tid of threads) try {
		const list = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
		for (const child of list.split(" ")) if (child.trim()) out.push(Number(child));
	} catch {
		if (existsSync(`/proc/${pid}/task/${tid}`)) throw NO_CHILDREN_LISTS;
	}
	return out;
}
/** Breadth-first from `root`, each pid once, root first; a pid whose children are null is gone and left out. */
function walkTree(root, childrenOf) {
	const out = [];
	const queue = [root];
	const seen = /* @__PURE__ */ new Set();
	while (queue.length > 0) {
		const pid = queue.shift();
		if (seen.has(pid)) continue;
		seen.add(pid);
		const children = childrenOf(pid);
		if (!children) continue;
		out.push(pid);
		queue.push(...children);
	}
	return out;
}
// dist/exec/process-group.js
/** True while any process of the group led by `pgid` exists (zombies waiting to be reaped do not count). */
function groupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
	} catch (err) {
		return err.code === "EPERM";
	}
	const live = liveGroupMembers(pgid);
	return live === null ? true : live.length > 0;
}
/** The non-zombie members of a group, from /proc; null where /proc is unavailable. */
function liveGroupMembers(pgid) {
	const all = scanProcesses();
	if (all === null) return null;
	return all.filter((p) => p.pgrp === pgid && p.state !== "Z" && p.state !== "X").map((p) => p.pid);
}
/** Signals a whole process group; a group that is already gone is not an error. */
function signalGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
	} catch (err) {
		if (err.code !== "ESRCH") throw err;
	}
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Polls `done` until it holds or `ms` pass; resolves with the last answer. */
async function waitUntil(done, ms) {
	const deadline = Date.now() + ms;
	for (;;) {
		if (await done()) return true;
		if (Date.now() >= deadline) return false;
		await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
	}
}
/** SIGTERM, wait, SIGKILL: ends a group whether or not it cooperates. */
async function terminateGroup(pgid, termMs) {
	if (!groupAlive(pgid)) return;
	signalGroup(pgid, "SIGTERM");
	if (await waitUntil(() => !groupAlive(pgid), termMs)) return;
	signalGroup(pgid, "SIGKILL");
	await waitUntil(() => !groupAlive(pgid), 5e3);
}
// dist/exec/run.js
/** A command that ran and failed: carries what is needed to explain it. */
var ProcessError = class extends BraidError {
	result;
	constructor(result, hint) {
		const shown = [result.command, ...result.args].map(quoteForDisplay).join(" ");
		const why = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
		const tail = result.stderr.trim().split("\n").slice(-5).join("\n");
		const cut = result.outputCut ? ` (${result.outputCut})` : "";
		super("E_PROCESS", `${shown} ${why}${cut}${tail ? `:\n${tail}` : ""}`, hint, result);
		this.result = result;
	}
};
/** For messages only: never used to build a command. */
function quoteForDisplay(arg) {
	return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
const DEFAULT_TIMEOUT_MS = 6e5;
/** After the command exited, how long output may stay quiet before run() stops waiting for the pipes. */
const PIPE_QUIET_MS = 300;
/** After the command exited, the longest run() waits for pipes a leftover process keeps writing to. */
const PIPE_MAX_WAIT_MS = 5e3;
/** The one way braid spawns a process: argument array, explicit cwd, a timeout, typed errors. */
function run(command, args, options) {
	return new Promise((resolve, reject) => {
		let child;
		const env = options.replaceEnv ? options.env : {
			...process.env,
			...options.env
		};
		try {
			child = spawn(command, args, {
				cwd: options.cwd,
				env,
				stdio: [
					"pipe",
					"pipe",
					"pipe"
				],
				detached: options.processGroup === true
			});
		} catch (err) {
			reject(spawnFailure(command, err));
			return;
		}
		const maxBuffer = options.maxBuffer ?? 67108864;
		const out = new CappedOutput(maxBuffer, "head");
		const err = new CappedOutput(maxBuffer, "tail");
		let timedOut = false;
		let settled = false;
		let lastOutputAt = Date.now();
		const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		const group = options.processGroup && child.pid !== void 0 ? child.pid : null;
		let graceTimer;
		let drainTimer;
		const endGroup = (pgid) => {
			if (graceTimer) return;
			signalGroup(pgid, "SIGTERM");
			graceTimer = setTimeout(() => signalGroup(pgid, "SIGKILL"), options.killGraceMs ?? 2e3);
		};
		const timer = setTimeout(() => {
			timedOut = true;
			if (group !== null) endGroup(group);
			else child.kill("SIGKILL");
		}, timeoutMs);
		if (group !== null) options.onSpawn?.(group);
		else if (child.pid !== void 0) options.onSpawn?.(child.pid);
		const flushes = options.onLine ? [splitLines(child.stdout, (l) => options.onLine(l, "stdout")), splitLines(child.stderr, (l) => options.onLine(l, "stderr"))] : [];
		child.stdout.on("data", (d) => {
			lastOutputAt = Date.now();
			out.push(d);
		});
		child.stderr.on("data", (d) => {
			lastOutputAt = Date.now();
			err.push(d);
		});
		child.on("error", (e) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			reject(spawnFailure(command, e));
		});
		child.on("exit", (code, signal) => {
			if (group !== null) endGroup(group);
			if (settled) return;
			const exitedAt = Date.now();
			const waitForPipes = () => {
				const now = Date.now();
				if (now - lastOutputAt < PIPE_QUIET_MS && now - exitedAt < PIPE_MAX_WAIT_MS) {
					drainTimer = setTimeout(waitForPipes, PIPE_QUIET_MS);
					return;
				}
				setImmediate(() => {
					if (settled) return;
					if (Date.now() - lastOutputAt < PIPE_QUIET_MS && Date.now() - exitedAt < PIPE_MAX_WAIT_MS) {
						drainTimer = setTimeout(waitForPipes, PIPE_QUIET_MS);
						return;
					}
					for (const flush of flushes) flush();
					child.stdout.destroy();
					child.stderr.destroy();
					finish(code, signal);
				});
			};
			drainTimer = setTimeout(waitForPipes, PIPE_QUIET_MS);
		});
		child.on("close", (code, signal) => finish(code, signal));
		function finish(code, signal) {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			clearTimeout(graceTimer);
			clearTimeout(drainTimer);
			if (group !== null && groupAlive(group)) signalGroup(group, "SIGKILL");
			const stdoutBuffer = out.buffer();
			const cut = cutNote(out.dropped, err.dropped, maxBuffer);
			const result = {
				command,
				args,
				code,
				signal,
				stdout: stdoutBuffer.toString("utf8"),
				stderr: err.buffer().toString("utf8"),
				stdoutBuffer: options.binary ? stdoutBuffer : void 0,
				...cut ? { outputCut: cut } : {}
			};
			const shown = `${command} ${args.join(" ")}`;
			if (timedOut) reject(new BraidError("E_TIMEOUT", `${shown} did not finish within ${Math.round(timeoutMs / 1e3)} s${cut ? ` (${cut})` : ""}`, "Raise the timeout or check what the command waits for.", result));
			else if (code !== 0 && !options.allowFailure) reject(new ProcessError(result));
			else if (out.dropped && !options.onLine) reject(new BraidError("E_PROCESS", `${shown} wrote more than maxBuffer allows: ${cut}`, "Raise maxBuffer for this command, or read its output with onLine.", result));
			else resolve(result);
		}
		child.stdin.on("error", () => {});
		child.stdin.end(options.input ?? "");
	});
}
function spawnFailure(command, err) {
	const e = err;
	if (e?.code === "ENOENT") return new BraidError("E_TOOL_MISSING", `${command} is not installed (or not on PATH)`, toolHint(command));
	return new BraidError("E_PROCESS", `could not start ${command}: ${e?.message ?? String(err)}`);
}
const TOOL_HINTS = {
	git: "Install git 2.38 or newer (Debian: apt-get install git).",
	tmux: "Install tmux (Debian: apt-get install tmux), or start the task with --headless.",
	bwrap: "Install bubblewrap (Debian: apt-get install bubblewrap).",
	claude: "Install Claude Code: npm install -g @anthropic-ai/claude-code",
	codex: "Install Codex: npm install -g @openai/codex",
	aider: "Install aider: pipx install aider-chat"
};
function toolHint(command) {
	return TOOL_HINTS[command] ?? `Install ${command} or put it on PATH.`;
}
export { groupAlive as a, descendantsOf as c, readProcessTable as d, readStat as f, toolHint as i, processTree as l, scanProcesses as m, quoteForDisplay as n, terminateGroup as o, rssBytesOf as p, run as r, waitUntil as s, ProcessError as t, readEnviron as u };
