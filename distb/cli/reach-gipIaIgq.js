import { t as BraidError } from "./errors-wmBuLZod.js";
import { a as groupAlive, o as terminateGroup, r as run, s as waitUntil, t as ProcessError } from "./run-CAKlpui-.js";
import { t as spawnDetached } from "./detached-BCChmBbT.js";
import { n as processStartTime, t as isProcessAlive } from "./pid-BJsOpIbp.js";
import { a as builtModule, r as taskLogDir } from "./paths-Dq-5bDtl.js";
import path from "node:path";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
// dist/core/task.js
/** Statuses in which an agent process may be alive. */
const LIVE_STATUSES = [
	"starting",
	"working",
	"waiting",
	"idle"
];
/** Statuses with no session left to stop: not started yet, or over (a UI offers no "stop" there). */
const NOTHING_TO_STOP = [
	"provisioning",
	"exited",
	"failed",
	"landed"
];
/** Whether a UI should offer "stop" for a task in this status (a queued or conflicted task's agent may still run). */
function canStop(status) {
	return !NOTHING_TO_STOP.includes(status);
}
// dist/run/runtime/exit-record.js
/** Written to a temp file then renamed, so a reader never sees half a record. */
function writeExitRecord(exitPath, record) {
	const tmp = `${exitPath}.${process.pid}.tmp`;
	writeFileSync(tmp, `${JSON.stringify(record)}\n`);
	renameSync(tmp, exitPath);
}
function readExitRecord(exitPath) {
	try {
		const data = JSON.parse(readFileSync(exitPath, "utf8"));
		return {
			exitCode: typeof data.exitCode === "number" ? data.exitCode : null,
			signal: typeof data.signal === "string" ? data.signal : null,
			endedAt: typeof data.endedAt === "string" ? data.endedAt : ""
		};
	} catch {
		return null;
	}
}
// dist/run/runtime/headless.js
function defaultRunnerPath() {
	return builtModule("run/runtime/headless-runner.js");
}
/** Detached child processes logging to a file: for CI, scripts and machines without tmux. */
var HeadlessRuntime = class {
	kind = "headless";
	runnerPath;
	constructor(options = {}) {
		this.runnerPath = options.runnerPath ?? defaultRunnerPath();
	}
	async start(spec) {
		if (spec.argv.length === 0) throw new BraidError("E_SESSION", `task ${spec.task} has no command`);
		if (!existsSync(this.runnerPath)) throw new BraidError("E_SESSION", `the headless runner is missing at ${this.runnerPath}`, "Build braid first: npm run build");
		mkdirSync(path.dirname(spec.logPath), { recursive: true });
		mkdirSync(path.dirname(spec.exitPath), { recursive: true });
		const args = [
			this.runnerPath,
			spec.exitPath,
			spec.logPath,
			"--",
			...spec.argv
		];
		const pid = await spawnDetached(process.execPath, args, {
			cwd: spec.cwd,
			env: {
				...process.env,
				...spec.env
			}
		});
		return {
			runtime: "headless",
			pid,
			pidStart: processStartTime(pid),
			logPath: spec.logPath
		};
	}
	async state(handle, exitPath) {
		const record = readExitRecord(exitPath);
		const ours = isProcessAlive(handle.pid, handle.pidStart) || !isProcessAlive(handle.pid);
		const alive = !record && !!handle.pid && ours && groupAlive(handle.pid);
		return {
			alive,
			exitCode: (record ?? (alive ? null : readExitRecord(exitPath)))?.exitCode ?? null,
			pid: handle.pid
		};
	}
	async send() {
		throw new BraidError("E_SESSION", "headless sessions take no input", "Start the task in tmux (without --headless) to talk to it.");
	}
	async sendKeys() {
		return this.send();
	}
	/** The log's last lines: the closest thing a headless session has to a screen. */
	async capture(handle) {
		if (!handle.logPath) return "";
		try {
			return readFileSync(handle.logPath, "utf8").split("\n").slice(-101).join("\n");
		} catch {
			return "";
		}
	}
	async stop(handle, opts) {
		const pid = handle.pid;
		if (!pid) return;
		if (isProcessAlive(pid) && !isProcessAlive(pid, handle.pidStart)) return;
		await terminateGroup(pid, opts.termMs ?? 5e3);
	}
	async remove(handle) {
		await this.stop(handle, { termMs: 0 });
	}
	attachArgv() {
		return null;
	}
};
// dist/run/runtime/tmux-client.js
/**
* tmux splits its argv into commands at arguments ending in ';'. A literal trailing ';' is
* written '\;' (tmux turns a trailing '\;' back into ';'), so user data never ends a command.
*/
function escapeTmuxArg(arg) {
	return arg.endsWith(";") ? `${arg.slice(0, -1)}\\;` : arg;
}
/** tmux expands #{…} formats in start directories and pipe commands: '##' is a literal '#'. */
function escapeTmuxFormat(text) {
	return text.replace(/#/g, "##");
}
/** The argv prefix that reaches braid's tmux server (`tmux -L NAME` when a socket is set). */
function tmuxBase(socket) {
	return socket ? [
		"tmux",
		"-L",
		socket
	] : ["tmux"];
}
/** Runs one tmux command on braid's server; every argument is escaped against ';' splitting. */
var TmuxClient = class {
	socket;
	constructor(socket) {
		this.socket = socket;
	}
	async run(args, options = {}) {
		const [command, ...prefix] = tmuxBase(this.socket);
		return run(command, [...prefix, ...args.map(escapeTmuxArg)], {
			cwd: options.cwd ?? "/",
			allowFailure: options.allowFailure,
			timeoutMs: 3e4
		});
	}
	/** stdout of a command that must succeed, trimmed. */
	async out(args, options = {}) {
		return (await this.run(args, options)).stdout.trim();
	}
};
// dist/run/runtime/tmux.js
/** Holds a fresh pane until the real command replaces it with remain-on-exit already set. */
const PLACEHOLDER = ["sleep", "2147483647"];
const TILED_WINDOW = "tasks";
/** Between the keys of a graceful stop: long enough for the agent to read each key on its own. */
const GRACE_KEY_GAP_MS = 300;
const GRACE_ROUNDS = 2;
/** One tmux session per repository; '.' and ':' mean something in tmux targets. */
function tmuxSessionName(repoName) {
	return `braid-${repoName.replace(/[.:]/g, "_")}`;
}
/** tmux hands a single-word command to the shell; `env --` makes it an exec like the rest. */
/**
* The pane runs the agent under a small fixed sh script that records its exit code: tmux 3.3 can lose
* a dead pane's status when pipe-pane is attached. The traps are handlers, not ignores, so the agent
* keeps default signals; the script outlives Ctrl-C/TERM/HUP only to write the record. argv stays "$@".
*/
const EXIT_RECORDER = [
	"trap : INT TERM HUP",
	"\"$@\"",
	"code=$?",
	"printf '{\"exitCode\":%s,\"signal\":null,\"endedAt\":\"%s\"}\\n' \"$code\" \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" > \"$BRAID_EXIT_FILE.tmp\" && mv -f \"$BRAID_EXIT_FILE.tmp\" \"$BRAID_EXIT_FILE\"",
	"exit \"$code\""
].join("\n");
function execArgv(argv) {
	return [
		"sh",
		"-c",
		EXIT_RECORDER,
		"braid-session",
		...argv
	];
}
function shellQuote(text) {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}
const PANE_FORMAT = "#{pane_id}|#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}|#{pane_pid}|#{window_activity}";
function parsePane(line) {
	const [id, dead, status, signal, pid, activity] = line.trim().split("|");
	return [id, {
		dead: dead === "1",
		status: status ? Number(status) : null,
		signal: signal || null,
		pid: pid ? Number(pid) : null,
		activityAt: activity ? Number(activity) : null
	}];
}
/** Interactive sessions: tmux owns the processes, braid only addresses panes by id. */
var TmuxRuntime = class {
	kind = "tmux";
	client;
	constructor(options = {}) {
		this.client = new TmuxClient(options.socket ?? (process.env.BRAID_TMUX_SOCKET || void 0));
	}
	async start(spec) {
		if (spec.argv.length === 0) throw new BraidError("E_SESSION", `task ${spec.task} has no command`);
		mkdirSync(path.dirname(spec.logPath), { recursive: true });
		mkdirSync(path.dirname(spec.exitPath), { recursive: true });
		const session = tmuxSessionName(spec.repoName);
		const pane = spec.layout === "tiled" ? await this.tiledPane(session, spec.task) : await this.windowPane(session, spec.task);
		try {
			await this.client.run([
				"set-option",
				"-w",
				"-t",
				pane,
				"remain-on-exit",
				"on"
			]);
			const pipe = escapeTmuxFormat(`cat >> ${shellQuote(spec.logPath)}`);
			await this.client.run([
				"pipe-pane",
				"-o",
				"-t",
				pane,
				pipe
			]);
			const env = {
				...spec.env,
				BRAID_EXIT_FILE: spec.exitPath
			};
			const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
			const cwd = escapeTmuxFormat(spec.cwd);
			await this.client.run([
				"respawn-pane",
				"-k",
				"-t",
				pane,
				"-c",
				cwd,
				...envArgs,
				"--",
				...execArgv(spec.argv)
			], { cwd: spec.cwd });
		} catch (err) {
			await this.client.run([
				"kill-pane",
				"-t",
				pane
			], { allowFailure: true });
			throw err;
		}
		const pid = (await this.paneInfo(pane))?.pid ?? null;
		return {
			runtime: "tmux",
			pid,
			pidStart: pid ? processStartTime(pid) : null,
			target: pane
		};
	}
	/** Creates the repository's session, or joins it when another start won the race. */
	async newSessionPane(session, windowName) {
		const args = [
			"new-session",
			"-d",
			"-P",
			"-F",
			"#{pane_id}",
			"-s",
			session,
			"-n",
			windowName
		];
		const res = await this.client.run([
			...args,
			"--",
			...PLACEHOLDER
		], { allowFailure: true });
		if (res.code === 0) return res.stdout.trim();
		if (/duplicate session/.test(res.stderr)) return null;
		throw new ProcessError(res, "Check that tmux works: tmux new-session -d");
	}
	async windowPane(session, name) {
		const created = await this.newSessionPane(session, name);
		if (created) return created;
		const args = [
			"new-window",
			"-d",
			"-P",
			"-F",
			"#{pane_id}",
			"-t",
			`=${session}:`,
			"-n",
			name
		];
		return this.client.out([
			...args,
			"--",
			...PLACEHOLDER
		]);
	}
	async tiledPane(session, task) {
		const window = `=${session}:${TILED_WINDOW}`;
		let pane = await this.newSessionPane(session, TILED_WINDOW);
		if (!pane) {
			await this.client.run([
				"select-layout",
				"-t",
				window,
				"tiled"
			], { allowFailure: true });
			const split = [
				"split-window",
				"-d",
				"-P",
				"-F",
				"#{pane_id}",
				"-t",
				window
			];
			const res = await this.client.run([
				...split,
				"--",
				...PLACEHOLDER
			], { allowFailure: true });
			if (res.code === 0) pane = res.stdout.trim();
			else if (/can't find window/.test(res.stderr)) {
				const add = [
					"new-window",
					"-d",
					"-P",
					"-F",
					"#{pane_id}",
					"-t",
					`=${session}:`
				];
				pane = await this.client.out([
					...add,
					"-n",
					TILED_WINDOW,
					"--",
					...PLACEHOLDER
				]);
			} else throw new ProcessError(res);
			await this.client.run([
				"select-layout",
				"-t",
				window,
				"tiled"
			], { allowFailure: true });
		}
		await this.client.run([
			"select-pane",
			"-t",
			pane,
			"-T",
			task
		], { allowFailure: true });
		return pane;
	}
	/** Null when the pane (or the whole server) is gone. */
	async paneInfo(target) {
		const res = await this.client.run([
			"display-message",
			"-p",
			"-t",
			target,
			PANE_FORMAT
		], { allowFailure: true });
		const [id, info] = parsePane(res.stdout);
		if (res.code !== 0 || id !== target) return null;
		return info;
	}
	/** Every pane of the server in one tmux call (empty when no server runs). */
	async allPanes() {
		const res = await this.client.run([
			"list-panes",
			"-a",
			"-F",
			PANE_FORMAT
		], { allowFailure: true });
		if (res.code !== 0) return /* @__PURE__ */ new Map();
		return new Map(res.stdout.split("\n").filter(Boolean).map(parsePane));
	}
	async state(handle, exitPath, hint = {}) {
		let info = (hint.panes && handle.target ? hint.panes.get(handle.target) : void 0) ?? (handle.target ? await this.paneInfo(handle.target) : null);
		const unknown = () => info?.dead && info.status === null && !info.signal && !readExitRecord(exitPath);
		for (let i = 0; i < 40 && unknown(); i++) {
			await new Promise((r) => setTimeout(r, 25));
			info = handle.target ? await this.paneInfo(handle.target) : null;
		}
		if (!info) return {
			alive: false,
			exitCode: readExitRecord(exitPath)?.exitCode ?? null,
			pid: handle.pid
		};
		if (!info.dead) return {
			alive: true,
			exitCode: null,
			pid: info.pid,
			activityAt: info.activityAt
		};
		const recorded = readExitRecord(exitPath);
		if (!recorded) writeExitRecord(exitPath, {
			exitCode: info.status,
			signal: info.signal,
			endedAt: (/* @__PURE__ */ new Date()).toISOString()
		});
		return {
			alive: false,
			exitCode: info.status ?? recorded?.exitCode ?? null,
			pid: info.pid
		};
	}
	target(handle) {
		if (!handle.target) throw new BraidError("E_SESSION", "this session has no tmux pane recorded");
		return handle.target;
	}
	async send(handle, text, opts = {}) {
		const pane = this.target(handle);
		if (!await this.paneInfo(pane)) throw new BraidError("E_SESSION", `tmux pane ${pane} is gone`);
		if (text) await this.client.run([
			"send-keys",
			"-l",
			"-t",
			pane,
			"--",
			text
		]);
		if (opts.enter !== false) await this.client.run([
			"send-keys",
			"-t",
			pane,
			"Enter"
		]);
	}
	async sendKeys(handle, keys) {
		if (keys.length === 0) return;
		await this.client.run([
			"send-keys",
			"-t",
			this.target(handle),
			"--",
			...keys
		]);
	}
	async capture(handle) {
		const res = await this.client.run([
			"capture-pane",
			"-p",
			"-J",
			"-S",
			"-100",
			"-t",
			this.target(handle)
		], { allowFailure: true });
		if (res.code !== 0) throw new BraidError("E_SESSION", `tmux pane ${handle.target} is gone`);
		return res.stdout;
	}
	async stop(handle, opts) {
		const pane = this.target(handle);
		const gone = async () => (await this.paneInfo(pane))?.dead ?? true;
		const info = await this.paneInfo(pane);
		if (!info) return;
		if (info.dead) {
			if (info.pid && !isProcessAlive(info.pid)) await terminateGroup(info.pid, opts.termMs ?? 5e3);
			return;
		}
		for (let round = 0; opts.graceKeys?.length && round < GRACE_ROUNDS; round++) {
			for (const key of opts.graceKeys) {
				await this.sendKeys(handle, [key]);
				if (await waitUntil(gone, GRACE_KEY_GAP_MS)) return;
			}
			if (await waitUntil(gone, opts.graceMs ?? 3e3)) return;
		}
		if (info.pid) await terminateGroup(info.pid, opts.termMs ?? 5e3);
		await waitUntil(gone, 5e3);
	}
	async remove(handle) {
		if (!handle.target) return;
		await this.client.run([
			"kill-pane",
			"-t",
			handle.target
		], { allowFailure: true });
	}
	/** attach-session from a plain terminal, switch-client from inside tmux; both select the pane. */
	attachArgv(handle, insideTmux) {
		if (!handle.target) return null;
		const verb = insideTmux ? "switch-client" : "attach-session";
		return [
			...tmuxBase(this.client.socket),
			verb,
			"-t",
			handle.target
		];
	}
};
// dist/run/runtime/index.js
/** The session backend for a task: tmux (interactive, default) or headless (detached, logs to file). */
function getRuntime(kind, options = {}) {
	return kind === "tmux" ? new TmuxRuntime(options) : new HeadlessRuntime(options);
}
// dist/run/session/reach.js
/** Reaching a task's session from outside run/session: its handle, its liveness, typing into it, attaching. */
function sessionPaths(project, name) {
	const dir = taskLogDir(project.repo.commonDir, name);
	return {
		logPath: path.join(dir, "session.log"),
		exitPath: path.join(dir, "session.exit.json")
	};
}
function handleOf(task) {
	return task.options.session ?? null;
}
/** Asked of the runtime itself, not the task's status (which says `landing` while the queue has it). */
async function sessionAlive(project, name, handle) {
	return (await getRuntime(handle.runtime).state(handle, sessionPaths(project, name).exitPath)).alive;
}
/** Types text literally (never read as tmux keys), then Enter. */
async function typeIntoSession(handle, text) {
	await getRuntime(handle.runtime).send(handle, text);
}
/** argv that shows the session to the user, or null when it cannot be attached (headless). */
function attachArgv(handle, insideTmux) {
	return getRuntime(handle.runtime).attachArgv(handle, insideTmux);
}
/** One `tmux list-panes` for a whole pass over these tasks, instead of a tmux call per session. */
async function paneHint(tasks) {
	return tasks.some((t) => handleOf(t)?.runtime === "tmux") ? { panes: await new TmuxRuntime().allPanes() } : {};
}
export { sessionPaths as a, LIVE_STATUSES as c, sessionAlive as i, NOTHING_TO_STOP as l, handleOf as n, typeIntoSession as o, paneHint as r, getRuntime as s, attachArgv as t, canStop as u };
