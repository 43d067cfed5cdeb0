import { t as BraidError } from "./errors-wmBuLZod.js";
import { r as run } from "./run-CAKlpui-.js";
import { t as openProject } from "./project-SluOqlZT.js";
import { a as requireTask, n as landTaskNames, r as removeTaskAction, s as stopTask } from "./actions-CTxsdFNG.js";
import { i as taskDetail, t as ReadModel } from "./board-CVTPU0h-.js";
import { a as builtModule } from "./paths-Dq-5bDtl.js";
import { a as EventFeed } from "./refusals-DxFGZ0mh.js";
import { l as NOTHING_TO_STOP } from "./reach-gipIaIgq.js";
import { i as printJson } from "./output-DxhfGA2Q.js";
import path from "node:path";
import { readFileSync } from "node:fs";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
// dist/web/auth.js
/** Dashboard access: one random token per server, carried in the first URL and then in an HttpOnly cookie. */
const COOKIE_NAME = "braid_token";
function newToken() {
	return randomBytes(24).toString("base64url");
}
/** Constant-time comparison; hashing first gives equal lengths, so the length does not leak either. */
function tokensEqual(given, expected) {
	const a = createHash("sha256").update(given).digest();
	const b = createHash("sha256").update(expected).digest();
	return timingSafeEqual(a, b);
}
function parseCookies(header) {
	const out = {};
	for (const part of (header ?? "").split(";")) {
		const eq = part.indexOf("=");
		if (eq <= 0) continue;
		const key = part.slice(0, eq).trim();
		const value = part.slice(eq + 1).trim();
		try {
			out[key] = decodeURIComponent(value);
		} catch {
			out[key] = value;
		}
	}
	return out;
}
function sessionCookie(token) {
	return `${COOKIE_NAME}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
function authorize(req, url, token) {
	const cookie = parseCookies(req.headers.cookie)[COOKIE_NAME];
	if (cookie !== void 0 && tokensEqual(cookie, token)) return "ok";
	const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
	if (bearer !== void 0 && tokensEqual(bearer, token)) return "ok";
	const query = url.searchParams.get("token");
	if (query !== null && tokensEqual(query, token)) return "via-query";
	return "denied";
}
/** Guards against DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach us. */
function hostAllowed(req, port) {
	const host = req.headers.host ?? "";
	return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}
/** State-changing requests from a browser must come from the dashboard's own origin. */
function originAllowed(req, port) {
	const origin = req.headers.origin;
	if (origin === void 0) return true;
	return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
// dist/web/client-files.js
/** The compiled browser client (dist/web/client/*.js, built from src/web/client by tsc), read once and served as is. */
/** A module of the client folder, nothing else: no folders, no `..`, no source maps. */
const MODULE_NAME = /^[a-z][a-z0-9-]*\.js$/;
const cache = /* @__PURE__ */ new Map();
/** The client module's text, or null when there is no such module (or the client was never built). */
function clientModule(name, dir = builtModule("web/client")) {
	if (!MODULE_NAME.test(name)) return null;
	const file = path.join(dir, name);
	let text = cache.get(file);
	if (text === void 0) {
		try {
			text = readFileSync(file, "utf8");
		} catch {
			return null;
		}
		cache.set(file, text);
	}
	return text;
}
// dist/web/land-job.js
/** The dashboard's land action: one landing at a time, run in the background, its progress kept for late viewers. */
const MAX_LINES = 500;
var LandJobs = class {
	runner;
	job = null;
	nextId = 1;
	listeners = /* @__PURE__ */ new Set();
	constructor(runner) {
		this.runner = runner;
	}
	/** The running job, or the last one finished. */
	latest() {
		return this.job;
	}
	/** Every progress line and the end of each job; returns the unsubscribe function. */
	subscribe(listener) {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
	/** Starts landing; refuses while another landing from this dashboard is still running. */
	start(task) {
		if (this.job?.state === "running") throw new BraidError("E_LOCKED", `a landing is already running (${this.job.task ?? "the queue"})`, "Wait for it to finish: its progress shows on the dashboard.");
		const job = {
			id: this.nextId++,
			task,
			state: "running",
			startedAt: Date.now(),
			endedAt: null,
			lines: [],
			result: null,
			error: null
		};
		this.job = job;
		const progress = (line) => {
			job.lines.push(line);
			if (job.lines.length > MAX_LINES) job.lines.splice(0, job.lines.length - MAX_LINES);
			this.emit(job);
		};
		this.runner(task, progress).then((result) => this.finish(job, "done", result, null), (err) => this.finish(job, "failed", null, err instanceof BraidError && err.hint ? `${err.message}\n${err.hint}` : err.message));
		this.emit(job);
		return job;
	}
	/** Resolves when the current job (if any) has ended. */
	async idle() {
		while (this.job?.state === "running") await new Promise((r) => setTimeout(r, 50));
	}
	finish(job, state, result, error) {
		job.state = state;
		job.result = result;
		job.error = error;
		job.endedAt = Date.now();
		this.emit(job);
	}
	emit(job) {
		for (const l of this.listeners) try {
			l(job);
		} catch {}
	}
};
// dist/store/fingerprint.js
/** Cheap fingerprint of the store: changes whenever a hook, a command or the queue writes. */
function storeVersion(store) {
	const e = store.db.prepare("SELECT MAX(id) AS id FROM events").get();
	const t = store.db.prepare("SELECT MAX(updated_at) AS at, COUNT(*) AS n FROM tasks").get();
	const q = store.db.prepare("SELECT COUNT(*) AS n, MAX(rowid) AS r, MAX(updated_at) AS u FROM queue").get();
	return `${e.id ?? 0}:${t.at ?? 0}:${t.n}:${q.n}:${q.r ?? 0}:${q.u ?? 0}`;
}
// dist/web/live.js
var LiveFeed = class {
	project;
	listeners = /* @__PURE__ */ new Set();
	/** Each listener reads the union through a feed of its own, placed when it subscribed. */
	eventListeners = /* @__PURE__ */ new Map();
	model;
	timer = null;
	computing = null;
	last = null;
	opts;
	constructor(project, options = {}) {
		this.project = project;
		this.opts = {
			pollMs: 1e3,
			refreshMs: 5e3,
			radarMs: 1e4,
			...options
		};
		this.model = new ReadModel(project, {
			radarEveryMs: this.opts.radarMs,
			series: true
		});
	}
	/** A fresh payload (shared with a computation already in flight). */
	current() {
		if (!this.computing) this.computing = this.model.snapshot().finally(() => {
			this.computing = null;
		});
		return this.computing;
	}
	subscribe(listener) {
		this.listeners.add(listener);
		return this.watching(() => this.listeners.delete(listener));
	}
	/** Every event recorded from now on, in order, in batches as the ticks find them. */
	subscribeEvents(listener) {
		this.eventListeners.set(listener, new EventFeed(this.project.store));
		return this.watching(() => this.eventListeners.delete(listener));
	}
	/** Forces a push on the next tick (after an action changed things). */
	poke() {
		this.last = null;
	}
	stop() {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}
	watching(remove) {
		if (!this.timer) this.timer = setInterval(() => void this.tick(), this.opts.pollMs);
		return () => {
			remove();
			if (!this.listeners.size && !this.eventListeners.size) this.stop();
		};
	}
	async tick() {
		let version;
		try {
			this.pushEvents();
			version = storeVersion(this.project.store);
		} catch {
			return;
		}
		if (this.computing || !this.listeners.size) return;
		if (!(!this.last || this.last.version !== version || Date.now() - this.last.at >= this.opts.refreshMs)) return;
		try {
			const payload = await this.current();
			const json = JSON.stringify({
				...payload,
				at: 0
			});
			const changed = !this.last || this.last.json !== json;
			this.last = {
				version,
				at: Date.now(),
				json
			};
			if (changed) for (const l of this.listeners) l(payload);
		} catch {}
	}
	pushEvents() {
		for (const [listener, feed] of this.eventListeners) for (let batch = feed.next(); batch.length; batch = feed.next()) listener(batch);
	}
};
// dist/web/page.js
/**
* The dashboard page: markup and style; its behaviour is the compiled client (src/web/client, served
* by this server: no CDN, works offline), which writes every value through textContent, never as HTML.
*/
/** Where the page loads its client from (server.ts serves dist/web/client there). */
const CLIENT_PATH = "/client/";
/** JSON inside a script element: `<` escaped, so no value can close the element. */
function scriptJson(value) {
	return JSON.stringify(value).replace(/</g, "\\u003c");
}
const STYLE = `
body{font:14px system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#223;color:#eee}
header h1{font-size:1.1em;margin:0}header h1 a{color:inherit;text-decoration:none}#conn{font-size:.85em;opacity:.8}
main{padding:1em;display:grid;gap:1em;grid-template-columns:minmax(0,3fr) minmax(0,2fr)}
main[hidden]{display:none}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6em .8em;overflow:auto}
section.wide{grid-column:1/-1}h2{font-size:1em;margin:.2em 0 .6em}h3{font-size:.95em;margin:.8em 0 .3em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #eee;white-space:nowrap}
tr.sel{background:#eef4ff}td.name a{color:#14c}.detail{font-size:.85em}
.st{padding:.1em .45em;border-radius:4px;background:#eee}.st-working{background:#cfe8ff}.st-waiting{background:#ffe6a8}
.st-idle{background:#e4e4e4}.st-failed,.st-conflict{background:#ffc9c9}.st-landed{background:#c9f2d0}.st-exited{background:#ddd}
button{font:inherit;font-size:.85em;margin-right:.3em;cursor:pointer}
pre{background:#f4f4f4;padding:.5em;max-height:32em;overflow:auto;font-size:12px;margin:.3em 0}
.add{color:#070}.del{color:#b00}.hunk{color:#559}.file{font-weight:bold}
table.matrix td{text-align:center;font-family:monospace;min-width:2em}
.cell-X{background:#ffc9c9}.cell-M{background:#ffe6a8}.cell-o{background:#fff3cf}
.pipeline{display:flex;gap:.5em;align-items:flex-start}.stage{flex:1;min-width:6em;background:#f6f6f6;border-radius:4px;padding:.3em}
.stage h4{margin:0 0 .3em;font-size:.85em;text-transform:uppercase;color:#666}
.card{background:#fff;border:1px solid #ddd;border-left:4px solid #999;border-radius:3px;padding:.2em .4em;margin-bottom:.3em;font-size:.85em}
.q-building,.q-gating{border-left-color:#14c}.q-landed{border-left-color:#191}.q-conflict,.q-rejected{border-left-color:#b00}.q-waiting_agent{border-left-color:#c90}
.reason{color:#b00;white-space:normal}.mono{font-family:monospace}
#land{border-color:#9ab}#land[data-state=failed]{border-color:#b00}#land-log{max-height:12em}
header .grow{flex:1}.chart-title{font-size:.85em;color:#555;margin-top:.4em}
#error{color:#b00;white-space:pre-wrap}.muted{color:#888}svg text{font-size:10px}
#task-meta div{margin:.15em 0}
`;
function dashboardPage(nonce) {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>braid</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style></head>
<body>
<header><h1><a href="#">braid</a></h1><span id="conn">connecting…</span><span class="grow"></span><button id="land-queue" data-action="land-queue">Process queue</button></header>
<div id="error"></div>
<section id="land" hidden><h2 id="land-title">Landing</h2><pre id="land-log"></pre></section>
<main id="overview">
<section class="wide"><h2>Tasks</h2>
<table><thead><tr><th>task</th><th>status</th><th>age</th><th>ports</th><th>changes</th><th>RAM</th><th>tokens</th><th>cost</th><th></th></tr></thead>
<tbody id="tasks-body"></tbody></table></section>
<section><h2>Radar</h2><div id="radar"></div></section>
<section><h2>Merge queue</h2><div id="queue"></div></section>
<section class="wide"><h2>Usage over time</h2><div id="charts"></div></section>
</main>
<main id="detail" hidden>
<section class="wide"><h2><a href="#">← all tasks</a> · <span id="detail-title">Task</span></h2>
<div id="task-meta"></div><div id="task-actions"></div><div id="task-charts"></div></section>
<section class="wide"><h3>Diff against its base (commits, uncommitted and untracked) <button id="refresh">refresh</button></h3><pre id="diff"></pre></section>
<section class="wide"><h3>Log <span id="log-path" class="muted"></span></h3><pre id="log"></pre></section>
</main>
<script type="application/json" id="page-config">${scriptJson({ nothingToStop: NOTHING_TO_STOP })}<\/script>
<script type="module" nonce="${nonce}" src="${CLIENT_PATH}main.js"><\/script>
</body></html>
`;
}
// dist/web/server.js
/** `braid web`'s HTTP server: token-guarded JSON API, server-sent events and the dashboard page, on 127.0.0.1. */
const STATUS_BY_CODE = {
	E_NO_TASK: 404,
	E_UNLANDED_WORK: 409,
	E_LOCKED: 409,
	E_CONFLICT: 409,
	E_DIRTY_WORKTREE: 409,
	E_SESSION: 409,
	E_USAGE: 400,
	E_BAD_NAME: 400
};
var HttpError = class extends Error {
	status;
	constructor(status, message) {
		super(message);
		this.status = status;
	}
};
function sendJson(res, status, body) {
	res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
	res.end(JSON.stringify(body));
}
/** A GET route's answer, typed by the wire contract the client reads (protocol.ts). */
function sendGet(res, _route, body) {
	sendJson(res, 200, body);
}
/** A POST route's answer, typed by the wire contract. */
function sendOk(res, status, _route, result) {
	sendJson(res, status, {
		ok: true,
		result
	});
}
/** One server-sent event, typed by the wire contract. */
function sendEvent(res, name, data) {
	res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}
function sendError(res, err) {
	if (err instanceof HttpError) sendJson(res, err.status, { error: { message: err.message } });
	else if (err instanceof BraidError) {
		const body = { error: {
			code: err.code,
			message: err.message,
			hint: err.hint ?? null
		} };
		sendJson(res, STATUS_BY_CODE[err.code] ?? 500, body);
	} else sendJson(res, 500, { error: { message: err.message ?? String(err) } });
}
async function readJson(req) {
	let size = 0;
	const chunks = [];
	for await (const chunk of req) {
		size += chunk.length;
		if (size > 64e3) throw new HttpError(413, "request body too large");
		chunks.push(chunk);
	}
	const text = Buffer.concat(chunks).toString("utf8").trim();
	if (!text) return {};
	try {
		const value = JSON.parse(text);
		return value && typeof value === "object" ? value : {};
	} catch {
		throw new HttpError(400, "request body is not JSON");
	}
}
/** Stops the task's agent session (the worktree stays), as `braid stop` does. */
async function stopFromDashboard(project, name) {
	return {
		name,
		status: (await stopTask(project, name)).status
	};
}
function landWith(project) {
	return (name, onProgress) => landTaskNames(project, name === null ? [] : [name], { onProgress });
}
async function startWebServer(project, options = {}) {
	const token = options.token ?? newToken();
	const feed = new LiveFeed(project, options.live);
	const actions = {
		stop: options.actions?.stop ?? ((name) => stopFromDashboard(project, name)),
		land: options.actions?.land ?? landWith(project),
		remove: options.actions?.remove ?? ((name, o) => removeTaskAction(project, name, { force: o.force }))
	};
	const landJobs = new LandJobs(actions.land);
	landJobs.subscribe(() => feed.poke());
	const streams = /* @__PURE__ */ new Set();
	let port = 0;
	function events(req, res) {
		res.writeHead(200, {
			"content-type": "text/event-stream",
			"cache-control": "no-store",
			connection: "keep-alive"
		});
		const send = (p) => sendEvent(res, "snapshot", p);
		const sendLand = (job) => sendEvent(res, "land", job);
		const sendEvents = (batch) => sendEvent(res, "events", batch);
		streams.add(res);
		const unsubscribe = feed.subscribe(send);
		const unsubscribeEvents = feed.subscribeEvents(sendEvents);
		const unsubscribeLand = landJobs.subscribe(sendLand);
		const last = landJobs.latest();
		if (last) sendLand(last);
		const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15e3);
		feed.current().then(send, () => {});
		req.on("close", () => {
			clearInterval(heartbeat);
			unsubscribe();
			unsubscribeEvents();
			unsubscribeLand();
			streams.delete(res);
		});
	}
	async function route(req, res, url) {
		const method = req.method ?? "GET";
		const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
		if (method === "GET" && url.pathname === "/") {
			const nonce = randomBytes(16).toString("base64");
			res.writeHead(200, {
				"content-type": "text/html; charset=utf-8",
				"content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
				"referrer-policy": "no-referrer"
			});
			res.end(dashboardPage(nonce));
			return;
		}
		if (method === "GET" && url.pathname.startsWith("/client/")) {
			const code = clientModule(url.pathname.slice(8));
			if (code === null) throw new HttpError(404, "not found (is the client built? npm run build)");
			res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
			res.end(code);
			return;
		}
		if (method === "GET" && url.pathname === "/api/snapshot") return sendGet(res, "/api/snapshot", await feed.current());
		if (method === "GET" && url.pathname === "/api/events") return events(req, res);
		if (method === "GET" && url.pathname === "/api/land") return sendGet(res, "/api/land", landJobs.latest());
		if (parts[0] === "api" && parts[1] === "tasks" && parts.length === 3 && method === "GET") {
			const detail = await taskDetail(project, parts[2]);
			if (!detail) throw new BraidError("E_NO_TASK", `no task named '${parts[2]}'`);
			return sendGet(res, "/api/tasks/<name>", detail);
		}
		if (method === "POST") {
			const body = await readJson(req);
			let result;
			if (parts[0] === "api" && parts[1] === "tasks" && parts.length === 4 && parts[3] === "stop") result = await actions.stop(parts[2]);
			else if (parts[0] === "api" && parts[1] === "tasks" && parts.length === 4 && parts[3] === "rm") result = await actions.remove(parts[2], { force: body.force === true });
			else if (url.pathname === "/api/land") {
				const name = typeof body.name === "string" ? body.name : null;
				if (name !== null) requireTask(project, name);
				return sendOk(res, 202, "/api/land", landJobs.start(name));
			} else throw new HttpError(404, "not found");
			feed.poke();
			return sendJson(res, 200, {
				ok: true,
				result: result ?? null
			});
		}
		throw new HttpError(404, "not found");
	}
	async function handle(req, res) {
		res.setHeader("x-content-type-options", "nosniff");
		res.setHeader("cache-control", "no-store");
		if (!hostAllowed(req, port)) throw new HttpError(403, "unexpected Host header");
		const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
		const auth = authorize(req, url, token);
		if (auth === "denied") {
			if (url.pathname.startsWith("/api/")) return sendJson(res, 401, { error: { message: "missing or wrong token" } });
			res.writeHead(401, { "content-type": "text/plain; charset=utf-8" });
			res.end("401: open the URL printed by `braid web` (it carries the access token).\n");
			return;
		}
		if (auth === "via-query") {
			res.setHeader("set-cookie", sessionCookie(token));
			if (req.method === "GET" && url.pathname === "/") {
				res.writeHead(303, { location: "/" });
				res.end();
				return;
			}
		}
		if (req.method === "POST" && !originAllowed(req, port)) throw new HttpError(403, "cross-origin request refused");
		await route(req, res, url);
	}
	const server = createServer((req, res) => {
		handle(req, res).catch((err) => {
			if (!res.headersSent) sendError(res, err);
			else res.end();
		});
	});
	await new Promise((resolve, reject) => {
		server.once("error", (err) => reject(err.code === "EADDRINUSE" ? new BraidError("E_USAGE", `port ${options.port} is already in use`, "Pick another with --port, or omit it.") : err));
		server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
	});
	port = server.address().port;
	return {
		url: `http://127.0.0.1:${port}/?token=${token}`,
		port,
		token,
		landRunning: () => landJobs.latest()?.state === "running",
		landIdle: () => landJobs.idle(),
		close: () => new Promise((resolve) => {
			feed.stop();
			for (const s of streams) s.end();
			server.close(() => resolve());
			server.closeAllConnections();
		})
	};
}
// dist/cli/commands/web.js
function parsePort(value) {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0 || n > 65535) throw new BraidError("E_USAGE", `--port must be a number from 0 to 65535, not '${value}'`);
	return n;
}
/** Best effort: a machine without a desktop just keeps the printed URL. */
function openBrowser(url, cwd) {
	run("xdg-open", [url], {
		cwd,
		allowFailure: true,
		timeoutMs: 1e4
	}).catch(() => {});
}
function register(program) {
	program.command("web").description("serve the dashboard (tasks, diffs, radar, queue, usage) on 127.0.0.1, live over server-sent events").option("--port <n>", "port to listen on (default: a free one)", parsePort).option("--no-open", "do not open a browser").option("--json", "print one JSON document {\"url\",\"port\",\"token\"} once listening, then keep serving").action(async (opts) => {
		const project = await openProject(process.cwd());
		const server = await startWebServer(project, { port: opts.port });
		if (opts.json) printJson({
			url: server.url,
			port: server.port,
			token: server.token
		});
		else process.stdout.write(`braid dashboard: ${server.url}\n(Ctrl-C to stop)\n`);
		if (opts.open) openBrowser(server.url, project.repo.root);
		await new Promise((resolve) => {
			const stop = () => resolve();
			process.once("SIGINT", stop);
			process.once("SIGTERM", stop);
		});
		if (server.landRunning()) process.stderr.write("braid web: waiting for the landing in progress to finish…\n");
		await server.landIdle();
		await server.close();
		project.close();
	});
}
export { register };
