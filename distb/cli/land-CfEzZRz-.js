import { r as isBraidError, t as BraidError } from "./errors-wmBuLZod.js";
import { c as resolveCommit, d as gitOk, f as gitRun, i as currentBranch, o as hasCommits, s as refExists, u as git } from "./config-file-CkoDHq_W.js";
import { a as releasePorts, n as leasePorts, o as taskPorts, s as plural, t as GATE_LESSEE } from "./ports-CHLGDPFH.js";
import { a as groupAlive, c as descendantsOf, m as scanProcesses, o as terminateGroup, r as run, u as readEnviron } from "./run-CAKlpui-.js";
import { t as openStore } from "./db-CpqE9mc6.js";
import { n as checkInstalled, r as getAgent } from "./registry-BDNpn1UI.js";
import { l as listEvents, o as appendEvent, r as refusalDetail } from "./refusals-DxFGZ0mh.js";
import { a as compileGlob, t as migrationNumber } from "./radar-parse-DNTK7Ati.js";
import { a as listTasks, i as insertTask, o as mergeTaskOptions, r as getTask, s as updateTask, t as deleteTask } from "./tasks-BaE3DxGI.js";
import { n as processStartTime } from "./pid-BJsOpIbp.js";
import { a as liveLockHolder, c as releaseLock, d as withLockIfFree, i as listLocks, s as recordLock, t as acquireLock } from "./locks-DgAq5XpH.js";
import { a as finishOperation, c as openOperations, i as beginOperation, l as pausePoint, o as isAbandoned, r as nextStatus, s as lastOperation, t as REGISTERED_HOOK_EVENTS, u as recordStep } from "./status-ClrpCT2N.js";
import { a as worktreeChanges, i as snapshotWorktree, n as mergeTrees, r as BRAID_IDENTITY, t as isContentMerged } from "./merge-tree-DF9GFWME.js";
import { a as sessionPaths, c as LIVE_STATUSES, i as sessionAlive, n as handleOf, o as typeIntoSession, s as getRuntime } from "./reach-gipIaIgq.js";
import { a as builtModule, n as setupLogPath, t as braidDir } from "./paths-Dq-5bDtl.js";
import { g as removeTaskCgroup, h as killTaskCgroup, m as confineLaunch, n as parseStreamJsonLog, v as sandboxWish } from "./stream-json-BZ8Yg24g.js";
import { d as afterCasFailure, f as checkoutOverlap, h as planNextStep, i as activeEntries, l as updateEntry, m as handBackMessage, n as asQueueHolder, o as enqueue, p as gateVerdict, t as QUEUE_LOCK } from "./queue-lock-k6y2TCMt.js";
import path from "node:path";
import { appendFileSync, copyFileSync, createWriteStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
// dist/core/names.js
const MAX_TASK_NAME = 40;
const NAME_RULE = "a task name is 1–40 characters of lowercase letters, digits, \"-\" and \"_\", starting with a letter or digit, not ending in \"-\", with no \"--\"";
/**
* One rule that is safe everywhere a name lands: git refs (braid/<name>), tmux targets
* (no '.', ':'), file names, and shells (no quoting ever needed).
*/
function taskNameProblem(name) {
	if (name.length === 0) return "it is empty";
	if (name.length > MAX_TASK_NAME) return `it is ${name.length} characters long`;
	if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) return "it has characters outside a-z, 0-9, \"-\" and \"_\" or starts with one of \"-\", \"_\"";
	if (name.endsWith("-")) return "it ends in \"-\"";
	if (name.includes("--")) return "it contains \"--\"";
	return null;
}
function assertTaskName(name) {
	const problem = taskNameProblem(name);
	if (problem) throw new BraidError("E_BAD_NAME", `'${name}' is not a valid task name: ${problem}`, `Use ${NAME_RULE}, e.g. "fix-login".`);
}
function taskBranch(name) {
	return `braid/${name}`;
}
/** Where a task's worktree goes: the `worktrees` template, relative to the main checkout. */
function worktreeLocation(template, repoName, task) {
	return template.replaceAll("{repo}", repoName).replaceAll("{task}", task);
}
/**
* The folder of the gate's scratch worktree `slot`, beside the task worktrees: a name no task can
* take (task names never start with "_"), so a test runner sees a plain checkout (nothing under
* .git or node_modules). A template without {repo} may be shared by several repositories, so
* the folder then names the repository too.
*/
function gateScratchLocation(template, repoName, slot) {
	const folder = template.includes("{repo}") ? `_gate-${slot}` : `_${repoName}-gate-${slot}`;
	if (!template.includes("{task}")) return path.join(path.dirname(worktreeLocation(template, repoName, "")), folder);
	return worktreeLocation(template, repoName, folder);
}
/** The slot of a folder name gateScratchLocation gives (any repository's), or null. */
function gateScratchSlot(folder) {
	const m = /^_(?:.+-)?gate-(\d+)$/.exec(folder);
	return m ? Number(m[1]) : null;
}
function backupRef(task, at) {
	return `refs/braid/backup/${task}/${at.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
}
// dist/core/database-name.js
/** PostgreSQL truncates identifiers at 63 bytes; longer names would silently collide. */
const MAX_IDENTIFIER = 63;
/** The per-task database name `<prefix>_<task>`: lowercase, [a-z0-9_] only, ≤ 63 bytes, never quoted. */
function taskDatabaseName(prefix, task) {
	const clean = (s) => s.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/_+/g, "_").replace(/^_|_$/g, "");
	const head = clean(prefix) || "braid";
	const tail = clean(task) || "task";
	const name = `${/^[a-z_]/.test(head) ? head : `db_${head}`}_${tail}`;
	if (name.length <= MAX_IDENTIFIER) return name;
	const room = Math.max(1, MAX_IDENTIFIER - tail.length - 1);
	return `${name.slice(0, room)}_${tail}`.slice(0, MAX_IDENTIFIER);
}
/** The task's connection URL: `{db}` in the template is replaced, or else the URL's path is. */
function taskDatabaseUrl(urlTemplate, database) {
	if (urlTemplate.includes("{db}")) return urlTemplate.replaceAll("{db}", database);
	const url = new URL(urlTemplate);
	url.pathname = `/${database}`;
	return url.toString();
}
/** libpq variables for the client tools (createdb, dropdb) from a server URL with `{db}` in it. */
function pgEnvFromUrl(urlTemplate) {
	const url = new URL(urlTemplate.replaceAll("{db}", "postgres"));
	const env = {};
	const host = url.searchParams.get("host") ?? decodeURIComponent(url.hostname);
	if (host) env.PGHOST = host.replace(/^\[|\]$/g, "");
	if (url.port) env.PGPORT = url.port;
	if (url.username) env.PGUSER = decodeURIComponent(url.username);
	if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
	return env;
}
/** A task's URL when the config names no server: the libpq variables the tools used, spelled as a URL. */
function pgUrlFromEnv(env, database) {
	const host = env.PGHOST || "localhost";
	const user = env.PGUSER ? encodeURIComponent(env.PGUSER) : "";
	const pass = env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : "";
	const auth = user ? `${user}${pass}@` : "";
	const port = env.PGPORT ? `:${env.PGPORT}` : "";
	if (host.startsWith("/")) return `postgresql://${auth}${port ? `localhost${port}` : ""}/${database}?host=${encodeURIComponent(host)}`;
	return `postgresql://${auth}${host.includes(":") ? `[${host}]` : host}${port}/${database}`;
}
// dist/isolate/workspace/database.js
/** The comment braid puts on a task database it created: how `braid gc` tells its own from the user's. */
function ownerComment(owner, task) {
	return `braid task ${task} of ${owner}`;
}
/** Gives the task its own database: a copy of the sqlite file, or a postgres database from the template. */
async function provisionDatabase(config, ctx) {
	const info = config.kind === "sqlite" ? await copySqlite(config, ctx) : await createPostgres(config, ctx);
	return {
		env: { [config.env]: info.url },
		info
	};
}
/** Removes the task's database (postgres: `dropdb --if-exists`; sqlite: the copy and its journals). */
async function dropDatabase(config, ctx) {
	if (config.kind === "sqlite") {
		const copy = path.join(ctx.worktree, config.path);
		for (const suffix of [
			"",
			"-wal",
			"-shm",
			"-journal"
		]) rmSync(`${copy}${suffix}`, { force: true });
		return;
	}
	const name = taskDatabaseName(config.name ?? config.template, ctx.task);
	const env = clientEnv(config, ctx);
	const forced = await run("dropdb", [
		"--if-exists",
		"--force",
		name
	], {
		cwd: ctx.worktree,
		env,
		allowFailure: true
	});
	if (forced.code === 0) return;
	if (!/FORCE|syntax error/i.test(forced.stderr)) throw dbError(`could not drop ${name}`, forced.stderr);
	const plain = await run("dropdb", ["--if-exists", name], {
		cwd: ctx.worktree,
		env,
		allowFailure: true
	});
	if (plain.code !== 0) throw dbError(`could not drop ${name}`, plain.stderr);
}
async function copySqlite(config, ctx) {
	const source = path.join(ctx.repoRoot, config.path);
	const copy = path.join(ctx.worktree, config.path);
	const base = {
		kind: "sqlite",
		path: copy,
		url: config.url.replaceAll("{path}", copy)
	};
	if (existsSync(copy)) return {
		...base,
		created: false,
		note: "the task already has its copy; kept"
	};
	if (!existsSync(source)) return {
		...base,
		created: false,
		note: `${config.path} does not exist in the main checkout: nothing copied`
	};
	mkdirSync(path.dirname(copy), { recursive: true });
	try {
		const db = new Database(source, {
			readonly: true,
			fileMustExist: true
		});
		try {
			await db.backup(copy);
		} finally {
			db.close();
		}
	} catch {
		rmSync(copy, { force: true });
		copyFileSync(source, copy);
	}
	return {
		...base,
		created: true
	};
}
async function createPostgres(config, ctx) {
	const name = taskDatabaseName(config.name ?? config.template, ctx.task);
	const env = clientEnv(config, ctx);
	const url = config.url ? taskDatabaseUrl(config.url, name) : pgUrlFromEnv(env, name);
	const res = await run("createdb", [
		"-T",
		config.template,
		name
	], {
		cwd: ctx.worktree,
		env,
		allowFailure: true,
		timeoutMs: 3e5
	});
	if (res.code === 0) {
		if (ctx.owner) await psqlMaintenance(env, ctx.worktree, [`marker=${ownerComment(ctx.owner, ctx.task)}`], `COMMENT ON DATABASE ${name} IS :'marker';`);
		return {
			kind: "postgres",
			name,
			url,
			created: true
		};
	}
	if (/already exists/.test(res.stderr)) return {
		kind: "postgres",
		name,
		url,
		created: false,
		note: `${name} already existed; kept`
	};
	throw dbError(`could not create ${name} from template ${config.template}`, res.stderr);
}
/** SQL on the server's maintenance database; values go in as psql variables (:'name'), never spliced. */
async function psqlMaintenance(env, cwd, vars, sql) {
	const args = [
		"-X",
		"-q",
		"-t",
		"-A",
		"-v",
		"ON_ERROR_STOP=1",
		...vars.flatMap((v) => ["-v", v])
	];
	const res = await run("psql", [
		...args,
		"-d",
		"postgres"
	], {
		cwd,
		env,
		input: sql,
		allowFailure: true
	});
	if (res.code !== 0) throw dbError("psql on the maintenance database failed", res.stderr);
	return res.stdout;
}
function clientEnv(config, ctx) {
	const base = ctx.env ?? process.env;
	const picked = {};
	for (const k of [
		"PGHOST",
		"PGPORT",
		"PGUSER",
		"PGPASSWORD"
	]) if (base[k]) picked[k] = base[k];
	return {
		...base,
		...picked,
		...config.url ? pgEnvFromUrl(config.url) : {}
	};
}
function dbError(what, stderr) {
	const detail = stderr.trim().split("\n").slice(-3).join("\n");
	const busy = /being accessed by other users/.test(stderr);
	return new BraidError("E_DATABASE", `${what}: ${detail}`, busy ? "PostgreSQL copies a template only while nobody is connected to it: close connections to the template (apps, psql) or keep a dedicated template database." : "Check that the server runs and accepts the configured user (database.url in braid.yaml, or PGHOST/PGPORT/PGUSER).");
}
// dist/isolate/workspace/lost-work.js
function hasUnlandedWork(work) {
	return work.uncommitted.length > 0 || work.commits.length > 0;
}
/** What removing a task would lose. */
async function unlandedWork(root, task) {
	if (task.options.readonly === true && path.resolve(task.worktree) === path.resolve(root)) return {
		uncommitted: [],
		commits: []
	};
	const uncommitted = existsSync(task.worktree) && await gitOk(["rev-parse", "--git-dir"], { cwd: task.worktree }) ? await worktreeChanges(task.worktree) : [];
	const branchRef = `refs/heads/${task.branch}`;
	if (!await refExists(root, branchRef)) return {
		uncommitted,
		commits: []
	};
	const baseRef = await refExists(root, `refs/heads/${task.base}`) ? `refs/heads/${task.base}` : task.baseCommit;
	const landedTip = await landedTipOnBase(root, task, baseRef);
	const out = await git([
		"rev-list",
		"--oneline",
		branchRef,
		`^${baseRef}`,
		...landedTip ? [`^${landedTip}`] : []
	], { cwd: root });
	const commits = out ? out.split("\n") : [];
	if (commits.length && await isContentMerged(root, baseRef, branchRef)) return {
		uncommitted,
		commits: []
	};
	return {
		uncommitted,
		commits
	};
}
/** The branch tip the queue landed (squashed, so not an ancestor of the base), while that landing is on the base. */
async function landedTipOnBase(root, task, baseRef) {
	const tip = typeof task.options.landedTip === "string" ? task.options.landedTip : null;
	if (!tip || !task.landedCommit) return null;
	const onBase = await gitOk([
		"merge-base",
		"--is-ancestor",
		task.landedCommit,
		baseRef
	], { cwd: root });
	const exists = await gitOk([
		"cat-file",
		"-e",
		`${tip}^{commit}`
	], { cwd: root });
	return onBase && exists ? tip : null;
}
function describeUnlanded(work) {
	const parts = [];
	if (work.uncommitted.length) {
		const shown = work.uncommitted.slice(0, 10).join(", ");
		const more = work.uncommitted.length > 10 ? ` and ${work.uncommitted.length - 10} more` : "";
		parts.push(`${plural(work.uncommitted.length, "uncommitted or untracked file")}: ${shown}${more}`);
	}
	if (work.commits.length) parts.push(`${plural(work.commits.length, "commit")} not on the base: ${work.commits.slice(0, 5).join("; ")}`);
	return parts.join("\n  ");
}
// dist/isolate/workspace/main-checkout.js
/**
* A research/review task (braid new --readonly): it lives in the main checkout, owns no worktree,
* branch, ports or setup, so removing it must never touch the checkout or any branch.
*/
function isReadonlyTask(project, task) {
	return task.options.readonly === true && isMainCheckout(project, task.worktree);
}
/** Whether `dir` is the repository's main checkout, which braid never deletes. */
function isMainCheckout(project, dir) {
	return path.resolve(dir) === path.resolve(project.repo.root);
}
// dist/isolate/workspace/worktree-lock.js
/** One change to a repository's worktree list at a time in this process (lock rows are per process). */
const chains = /* @__PURE__ */ new Map();
/**
* Runs `fn` (a `git worktree add/remove/prune`) holding the repository's `git-worktrees` lock: git
* itself races when two processes change the worktree list at once ("failed to read …/commondir").
*/
async function withWorktreeLock(repoDir, fn) {
	const common = path.resolve(repoDir, await git(["rev-parse", "--git-common-dir"], { cwd: repoDir }));
	const before = chains.get(common) ?? Promise.resolve();
	let done;
	const mine = before.then(() => new Promise((resolve) => done = resolve));
	chains.set(common, mine);
	await before;
	const store = openStore(common);
	try {
		const release = await acquireLock(store, "git-worktrees", {
			label: `braid (pid ${process.pid}) changing worktrees`,
			timeoutMs: 3e5
		});
		try {
			return await fn();
		} finally {
			release();
		}
	} finally {
		store.close();
		done();
		if (chains.get(common) === mine) chains.delete(common);
	}
}
// dist/isolate/workspace/remove.js
/** Refuses while another live braid process is mid-operation on the task; abandoned ones are taken over. */
function claimTask(project, name) {
	for (const op of openOperations(project.store, name)) {
		if (!isAbandoned(op)) throw new BraidError("E_LOCKED", `another braid process (pid ${op.pid}) is busy with task '${name}' (${op.kind})`, "Wait for it to finish, or stop it.");
		finishOperation(project.store, op, "superseded");
	}
}
/** Saves the whole worktree state (or the branch tip when the worktree is gone) under refs/braid/backup/. */
async function backup(project, task) {
	const ref = backupRef(task.name, /* @__PURE__ */ new Date());
	const root = project.repo.root;
	if (existsSync(task.worktree) && await gitOk([
		"rev-parse",
		"--verify",
		"-q",
		"HEAD"
	], { cwd: task.worktree })) {
		await snapshotWorktree(task.worktree, {
			ref,
			message: `braid backup of task ${task.name}`
		});
		return ref;
	}
	if (await refExists(root, `refs/heads/${task.branch}`)) {
		await git([
			"update-ref",
			ref,
			`refs/heads/${task.branch}`
		], { cwd: root });
		return ref;
	}
	return null;
}
/** Removes a task without ever losing work: backup first, refuse on unlanded work unless forced. */
async function removeTask(project, name, options = {}) {
	const { store, repo, config } = project;
	const task = getTask(store, name);
	if (!task) throw new BraidError("E_NO_TASK", `no task named '${name}'`, "See the tasks with braid ls.");
	const resumed = openOperations(store, name).some((op) => op.kind === "remove" && isAbandoned(op));
	claimTask(project, name);
	if (isReadonlyTask(project, task)) return removeReadonlyTask(project, task, options);
	const saved = await backup(project, task);
	const restoreHint = saved ? `git branch ${name}-restored ${saved}` : null;
	if (!options.force) {
		const work = await unlandedWork(repo.root, task);
		if (hasUnlandedWork(work)) throw new BraidError("E_UNLANDED_WORK", `task '${name}' has work that is not on ${task.base}:\n  ${describeUnlanded(work)}`, `Land it (braid land ${name}), or remove anyway with --force. A backup is at ${saved} (restore: ${restoreHint}).`);
	}
	const op = beginOperation(store, name, "remove", { backupRef: saved });
	pausePoint("remove", "begin");
	if (options.stopSession) await options.stopSession(task);
	recordStep(store, op, "session");
	const worktreeThere = existsSync(task.worktree);
	if (config.database && (worktreeThere || config.database.kind === "postgres")) {
		const cwd = worktreeThere ? task.worktree : repo.root;
		await dropDatabase(config.database, {
			task: name,
			repoRoot: repo.root,
			worktree: cwd
		});
	}
	recordStep(store, op, "database");
	if (!isMainCheckout(project, task.worktree)) await removeWorktree(repo.root, task.worktree);
	recordStep(store, op, "worktree");
	if (await refExists(repo.root, `refs/heads/${task.branch}`)) await git([
		"branch",
		"-D",
		"--",
		task.branch
	], { cwd: repo.root });
	recordStep(store, op, "branch");
	store.tx(() => {
		releasePorts(store, name);
		deleteTask(store, name);
	});
	finishOperation(store, op, "done");
	return {
		name,
		backupRef: saved,
		restoreHint,
		resumed
	};
}
/** A read-only task owns only its session and its row: the main checkout and its branch stay. */
async function removeReadonlyTask(project, task, options) {
	const { store } = project;
	const op = beginOperation(store, task.name, "remove", { readonly: true });
	if (options.stopSession) await options.stopSession(task);
	recordStep(store, op, "session");
	store.tx(() => {
		releasePorts(store, task.name);
		deleteTask(store, task.name);
	});
	finishOperation(store, op, "done");
	return {
		name: task.name,
		backupRef: null,
		restoreHint: null
	};
}
/** Removes a worktree folder and git's record of it, whichever of the two still exists. */
async function removeWorktree(root, worktree) {
	await withWorktreeLock(root, async () => {
		if (existsSync(worktree)) {
			if (!await gitOk([
				"worktree",
				"remove",
				"--force",
				"--force",
				"--",
				worktree
			], { cwd: root })) rmSync(worktree, {
				recursive: true,
				force: true
			});
		}
		await git(["worktree", "prune"], { cwd: root });
	});
}
// dist/isolate/workspace/deps.js
/** Lockfiles whose equality means two checkouts need the same node_modules. */
const LOCKFILES = [
	"package-lock.json",
	"npm-shrinkwrap.json",
	"pnpm-lock.yaml",
	"yarn.lock",
	"bun.lock",
	"bun.lockb"
];
function sameLockfile(root, worktree) {
	for (const name of LOCKFILES) {
		const a = path.join(root, name);
		const b = path.join(worktree, name);
		if (existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b))) return name;
	}
	return null;
}
/** Chooses how a new worktree gets its own node_modules, following the `deps` setting. */
function decideDeps(config, root, worktree) {
	const hasModules = existsSync(path.join(root, "node_modules"));
	if (config.deps === "none") return {
		action: "none",
		reason: "deps: none"
	};
	if (config.deps === "install") return {
		action: "install",
		reason: "deps: install"
	};
	if (config.deps === "clone") return hasModules ? {
		action: "clone",
		reason: "deps: clone"
	} : {
		action: "install",
		reason: "the main checkout has no node_modules to clone"
	};
	const lock = sameLockfile(root, worktree);
	if (lock && hasModules) return {
		action: "clone",
		reason: `${lock} equals the main checkout's`
	};
	if (!existsSync(path.join(worktree, "package.json"))) return {
		action: "install",
		reason: "no package.json"
	};
	return {
		action: "install",
		reason: lock ? "the main checkout has no node_modules" : "lockfile differs"
	};
}
/**
* Gives the worktree its own copy of node_modules: copy-on-write where the filesystem can (reflink),
* a real copy otherwise, never a symlink or hard link that would let two tasks write one tree.
*/
async function cloneNodeModules(root, worktree) {
	await run("cp", [
		"-a",
		"--reflink=auto",
		"--",
		path.join(root, "node_modules"),
		path.join(worktree, "node_modules")
	], {
		cwd: worktree,
		timeoutMs: 18e5
	});
}
// dist/isolate/workspace/env.js
/** `COMPOSE_PROJECT_NAME` must be lowercase letters, digits, dashes and underscores. */
function composeProjectName(repoName, task) {
	return `${repoName.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "repo"}-${task}`;
}
/** The environment every session, setup command and gate of a task runs with. */
function taskEnvironment(repo, task, ports, extra = {}) {
	const env = {
		BRAID_TASK: task.name,
		BRAID_REPO: repo.root,
		COMPOSE_PROJECT_NAME: composeProjectName(repo.name, task.name)
	};
	for (const [name, port] of Object.entries(ports)) env[name] = String(port);
	return {
		...env,
		...extra
	};
}
/** Where `migrations:` is configured, sessions learn the lock to run them under (`braid lock $BRAID_MIGRATIONS_LOCK -- …`). */
function migrationEnv(config) {
	return config.migrations ? { BRAID_MIGRATIONS_LOCK: config.migrations.lock } : {};
}
/** `export K='v'` lines, quoted for POSIX shells. */
function exportLines(env) {
	return Object.entries(env).map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`).join("\n");
}
// dist/isolate/workspace/setup.js
/** How often a long setup command says it is still running. */
const STILL_RUNNING_MS = 15e3;
function seconds(ms) {
	return `${(ms / 1e3).toFixed(1)}s`;
}
/**
* Runs the configured setup commands (the user's own shell lines, e.g. `npm ci`) in a new worktree:
* every line of output goes to the task's log; progress is one line per command (which, how long).
*/
async function runSetup(setup) {
	mkdirSync(path.dirname(setup.logPath), { recursive: true });
	for (const [i, command] of setup.commands.entries()) {
		const label = `setup ${i + 1}/${setup.commands.length}: ${command}`;
		appendFileSync(setup.logPath, `$ ${command}\n`);
		setup.onProgress?.(`${label} (output in ${setup.logPath})`);
		const started = Date.now();
		const ticker = setInterval(() => setup.onProgress?.(`${label} (running, ${seconds(Date.now() - started)})`), STILL_RUNNING_MS);
		const res = await run("sh", ["-c", command], {
			cwd: setup.cwd,
			env: setup.env,
			timeoutMs: setup.timeoutSeconds * 1e3,
			allowFailure: true,
			processGroup: true,
			onLine: (line) => appendFileSync(setup.logPath, `${line}\n`)
		}).catch((err) => {
			if (!isBraidError(err, "E_TIMEOUT")) throw err;
			return "timed out";
		}).finally(() => clearInterval(ticker));
		if (res === "timed out") {
			appendFileSync(setup.logPath, `[braid] timed out after ${setup.timeoutSeconds} s (setup_timeout): its process group was ended\n`);
			throw new BraidError("E_SETUP_FAILED", `setup command timed out after ${setup.timeoutSeconds} s (setup_timeout in braid.yaml): ${command}`, `See the log: ${setup.logPath}. If it needs longer, raise setup_timeout in braid.yaml; then braid rm the task and create it again.`);
		}
		if (res.code !== 0) {
			appendFileSync(setup.logPath, `[braid] exited with ${res.code ?? res.signal}\n`);
			throw new BraidError("E_SETUP_FAILED", `setup command failed (${res.signal ? `killed by ${res.signal}` : `exit ${res.code}`}): ${command}`, `See the log: ${setup.logPath}. Fix it, then braid rm the task and create it again.`);
		}
		setup.onProgress?.(`${label} (done in ${seconds(Date.now() - started)})`);
	}
}
// dist/isolate/workspace/includes.js
/** Folders never walked while expanding a glob: they are huge and never hold includes. */
const SKIP_DIRS = /* @__PURE__ */ new Set([".git", "node_modules"]);
function insideRoot(root, file) {
	const rel = path.relative(root, file);
	return rel === "" || !rel.startsWith("..") && !path.isAbsolute(rel);
}
/** Resolves symlinks and refuses anything that lands outside the repository. */
function checkedRealPath(root, file, pattern) {
	const real = realpathSync(file);
	if (!insideRoot(root, real)) throw new BraidError("E_PATH_ESCAPE", `include '${pattern}' matches ${path.relative(root, file)}, which links outside the repository (${real})`, "Includes may only copy files that live inside the repository; remove the link or the pattern.");
	return real;
}
/** Every file under `dir`, as `/`-separated paths relative to the repository. */
function walkFiles(dir, rel, out) {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
		const next = rel ? `${rel}/${entry.name}` : entry.name;
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) walkFiles(full, next, out);
		else out.push(next);
	}
}
/**
* Expands include patterns against the main checkout into relative file paths (braid's glob
* dialect, core/glob.ts): a plain path names a file, or a folder and everything in it.
*/
function expandIncludes(root, patterns) {
	const realRoot = realpathSync(root);
	const found = /* @__PURE__ */ new Set();
	for (const pattern of patterns) {
		const glob = compileGlob(pattern);
		const start = path.join(realRoot, glob.base);
		let stat;
		try {
			stat = statSync(start);
		} catch {
			continue;
		}
		checkedRealPath(realRoot, start, pattern);
		if (!glob.isGlob && stat.isFile()) {
			found.add(glob.base);
			continue;
		}
		if (!stat.isDirectory()) continue;
		const files = [];
		walkFiles(start, glob.base, files);
		for (const f of files) if (glob.matches(f)) found.add(f);
	}
	return [...found].sort();
}
/** Copies the include files into a worktree, keeping modes; returns what was copied. */
function copyIncludes(root, worktree, patterns) {
	const realRoot = realpathSync(root);
	const files = expandIncludes(root, patterns);
	for (const rel of files) {
		const real = checkedRealPath(realRoot, path.join(realRoot, rel), rel);
		if (!lstatSync(real).isFile()) continue;
		const dest = path.join(worktree, rel);
		mkdirSync(path.dirname(dest), { recursive: true });
		copyFileSync(real, dest);
	}
	return files;
}
// dist/isolate/workspace/recover.js
/**
* Finishes what a killed braid left half-done on a task: a provision that never completed is rolled
* back (its worktree backed up first), a removal that had passed its checks is completed.
*/
async function recoverTask(project, name) {
	const ops = openOperations(project.store, name);
	if (!ops.length) return null;
	const abandoned = ops.filter(isAbandoned);
	claimTask(project, name);
	if (!abandoned.length || !getTask(project.store, name)) return null;
	const kind = abandoned[abandoned.length - 1].kind;
	await removeTask(project, name, { force: true });
	return kind === "provision" ? `rolled back the unfinished creation of '${name}'` : `finished removing '${name}'`;
}
// dist/isolate/workspace/provision.js
/** The base a task starts from: --base, else `base` in braid.yaml, else the main checkout's branch. */
async function resolveBase(project, requested) {
	const root = project.repo.root;
	if (!await hasCommits(root) && !requested) throw new BraidError("E_NO_COMMITS", "this repository has no commits yet", "Make a first commit, then try again.");
	const base = requested ?? project.config.base ?? await currentBranch(root);
	if (!base) throw new BraidError("E_DETACHED_HEAD", "the main checkout has a detached HEAD, so there is no branch to start from", "Pass --base <branch>, set base: in braid.yaml, or check out a branch.");
	return {
		base,
		commit: await resolveCommit(root, base)
	};
}
function worktreePathFor(project, name) {
	return path.resolve(project.repo.root, worktreeLocation(project.config.worktrees, project.repo.name, name));
}
/** Provisions a task's workspace step by step, journaled so a killed run is repaired by the next braid. */
async function provisionTask(project, req) {
	assertTaskName(req.name);
	const { store, repo, config } = project;
	const repaired = await recoverTask(project, req.name);
	if (repaired) req.onProgress?.(repaired);
	if (getTask(store, req.name)) throw new BraidError("E_TASK_EXISTS", `task '${req.name}' already exists`, `Pick another name, or braid rm ${req.name} first.`);
	const { base, commit } = await resolveBase(project, req.base);
	const branch = taskBranch(req.name);
	if (await refExists(repo.root, `refs/heads/${branch}`)) throw new BraidError("E_TASK_EXISTS", `branch ${branch} already exists`, `Delete or rename it (git branch -m ${branch} …) first.`);
	const worktree = worktreePathFor(project, req.name);
	if (existsSync(worktree) && readdirSync(worktree).length) throw new BraidError("E_TASK_EXISTS", `the folder ${worktree} already exists and is not empty`, "Move it away, or run braid gc.");
	const op = store.tx(() => {
		if (getTask(store, req.name)) throw new BraidError("E_TASK_EXISTS", `task '${req.name}' already exists`, `Pick another name.`);
		insertTask(store, {
			name: req.name,
			branch,
			worktree,
			base,
			baseCommit: commit,
			agent: req.agent ?? config.agent,
			prompt: req.prompt ?? null,
			runtime: req.headless ? "headless" : "tmux",
			needs: req.needs ?? [],
			runId: req.runId ?? null,
			options: req.options ?? {},
			logPath: setupLogPath(repo.commonDir, req.name)
		});
		return beginOperation(store, req.name, "provision", {
			worktree,
			branch
		});
	});
	pausePoint("provision", "begin");
	return runProvision(project, op, req, {
		worktree,
		branch,
		commit
	});
}
/** Runs the steps the journal does not list as done, then marks the task idle (or failed, with why). */
async function runProvision(project, op, req, where) {
	const { store } = project;
	try {
		await buildWorkspace(project, op, req, where);
	} catch (err) {
		const why = err instanceof BraidError ? err.message : String(err);
		updateTask(store, req.name, {
			status: "failed",
			statusSource: "process",
			statusDetail: why
		});
		finishOperation(store, op, "failed");
		throw err;
	}
	updateTask(store, req.name, {
		status: "idle",
		statusSource: "process",
		statusDetail: null
	});
	finishOperation(store, op, "done");
	return getTask(store, req.name);
}
async function buildWorkspace(project, op, req, where) {
	const { store, repo, config } = project;
	const say = req.onProgress ?? (() => {});
	const resumed = op.doneSteps.length > 0;
	const todo = (step) => !op.doneSteps.includes(step);
	if (todo("worktree")) {
		say(`creating worktree ${where.worktree}`);
		await withWorktreeLock(repo.root, () => git([
			"worktree",
			"add",
			"--quiet",
			"-b",
			where.branch,
			"--",
			where.worktree,
			where.commit
		], { cwd: repo.root }));
		recordStep(store, op, "worktree");
	}
	let copied = op.data.included ?? [];
	if (todo("include")) {
		copied = copyIncludes(repo.root, where.worktree, config.include);
		if (copied.length) say(`copied ${copied.join(", ")}`);
		recordStep(store, op, "include", { included: copied });
	}
	const ports = await leasePorts(store, req.name, config.ports);
	if (todo("ports")) recordStep(store, op, "ports");
	let dbEnv = getTask(store, req.name)?.options.databaseEnv ?? {};
	if (config.database && todo("database")) {
		say(`creating the task's ${config.database.kind} database`);
		const dbCtx = {
			task: req.name,
			repoRoot: repo.root,
			worktree: where.worktree,
			owner: repo.commonDir
		};
		if (resumed) await dropDatabase(config.database, dbCtx);
		const db = await provisionDatabase(config.database, dbCtx);
		dbEnv = db.env;
		mergeTaskOptions(store, req.name, {
			database: db.info,
			databaseEnv: db.env
		});
		recordStep(store, op, "database");
	}
	if (!todo("deps")) return;
	if (resumed) rmSync(path.join(where.worktree, "node_modules"), {
		recursive: true,
		force: true
	});
	const deps = decideDeps(config, repo.root, where.worktree);
	mergeTaskOptions(store, req.name, {
		deps: deps.action,
		depsReason: deps.reason,
		includes: copied
	});
	if (deps.action === "clone") {
		say(`cloning node_modules (${deps.reason})`);
		await cloneNodeModules(repo.root, where.worktree);
	} else if (deps.action === "install" && config.setup.length) await runSetup({
		commands: config.setup,
		cwd: where.worktree,
		env: taskEnvironment(repo, { name: req.name }, ports, {
			...migrationEnv(config),
			...dbEnv
		}),
		logPath: setupLogPath(repo.commonDir, req.name),
		timeoutSeconds: config.setup_timeout,
		onProgress: say
	});
	recordStep(store, op, "deps");
}
// dist/isolate/workspace/finish-provision.js
/** Options that describe how the workspace was built, not what was asked: a rebuild sets them anew. */
const BUILT_OPTIONS = [
	"deps",
	"depsReason",
	"includes",
	"database",
	"databaseEnv",
	"session"
];
function requestOf(task, onProgress) {
	const options = Object.fromEntries(Object.entries(task.options).filter(([k]) => !BUILT_OPTIONS.includes(k)));
	return {
		name: task.name,
		base: task.base,
		agent: task.agent,
		prompt: task.prompt ?? void 0,
		headless: task.runtime === "headless",
		needs: task.needs,
		runId: task.runId ?? void 0,
		options,
		onProgress
	};
}
/** A provision that never finished: its last journal entry is still open, or was taken over. */
function provisionUnfinished(project, name) {
	const last = lastOperation(project.store, name, "provision");
	return !!last && (last.outcome === null || last.outcome === "superseded");
}
async function worktreeOnBranch(task) {
	if (!existsSync(task.worktree)) return false;
	return await git([
		"symbolic-ref",
		"--quiet",
		"HEAD"
	], {
		cwd: task.worktree,
		allowFailure: true
	}) === `refs/heads/${task.branch}`;
}
/**
* Completes a provision a killed braid left half-done: the steps after the last recorded one run,
* or, when not even the worktree was made, the task is rolled back (backed up) and built again.
*/
async function finishProvision(project, name, onProgress) {
	const { store } = project;
	const task = getTask(store, name);
	if (!task || !provisionUnfinished(project, name)) return null;
	const last = lastOperation(store, name, "provision");
	claimTask(project, name);
	const req = requestOf(task, onProgress);
	if (!last?.doneSteps.includes("worktree") || !await worktreeOnBranch(task)) {
		await removeTask(project, name, { force: true });
		await provisionTask(project, req);
		return `rebuilt the half-provisioned task '${name}'`;
	}
	const op = beginOperation(store, name, "provision", {
		...last.data,
		resumed: true
	});
	for (const step of last.doneSteps) recordStep(store, op, step);
	updateTask(store, name, {
		status: "provisioning",
		statusSource: "process",
		statusDetail: null
	});
	await runProvision(project, op, req, {
		worktree: task.worktree,
		branch: task.branch,
		commit: task.baseCommit
	});
	return `finished provisioning '${name}' (after ${last.doneSteps.join(", ")})`;
}
/** Before a session starts: an interrupted removal is completed, an interrupted provision finished. */
async function repairBeforeStart(project, name, onProgress) {
	if (openOperations(project.store, name).filter(isAbandoned).some((op) => op.kind === "remove")) return recoverTask(project, name);
	return finishProvision(project, name, onProgress);
}
/**
* What `braid ls` shows for a task still marked `provisioning` whose braid process is gone: failed,
* saying how to go on. Cheap (one query and a pid check per such task); the repair itself is start's.
*/
function markInterruptedProvisions(project) {
	const { store } = project;
	for (const task of listTasks(store)) {
		if (task.status !== "provisioning") continue;
		if (openOperations(store, task.name).some((op) => !isAbandoned(op))) continue;
		updateTask(store, task.name, {
			status: "failed",
			statusSource: "process",
			statusDetail: `provisioning interrupted; braid start ${task.name} finishes it, braid rm ${task.name} removes it`
		});
	}
}
// dist/run/agents/claude-settings.js
/** Far beyond the hook's own run (it waits ~250 ms for a busy store, then spools), short enough never to stall a session. */
const HOOK_TIMEOUT_S = 10;
const CLAUDE_SETTINGS_FILE = "claude-settings.json";
/**
* Writes the settings file passed with `claude --settings`; Claude Code merges it with the user's own,
* so their hooks keep running beside braid's. Returns its path.
*/
async function writeClaudeSettings(opts) {
	const settings = claudeSettings(opts.task, opts.braidCommand);
	mkdirSync(opts.dir, { recursive: true });
	const file = path.join(opts.dir, CLAUDE_SETTINGS_FILE);
	const tmp = `${file}.${process.pid}.tmp`;
	writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
	renameSync(tmp, file);
	return file;
}
function claudeSettings(task, braidCommand) {
	for (const part of braidCommand) if (!path.isAbsolute(part)) throw new BraidError("E_CONFIG", `hook command parts must be absolute paths, got '${part}'`, "Pass [process.execPath, <absolute path of dist/cli/main.js>].");
	const hooks = {};
	for (const event of REGISTERED_HOOK_EVENTS) hooks[event] = [{ hooks: [{
		type: "command",
		command: hookCommand(braidCommand, event),
		timeout: HOOK_TIMEOUT_S
	}] }];
	return {
		env: { BRAID_TASK: task },
		hooks
	};
}
/** Hook commands are shell strings by Claude Code's design: built only from quoted absolute paths and a fixed event name. */
function hookCommand(braidCommand, event) {
	return [
		...braidCommand.map(shellQuote),
		"hook",
		event
	].join(" ");
}
function shellQuote(s) {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}
// dist/git/refs.js
/**
* Moves `ref` from `oldOid` to `newOid` only if it still points at `oldOid` (compare-and-swap).
* Returns false when someone else moved it first; throws for any other failure.
*/
async function casUpdateRef(cwd, ref, newOid, oldOid, reason) {
	if ((await gitRun([
		"update-ref",
		"-m",
		reason,
		ref,
		newOid,
		oldOid
	], {
		cwd,
		allowFailure: true
	})).code === 0) return true;
	if (await readRef(cwd, ref) !== oldOid) return false;
	await gitRun([
		"update-ref",
		"-m",
		reason,
		ref,
		newOid,
		oldOid
	], { cwd });
	return true;
}
/** The commit a ref points at, or null when it does not exist. */
async function readRef(cwd, ref) {
	return await git([
		"rev-parse",
		"--verify",
		"--quiet",
		"--end-of-options",
		`${ref}^{commit}`
	], {
		cwd,
		allowFailure: true
	}) || null;
}
/** True when `ancestor` is reachable from `descendant` (equal counts). */
async function isAncestor(cwd, ancestor, descendant) {
	return (await gitRun([
		"merge-base",
		"--is-ancestor",
		ancestor,
		descendant
	], {
		cwd,
		allowFailure: true
	})).code === 0;
}
/** Worktrees that have `ref` checked out (normally the main checkout for refs/heads/main). */
async function worktreesOnBranch(cwd, ref) {
	const out = await git([
		"worktree",
		"list",
		"--porcelain"
	], { cwd });
	const dirs = [];
	let current = null;
	for (const line of out.split("\n")) if (line.startsWith("worktree ")) current = line.slice(9);
	else if (line === `branch ${ref}` && current) dirs.push(current);
	return dirs;
}
// dist/run/session/refresh.js
/** A hooks agent silent this long after its start gets a note in its status detail. */
const SILENT_HOOKS_MS = 2e4;
/**
* Brings one task's status up to date from the sources braid polls: process liveness (and exit code),
* then, for agents without hooks, the screen. Hook-derived statuses are left alone while the process lives.
*/
async function refreshTaskStatus(project, name, now = Date.now(), hint = {}) {
	return (await refreshTaskStatusReading(project, name, now, hint)).task;
}
/** refreshTaskStatus, also telling whether the runtime itself reported the session over (not just a dead pid). */
async function refreshTaskStatusReading(project, name, now = Date.now(), hint = {}) {
	const task = getTask(project.store, name);
	if (!task) return {
		task: null,
		runtimeSaidEnded: false
	};
	const handle = handleOf(task);
	if (!handle || !(LIVE_STATUSES.includes(task.status) || endedByHook(task))) return {
		task,
		runtimeSaidEnded: false
	};
	const runtime = getRuntime(handle.runtime);
	const state = await runtime.state(handle, sessionPaths(project, name).exitPath, hint);
	if (state.alive && !LIVE_STATUSES.includes(task.status)) return {
		task,
		runtimeSaidEnded: false
	};
	if (!state.alive) {
		if (task.exitCode !== state.exitCode) updateTask(project.store, name, { exitCode: state.exitCode });
		applySignal(project, name, {
			kind: "process",
			alive: false,
			exitCode: state.exitCode
		});
		if (handle.runtime === "headless") await explainHeadlessEnd(project, name);
		return {
			task: getTask(project.store, name),
			runtimeSaidEnded: true
		};
	}
	const agent = agentOf(project, task);
	if (agent?.statusFile && state.pid) readAgentFile(project, name, agent, state.pid);
	if (agent?.statusMode === "screen") await readScreen(project, task, runtime, handle, agent, now, state.activityAt ?? null);
	if (agent?.statusMode === "hooks") noticeSilentHooks(project, name, now);
	if (agent?.statusMode === "process" && task.status === "starting") applySignal(project, name, {
		kind: "process",
		alive: true,
		exitCode: null,
		isTheWork: true
	});
	return {
		task: getTask(project.store, name),
		runtimeSaidEnded: false
	};
}
/** Refreshes every task with a live session, side by side. */
async function refreshAllSessions(project) {
	const live = listTasks(project.store).filter((t) => handleOf(t) && (LIVE_STATUSES.includes(t.status) || endedByHook(t)));
	await Promise.all(live.map((t) => refreshTaskStatus(project, t.name).catch(() => null)));
}
/**
* A headless Claude run says in its final stream-json `result` why it failed (e.g. error_max_budget_usd)
* and which tool uses it was refused: refusals are recorded, and a run that was refused and changed
* nothing has failed, whatever its exit code.
*/
async function explainHeadlessEnd(project, name) {
	const task = getTask(project.store, name);
	if (!task?.logPath || !["failed", "exited"].includes(task.status)) return;
	let log;
	try {
		log = readFileSync(task.logPath, "utf8");
	} catch {
		return;
	}
	const outcome = parseStreamJsonLog(log);
	if (!outcome.finished) return;
	const store = project.store;
	if (outcome.denials.length) {
		const nothing = !await changedAnything(project, task);
		appendEvent(store, name, "agent.permission-denied", {
			denials: outcome.denials,
			changedNothing: nothing
		});
		const detail = refusalDetail(outcome.denials, nothing);
		const fails = nothing && task.status === "exited";
		updateTask(store, name, {
			statusDetail: detail,
			...fails ? {
				status: "failed",
				statusSource: "process"
			} : {}
		});
		if (fails) appendEvent(store, name, "status.changed", {
			from: "exited",
			to: "failed",
			source: "process",
			detail
		});
		return;
	}
	if (task.status !== "failed" || !outcome.isError || !outcome.subtype) return;
	const detail = `${task.statusDetail ?? "failed"}: the agent reported ${outcome.subtype}`;
	if (!task.statusDetail?.includes(outcome.subtype)) updateTask(store, name, { statusDetail: detail });
}
/** Commits on the task's branch since its base, or edits in its worktree. */
async function changedAnything(project, task) {
	const tip = await readRef(project.repo.root, `refs/heads/${task.branch}`).catch(() => null);
	if (tip && tip !== task.baseCommit) return true;
	if (!existsSync(task.worktree)) return false;
	return (await worktreeChanges(task.worktree).catch(() => [])).length > 0;
}
/** SessionEnd arrives before the process is gone: its exit code is still to be read. */
function endedByHook(task) {
	return (task.status === "exited" || task.status === "failed") && task.statusSource === "hook";
}
function agentOf(project, task) {
	try {
		return getAgent(task.agent, project.config);
	} catch {
		return null;
	}
}
/** The agent's own status file, when written after braid's last status change (it covers interrupts). */
function readAgentFile(project, name, agent, pid) {
	if (!agent.statusFile) return;
	let file = null;
	for (const p of descendantsOf(pid)) {
		file = agent.statusFile(p);
		if (file) break;
	}
	if (!file) return;
	applySignal(project, name, {
		kind: "agent-file",
		state: file.state,
		waitingFor: file.waitingFor
	}, { newerThanStatus: file.writtenAt });
}
/** A hooks agent that never reported is most likely held at a dialog (Claude Code: workspace trust). */
function noticeSilentHooks(project, name, now) {
	const task = getTask(project.store, name);
	if (task?.status !== "starting" || task.statusSource !== "process" || task.statusDetail) return;
	if (now - task.statusSince < SILENT_HOOKS_MS) return;
	const detail = `no hook events yet: the agent may be waiting at a dialog (e.g. trusting the folder); see braid attach ${task.name}`;
	updateTask(project.store, task.name, { statusDetail: detail });
}
/** Screen source: a changed pane means working, one unchanged for the agent's idle time means idle. */
async function readScreen(project, task, runtime, handle, agent, now, activityAt) {
	const memo = task.options.screen;
	if (memo?.capturedAt !== void 0 && activityAt !== null && activityAt < Math.floor(memo.capturedAt / 1e3)) {
		const signal = {
			kind: "screen",
			changing: false,
			stableForMs: now - memo.changedAt
		};
		applySignal(project, task.name, signal, { screenIdleAfterMs: agent.screenIdleMs });
		return;
	}
	const text = await runtime.capture(handle).catch(() => null);
	if (text === null) return;
	const hash = createHash("sha1").update(text.replace(/\s+$/, "")).digest("hex");
	const changing = !memo || memo.hash !== hash;
	const changedAt = changing ? now : memo.changedAt;
	if (changing || activityAt !== null) mergeTaskOptions(project.store, task.name, { screen: {
		hash,
		changedAt,
		capturedAt: Date.now()
	} });
	const signal = {
		kind: "screen",
		changing,
		stableForMs: now - changedAt
	};
	applySignal(project, task.name, signal, { screenIdleAfterMs: agent.screenIdleMs });
}
/** Applies one status signal through the state machine, recording the change as an event. */
function applySignal(project, name, signal, opts = {}) {
	const { store } = project;
	store.tx(() => {
		const task = getTask(store, name);
		if (!task) return;
		if (opts.newerThanStatus !== void 0 && opts.newerThanStatus <= task.statusSince) return;
		const current = {
			status: task.status,
			source: task.statusSource,
			detail: task.statusDetail
		};
		const change = nextStatus(current, signal, { screenIdleAfterMs: opts.screenIdleAfterMs });
		if (!change) return;
		const patch = {
			status: change.status,
			statusSource: change.source,
			statusDetail: change.detail
		};
		updateTask(store, name, patch);
		if (change.status === task.status && change.detail === task.statusDetail) return;
		const { source, detail } = change;
		appendEvent(store, name, "status.changed", {
			from: task.status,
			to: change.status,
			source,
			detail
		});
	});
}
// dist/run/session/lifecycle.js
/** The argv that runs this very braid, for hooks and detached helpers (braid need not be on PATH). */
function braidCommand() {
	const main = builtModule("cli/main.js");
	return [process.execPath, main];
}
/** Starts (or resumes) the task's agent in tmux or headless, with the task's environment and hooks. */
async function startSession(project, name, options = {}) {
	const { store, repo, config } = project;
	const repaired = await repairBeforeStart(project, name, options.onProgress);
	if (repaired) options.onProgress?.(repaired);
	const task = getTask(store, name);
	if (!task) throw new BraidError("E_NO_TASK", `no task named '${name}'`, "See the tasks with braid ls.");
	if (task.status === "provisioning" || task.status === "failed" && task.options.deps === void 0) throw new BraidError("E_SESSION", `task '${name}' is not provisioned`, `Remove it (braid rm ${name}) and create it again.`);
	const handle = handleOf(task);
	const runtimeKind = options.headless === void 0 ? task.runtime : options.headless ? "headless" : "tmux";
	if (handle && LIVE_STATUSES.includes(task.status)) {
		if ((await getRuntime(handle.runtime).state(handle, sessionPaths(project, name).exitPath)).alive) throw new BraidError("E_SESSION", `task '${name}' already has a running session`, `Attach with braid attach ${name}.`);
	}
	const agent = getAgent(task.agent, config);
	await checkInstalled(agent, options.env ?? process.env);
	const settingsPath = agent.statusMode === "hooks" ? await writeClaudeSettings({
		dir: path.join(braidDir(repo.commonDir), "agents", name),
		task: name,
		braidCommand: braidCommand()
	}) : null;
	const permissions = permissionInputs(config, task);
	const argv = launchArgv(agent, task, runtimeKind, settingsPath, options, config.budget?.task_usd, permissions);
	const policy = agent.policy?.({
		...permissions,
		headless: runtimeKind === "headless"
	});
	const dbEnv = task.options.databaseEnv ?? {};
	const env = taskEnvironment(repo, task, taskPorts(store, name), {
		...migrationEnv(config),
		...dbEnv,
		...policy?.env
	});
	const paths = sessionPaths(project, name);
	const runtime = getRuntime(runtimeKind);
	if (handle) await runtime.remove(handle).catch(() => {});
	rmSync(paths.exitPath, { force: true });
	const confined = await confineLaunch(project, task, {
		argv,
		env
	});
	const started = await runtime.start({
		task: name,
		repoName: repo.name,
		cwd: task.worktree,
		argv: confined.argv,
		env: confined.env,
		...paths,
		layout: config.layout
	}).catch(async (err) => {
		await confined.cleanup().catch(() => {});
		throw err;
	});
	updateTask(store, name, {
		runtime: runtimeKind,
		status: "starting",
		statusSource: "process",
		statusDetail: null,
		exitCode: null,
		pid: started.pid,
		logPath: paths.logPath
	});
	mergeTaskOptions(store, name, { session: started });
	appendEvent(store, name, "session.started", {
		runtime: runtimeKind,
		argv0: argv[0],
		resume: !!options.resume,
		permissions: policy?.summary ?? null
	});
	return getTask(store, name);
}
/** What decides the agent's permissions for this task: braid.yaml's agent entry, the sandbox, the gate. */
function permissionInputs(config, task) {
	const entry = Object.hasOwn(config.agents, task.agent) ? config.agents[task.agent] : void 0;
	return {
		sandboxed: !!sandboxWish(config, task.options, task.worktree),
		asRoot: process.getuid?.() === 0,
		settings: {
			permission_mode: entry?.permission_mode,
			allowed_tools: entry?.allowed_tools
		},
		gate: config.gate,
		setup: config.setup
	};
}
function launchArgv(agent, task, runtime, settingsPath, options, maxBudgetUsd, permissions) {
	const ctx = {
		prompt: options.prompt ?? task.prompt ?? "",
		worktree: task.worktree,
		settingsPath,
		sessionId: options.resume ? task.agentSessionId : null,
		maxBudgetUsd,
		permissions
	};
	const id = options.resume ? task.agentSessionId : null;
	const resumed = {
		...ctx,
		prompt: options.prompt ?? ""
	};
	if (id && runtime === "tmux" && agent.resume) return agent.resume(resumed, id);
	if (id && runtime === "headless" && agent.headlessResume) return agent.headlessResume(resumed, id);
	return runtime === "headless" ? agent.headless(ctx) : agent.interactive(ctx);
}
/** Stops the agent gracefully (its own keys), then SIGTERM, then SIGKILL; the worktree stays. */
async function stopSession(project, task) {
	const handle = handleOf(task);
	if (!handle) return;
	const runtime = getRuntime(handle.runtime);
	let graceKeys;
	try {
		graceKeys = getAgent(task.agent, project.config).gracefulStop?.keys;
	} catch {
		graceKeys = void 0;
	}
	await runtime.stop(handle, {
		graceKeys,
		graceMs: 3e3,
		termMs: 3e3
	});
	await killTaskCgroup(getTask(project.store, task.name) ?? task);
	await refreshSession(project, task.name);
}
/** Reads the session's liveness, exit code and (agents without hooks) screen into the task's status. */
async function refreshSession(project, name) {
	return refreshTaskStatus(project, name);
}
/** Before a task's worktree goes: its session is stopped and its tmux window closed. */
async function stopSessionForRemoval(project, task) {
	const handle = handleOf(task);
	if (!handle) return;
	await stopSession(project, task);
	await getRuntime(handle.runtime).remove(handle);
	await removeTaskCgroup(getTask(project.store, task.name) ?? task);
}
// dist/land/hooks.js
/** How often one task's conflicts go back to its agent before braid stops asking and reports them. */
const MAX_HAND_BACKS = 2;
/** The queue's callbacks as `braid land`, `braid run` and the supervisor use them. */
function defaultLandHooks(project, say = () => {}) {
	return {
		removeTask: async (name) => {
			await removeTask(project, name, { stopSession: (t) => stopSessionForRemoval(project, t) });
			say(`${name}: worktree removed after landing (land.cleanup)`);
		},
		handBack: (task, message) => handBackToAgent(project, task, message, say),
		resumeWaiting: (entries) => resumeWaitingHandBacks(project, entries, say),
		leaseEnv: async (name) => {
			const ports = await leasePorts(project.store, GATE_LESSEE, project.config.ports);
			return taskEnvironment(project.repo, { name }, ports);
		},
		prepareGate: (dir) => prepareGateDependencies(project, dir, say)
	};
}
/**
* Gives a conflict to the task's agent: typed into its live tmux session, or as a new run that
* resumes the agent's session once it has ended (a live headless run cannot take input: the
* hand-back waits for it without holding the queue, see resumeWaitingHandBacks). False when it
* cannot be delivered or was tried enough.
*/
async function handBackToAgent(project, task, message, say = () => {}) {
	if (listEvents(project.store, {
		task: task.name,
		kinds: ["land.handed-back"]
	}).length >= MAX_HAND_BACKS) return false;
	try {
		const current = await refreshSession(project, task.name) ?? task;
		const handle = handleOf(current);
		if (!handle) return false;
		const alive = () => sessionAlive(project, task.name, handle);
		if (handle.runtime === "tmux" && await alive()) {
			await typeIntoSession(handle, message.replace(/\s*\n\s*/g, " "));
			appendEvent(project.store, task.name, "land.typed-into-session", {});
			say(`${task.name}: conflict handed back to its session`);
			return true;
		}
		if (await alive()) {
			appendEvent(project.store, task.name, "land.handback-waiting", { runtime: handle.runtime });
			say(`${task.name}: conflict handed back; its headless run is resumed with it once it ends`);
			return true;
		}
		await startSession(project, task.name, {
			resume: true,
			prompt: message
		});
		appendEvent(project.store, task.name, "land.resolver-started", { resume: !!current.agentSessionId });
		say(`${task.name}: conflict handed back; the agent resumes to resolve it`);
		return true;
	} catch (err) {
		say(`${task.name}: could not hand the conflict back: ${err.message}`);
		return false;
	}
}
const HAND_BACK_DELIVERY = [
	"land.handback-waiting",
	"land.resolver-started",
	"land.typed-into-session"
];
/** True when the task's last hand-back still waits for its headless run to end (not delivered yet). */
function handBackPending(store, task) {
	return listEvents(store, {
		task,
		kinds: HAND_BACK_DELIVERY
	}).at(-1)?.kind === "land.handback-waiting";
}
/** Resumes each waiting hand-back whose headless run has ended with its conflict (the entry's reason). */
async function resumeWaitingHandBacks(project, entries, say = () => {}) {
	const store = project.store;
	for (const entry of entries) {
		if (entry.state !== "waiting_agent" || !handBackPending(store, entry.task)) continue;
		try {
			const task = await refreshSession(project, entry.task);
			if (!task) continue;
			const handle = handleOf(task);
			if (handle && await sessionAlive(project, task.name, handle)) continue;
			await startSession(project, task.name, {
				resume: true,
				prompt: entry.reason ?? ""
			});
			appendEvent(store, task.name, "land.resolver-started", {
				resume: !!task.agentSessionId,
				waited: true
			});
			say(`${task.name}: its headless run ended; the agent resumes to resolve the conflict`);
		} catch (err) {
			const reason = `conflicts in ${entry.conflictFiles.join(", ")}: the agent could not be resumed with them (${err.message}); resolve by hand, then braid land ${entry.task}`;
			updateEntry(store, entry.id, {
				state: "conflict",
				reason
			});
			updateTask(store, entry.task, {
				status: "conflict",
				statusDetail: reason
			});
			appendEvent(store, entry.task, "land.conflict", {
				files: entry.conflictFiles,
				after: "hand-back"
			});
			say(`${entry.task}: ${reason}`);
		}
	}
}
/** Dependencies of the pooled gate worktree, redone only when its lockfile changes. */
async function prepareGateDependencies(project, dir, say) {
	const { config, repo } = project;
	const decision = decideDeps(config, repo.root, dir);
	if (decision.action === "none") return;
	const marker = path.join(dir, "node_modules", ".braid-deps");
	const key = `${decision.action}:${lockfileHash(dir)}`;
	if (existsSync(marker) && readFileSync(marker, "utf8") === key) return;
	rmSync(path.join(dir, "node_modules"), {
		recursive: true,
		force: true
	});
	if (decision.action === "clone") {
		say(`gate: cloning node_modules (${decision.reason})`);
		await cloneNodeModules(repo.root, dir);
	} else if (config.setup.length) {
		say(`gate: running setup (${decision.reason})`);
		await runSetup({
			commands: config.setup,
			cwd: dir,
			env: taskEnvironment(repo, { name: GATE_LESSEE }, {}),
			logPath: path.join(repo.commonDir, "braid", "logs", "gate-setup.log"),
			timeoutSeconds: config.setup_timeout
		});
	} else return;
	if (existsSync(path.dirname(marker))) writeFileSync(marker, key);
}
function lockfileHash(dir) {
	const hash = createHash("sha256");
	for (const name of [
		"package-lock.json",
		"pnpm-lock.yaml",
		"yarn.lock",
		"bun.lock",
		"package.json"
	]) {
		const file = path.join(dir, name);
		if (existsSync(file)) hash.update(name).update(readFileSync(file));
	}
	return hash.digest("hex").slice(0, 16);
}
// dist/land/context.js
function outcomeOf(entry, commit = null) {
	return {
		entryId: entry.id,
		task: entry.task,
		state: entry.state,
		commit,
		reason: entry.reason,
		conflictFiles: entry.conflictFiles,
		gateLog: entry.gateLog
	};
}
/** The branch a task lands on: its own base when that is a branch, else braid.yaml's base, else the main checkout's. */
async function targetBranch(ctx, task) {
	if (task.base && await gitOk([
		"show-ref",
		"--verify",
		"--quiet",
		`refs/heads/${task.base}`
	], { cwd: ctx.repo.root })) return task.base;
	return ctx.config.base ?? await currentBranch(ctx.repo.root) ?? "main";
}
// dist/land/gate-group.js
/**
* A running gate's process group, kept as a row of the store's locks table named `gate-<slot>`
* (pid = the group id): the gate holds its scratch worktree. A row left by a `braid land` that
* died names a group that may still run in that worktree; the next land and `braid gc` end it.
*/
function gateGroupLockName(slot) {
	return `gate-${slot}`;
}
/** Records the gate's group; returns the row's holder, for clearGateGroup. */
function recordGateGroup(store, slot, pgid, task) {
	const holder = {
		pid: pgid,
		pidStart: processStartTime(pgid),
		label: `gate for ${task} (braid pid ${process.pid})`
	};
	recordLock(store, gateGroupLockName(slot), holder);
	return holder;
}
function clearGateGroup(store, slot, group) {
	releaseLock(store, gateGroupLockName(slot), group);
}
/**
* Ends the gate groups recorded by braid processes that are gone and forgets them; returns what
* was ended. `holdsQueue` says the caller holds the queue lock (only its holder gates, so every
* recorded group is stale); otherwise a live queue holder's gates are left alone.
*/
async function endStaleGateGroups(store, opts) {
	if (!opts.holdsQueue && queueHeldByAnother(store)) return [];
	const ended = [];
	for (const row of listLocks(store)) {
		if (!/^gate-\d+$/.test(row.name)) continue;
		if (groupAlive(row.pid) && groupRunsGate(row.pid)) {
			await terminateGroup(row.pid, opts.graceMs ?? 2e3);
			ended.push({
				name: row.name,
				pgid: row.pid,
				holder: row.label
			});
		}
		releaseLock(store, row.name, row);
	}
	return ended;
}
function queueHeldByAnother(store) {
	const holder = liveLockHolder(store, QUEUE_LOCK);
	return holder !== null && holder.pid !== process.pid;
}
/** True when a member of the group carries the environment braid gives its gate. */
function groupRunsGate(pgid) {
	const all = scanProcesses();
	if (all === null) return true;
	return all.some((p) => p.pgrp === pgid && (readEnviron(p.pid)?.includes("BRAID_GATE=1") ?? false));
}
// dist/core/gate-output.js
/** How many of the gate's last output lines a rejection quotes. */
const QUOTED_LINES = 15;
/** Longer quoted lines are cut: a minified stack frame must not drown the message. */
const MAX_LINE = 200;
/** What test runners print when they ran no tests at all (matched on a line without colour codes). */
const NO_TESTS = [
	{
		runner: "jest",
		pattern: /^No tests found\b/
	},
	{
		runner: "vitest",
		pattern: /^No test files found\b/
	},
	{
		runner: "mocha",
		pattern: /^Error: No test files found\b/
	},
	{
		runner: "mocha",
		pattern: /^0 passing\b/
	},
	{
		runner: "node --test",
		pattern: /^[#ℹ] tests 0$/
	},
	{
		runner: "pytest",
		pattern: /^=+ no tests ran\b/
	}
];
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
/** A line as a reader sees it: no colour codes, only what the last carriage return left, no trailing blanks. */
function plainLine(raw) {
	const text = raw.replace(ESCAPES, "");
	const cr = text.lastIndexOf("\r", text.length - 2);
	return (cr >= 0 ? text.slice(cr + 1) : text).replace(/\r$/, "").trimEnd();
}
/** Which runner said, on this line of output, that it found no tests; null for any other line. */
function noTestsFound(raw) {
	const line = plainLine(raw).trim();
	for (const { runner, pattern } of NO_TESTS) if (pattern.test(line)) return {
		runner,
		line
	};
	return null;
}
/** The last `max` lines worth reading: colour codes gone, blank lines at either end dropped, runs of blanks folded. */
function outputTail(lines, max = QUOTED_LINES) {
	const clean = [];
	for (const raw of lines) {
		const line = plainLine(raw);
		if (line.trim() === "" && (clean.length === 0 || clean.at(-1) === "")) continue;
		clean.push(line.trim() === "" ? "" : line);
	}
	while (clean.at(-1) === "") clean.pop();
	const tail = clean.slice(-max);
	while (tail[0] === "") tail.shift();
	return tail.map((l) => l.length > MAX_LINE ? `${l.slice(0, 199)}…` : l);
}
/**
* What a rejection adds about a red gate run: a note when the runner found no tests at all (the
* usual cause of a "red" main that is not), then its last lines, indented; '' when it printed nothing.
*/
function gateFailureDetail(run) {
	const parts = [];
	if (run.noTests) parts.push(` The gate found no tests at all (${run.noTests.runner}: "${run.noTests.line}"): check that the gate command runs the project's tests in a plain checkout of it.`);
	const tail = outputTail(run.tail);
	if (tail.length) parts.push(` Last lines of its output:\n${tail.map((l) => l ? `    ${l}` : "").join("\n")}`);
	return parts.join("");
}
// dist/git/candidate.js
/**
* Builds the commit that would land, in memory only (merge-tree + commit-tree): no checkout,
* no index, nobody's worktree is touched.
*/
async function buildCandidate(input) {
	if (input.strategy === "rebase") return replayCommits(input);
	const merge = await mergeTrees(input.cwd, input.main, input.tip);
	if (!merge.clean) return {
		ok: false,
		conflictFiles: merge.conflictFiles,
		tree: merge.tree
	};
	return commitResolvedTree(input, merge.tree);
}
/** Turns a merged tree (clean, or resolved by the ladder) into the candidate commit for the strategy. */
async function commitResolvedTree(input, tree) {
	if (tree === await git(["rev-parse", `${input.main}^{tree}`], { cwd: input.cwd })) return {
		ok: true,
		commit: input.main,
		tree,
		empty: true
	};
	const parents = input.strategy === "merge" ? [
		"-p",
		input.main,
		"-p",
		input.tip
	] : ["-p", input.main];
	const env = await userIdentityEnv(input.cwd);
	return {
		ok: true,
		commit: await git([
			"commit-tree",
			tree,
			...parents,
			"-F",
			"-"
		], {
			cwd: input.cwd,
			env,
			input: input.message
		}),
		tree,
		empty: false
	};
}
/**
* Cherry-picks each task commit C (parent P) onto the growing candidate K without a worktree:
* a throwaway commit T with parents K and P makes P the merge base of T and C, so
* merge-tree(T, C) is exactly the cherry-pick's three-way merge (git 2.38 has no --merge-base).
*/
async function replayCommits(input) {
	const { cwd } = input;
	const list = await git([
		"rev-list",
		"--reverse",
		"--topo-order",
		"--no-merges",
		`${input.main}..${input.tip}`
	], { cwd });
	const commits = list ? list.split("\n") : [];
	const committer = await userIdentityEnv(cwd);
	let k = input.main;
	let kTree = await git(["rev-parse", `${k}^{tree}`], { cwd });
	const startTree = kTree;
	for (const c of commits) {
		const p = await git(["rev-parse", `${c}^1`], { cwd });
		const t = await git([
			"commit-tree",
			kTree,
			"-p",
			k,
			"-p",
			p,
			"-m",
			"braid: cherry-pick base"
		], {
			cwd,
			env: BRAID_IDENTITY
		});
		const merge = await mergeTrees(cwd, t, c);
		if (!merge.clean) return {
			ok: false,
			conflictFiles: merge.conflictFiles,
			tree: merge.tree
		};
		if (merge.tree === kTree) continue;
		const original = await readCommit(cwd, c);
		k = await git([
			"commit-tree",
			merge.tree,
			"-p",
			k,
			"-F",
			"-"
		], {
			cwd,
			env: {
				...committer,
				...original.authorEnv
			},
			input: original.message
		});
		kTree = merge.tree;
	}
	return {
		ok: true,
		commit: k,
		tree: kTree,
		empty: kTree === startTree
	};
}
/** A commit's exact message and author (name, email, date), read from the raw object. */
async function readCommit(cwd, commit) {
	const raw = await git([
		"cat-file",
		"commit",
		commit
	], { cwd });
	const split = raw.indexOf("\n\n");
	const headers = split < 0 ? raw : raw.slice(0, split);
	const message = split < 0 ? "" : raw.slice(split + 2);
	const author = /^author (.*) <(.*)> (\d+ [+-]\d{4})$/m.exec(headers);
	const authorEnv = author ? {
		GIT_AUTHOR_NAME: author[1],
		GIT_AUTHOR_EMAIL: author[2],
		GIT_AUTHOR_DATE: author[3]
	} : {};
	return {
		message: message.endsWith("\n") ? message : `${message}\n`,
		authorEnv
	};
}
/**
* The user's own identity when git has one (config or environment); braid's otherwise, so landing
* never fails on a machine without user.name.
*/
async function userIdentityEnv(cwd) {
	const name = await gitRun([
		"config",
		"--get",
		"user.name"
	], {
		cwd,
		allowFailure: true
	});
	const email = await gitRun([
		"config",
		"--get",
		"user.email"
	], {
		cwd,
		allowFailure: true
	});
	const env = process.env;
	const hasName = name.code === 0 || Boolean(env.GIT_AUTHOR_NAME && env.GIT_COMMITTER_NAME);
	const hasEmail = email.code === 0 || Boolean(env.GIT_AUTHOR_EMAIL && env.GIT_COMMITTER_EMAIL) || Boolean(env.EMAIL);
	return hasName && hasEmail ? {} : { ...BRAID_IDENTITY };
}
/** Message of a squash commit: the prompt's first line as subject, the rest as body, a task trailer. */
function squashMessage(task, prompt, subjects = []) {
	const text = (prompt ?? "").trim();
	const [first = "", ...rest] = text.split("\n");
	const subject = first.trim() ? truncate(first.trim(), 72) : `braid task ${task}`;
	const body = [];
	const restText = rest.join("\n").trim();
	if (first.trim().length > 72) body.push(text);
	else if (restText) body.push(restText);
	if (subjects.length) body.push(subjects.map((s) => `* ${s}`).join("\n"));
	return `${[
		subject,
		...body,
		`Braid-Task: ${task}`
	].join("\n\n")}\n`;
}
function truncate(s, n) {
	return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
// dist/land/checkout.js
/** Files that differ between two commits (both sides of a rename count). */
async function changedBetween(cwd, from, to) {
	return (await git([
		"diff",
		"--name-only",
		"-z",
		"--no-renames",
		from,
		to
	], { cwd })).split("\0").filter(Boolean);
}
/** Paths with local changes in a checkout: staged, unstaged, unmerged or untracked. */
async function localChanges(dir) {
	await gitRun([
		"update-index",
		"-q",
		"--refresh"
	], {
		cwd: dir,
		allowFailure: true
	});
	return (await git([
		"status",
		"--porcelain=v1",
		"-z",
		"--untracked-files=all",
		"--no-renames"
	], { cwd: dir })).split("\0").filter(Boolean).map((e) => e.slice(3));
}
/**
* Checkouts of the target branch whose local changes touch files the landing changes: moving
* the branch under them would leave them unable to follow without losing work.
*/
async function checkoutBlockers(repoDir, ref, from, to) {
	const dirs = await worktreesOnBranch(repoDir, ref);
	if (dirs.length === 0) return [];
	const changed = await changedBetween(repoDir, from, to);
	const blockers = [];
	for (const dir of dirs) {
		const files = checkoutOverlap(changed, await localChanges(dir));
		if (files.length) blockers.push({
			dir,
			files
		});
	}
	return blockers;
}
/**
* After the branch moved from `from` to `to`, brings each checkout of it along with a two-tree
* read-tree (what `git checkout` does): local changes elsewhere stay; it refuses rather than overwrite.
* Returns a warning per checkout it could not update (nothing is lost: the user can run the same command).
*/
async function bringCheckoutsForward(repoDir, ref, from, to) {
	const warnings = [];
	for (const dir of await worktreesOnBranch(repoDir, ref)) {
		await gitRun([
			"update-index",
			"-q",
			"--refresh"
		], {
			cwd: dir,
			allowFailure: true
		});
		const res = await gitRun([
			"read-tree",
			"-m",
			"-u",
			from,
			to
		], {
			cwd: dir,
			allowFailure: true
		});
		if (res.code !== 0) {
			const why = res.stderr.trim().split("\n")[0] ?? "";
			warnings.push(`${dir} has ${ref.replace("refs/heads/", "")} checked out but could not follow it (${why}); run there: git read-tree -m -u ${from} ${to}`);
		}
	}
	return warnings;
}
// dist/land/scratch.js
/**
* Where the pooled scratch worktree `slot` lives: beside the task worktrees (the `worktrees`
* template), never inside .git, where jest ignores every file and so a gate finds no tests.
*/
function scratchDir(repo, template, slot = 0) {
	return path.resolve(repo.root, gateScratchLocation(template, repo.name, slot));
}
/** A file in the worktree's admin folder (`<common>/worktrees/<id>/`) that says braid made it. */
const SCRATCH_MARK = "braid-gate-scratch";
/** The place braid used before (inside the git common dir): emptied and forgotten on first use. */
function legacyScratchRoot(commonDir) {
	return path.join(commonDir, "braid", "scratch");
}
/**
* A detached scratch worktree at exactly `commit`, reused between runs so dependencies in
* node_modules survive; everything else from earlier runs is wiped.
*/
async function prepareScratch(place, commit) {
	const { repoDir, commonDir, dir } = place;
	for (const old of await dropLegacyScratch(repoDir, commonDir)) place.onProgress?.(`moved the gate's scratch worktree out of .git: removed ${old}, now ${dir}`);
	const state = await scratchState(dir, commonDir);
	if (state === "ours") {
		await resetScratch(dir);
		await git([
			"checkout",
			"-q",
			"--detach",
			"-f",
			commit
		], { cwd: dir });
		await git([
			"clean",
			"-q",
			"-ffdx",
			"-e",
			"node_modules"
		], { cwd: dir });
		return dir;
	}
	if (state === "foreign" || state === "on-branch") throw notOurs(dir, state);
	rmSync(dir, {
		recursive: true,
		force: true
	});
	mkdirSync(path.dirname(dir), { recursive: true });
	await withWorktreeLock(repoDir, async () => {
		await git(["worktree", "prune"], { cwd: repoDir });
		await git([
			"worktree",
			"add",
			"-q",
			"--detach",
			dir,
			commit
		], {
			cwd: repoDir,
			timeoutMs: 3e5
		});
	});
	writeFileSync(path.join(await adminDir(dir), SCRATCH_MARK), "braid gate scratch worktree\n");
	return dir;
}
/** Leaves no half-done merge behind (the ladder merges in the scratch worktree). */
async function resetScratch(dir) {
	await gitRun(["merge", "--abort"], {
		cwd: dir,
		allowFailure: true
	});
	await gitRun([
		"reset",
		"-q",
		"--hard"
	], {
		cwd: dir,
		allowFailure: true
	});
}
async function scratchState(dir, commonDir) {
	if (!existsSync(dir)) return "absent";
	const dotGit = path.join(dir, ".git");
	if (!existsSync(dotGit)) return "leftover";
	const res = await gitRun([
		"rev-parse",
		"--path-format=absolute",
		"--git-common-dir",
		"--show-toplevel"
	], {
		cwd: dir,
		allowFailure: true
	});
	if (res.code !== 0) return pointsInto(dotGit, commonDir) ? "leftover" : "foreign";
	const [common, top] = res.stdout.trim().split("\n");
	if (realpathSync(common) !== commonDir) return "foreign";
	if (realpathSync(top) !== realpathSync(dir)) return "leftover";
	return (await gitRun([
		"symbolic-ref",
		"-q",
		"HEAD"
	], {
		cwd: dir,
		allowFailure: true
	})).code === 0 ? "on-branch" : "ours";
}
/** A worktree's `.git` file that names an admin folder of this repository (possibly pruned since). */
function pointsInto(dotGit, commonDir) {
	if (!statSync(dotGit).isFile()) return false;
	const target = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, "utf8"))?.[1]?.trim();
	return !!target && path.resolve(path.dirname(dotGit), target).startsWith(`${commonDir}${path.sep}`);
}
function notOurs(dir, state) {
	return new BraidError("E_CONFIG", state === "foreign" ? `the gate's scratch folder ${dir} is a checkout of another repository` : `the gate's scratch folder ${dir} is a checkout on a branch, not braid's scratch worktree`, "braid keeps the gate's worktree beside the task worktrees (braid.yaml `worktrees`); give the template a {task} and a {repo} part, or move that folder away.");
}
/** Removes the scratch worktrees at the old place inside .git; returns the folders removed. */
async function dropLegacyScratch(repoDir, commonDir) {
	const legacy = legacyScratchRoot(commonDir);
	if (!existsSync(legacy)) return [];
	const removed = [];
	await withWorktreeLock(repoDir, async () => {
		for (const name of readdirSync(legacy)) {
			const dir = path.join(legacy, name);
			await gitRun([
				"worktree",
				"remove",
				"--force",
				"--force",
				dir
			], {
				cwd: repoDir,
				allowFailure: true
			});
			rmSync(dir, {
				recursive: true,
				force: true
			});
			removed.push(dir);
		}
		rmSync(legacy, {
			recursive: true,
			force: true
		});
		await git(["worktree", "prune"], { cwd: repoDir });
	});
	return removed;
}
/**
* Scratch worktrees nothing uses any more (call only while no queue runs): the old place inside
* .git, registered scratch worktrees of a former `worktrees` template, and folders at today's
* place that are not a usable worktree. The live scratch worktree (with its node_modules) stays.
*/
async function removeOrphanScratch(repo, template) {
	const removed = (await dropLegacyScratch(repo.root, repo.commonDir)).map((dir) => ({
		dir,
		why: "the old place inside .git"
	}));
	for (const dir of await detachedWorktrees(repo.root)) {
		const slot = gateScratchSlot(path.basename(dir));
		if (slot === null || !existsSync(dir) || sameFolder(dir, scratchDir(repo, template, slot))) continue;
		if (!await isMarkedScratch(dir)) continue;
		await withWorktreeLock(repo.root, () => gitRun([
			"worktree",
			"remove",
			"--force",
			"--force",
			dir
		], {
			cwd: repo.root,
			allowFailure: true
		}));
		rmSync(dir, {
			recursive: true,
			force: true
		});
		removed.push({
			dir,
			why: "not where braid.yaml `worktrees` puts it now"
		});
	}
	const parent = path.dirname(scratchDir(repo, template, 0));
	if (!existsSync(parent)) return removed;
	for (const name of readdirSync(parent)) {
		const slot = gateScratchSlot(name);
		const dir = path.join(parent, name);
		if (slot === null || !sameFolder(dir, scratchDir(repo, template, slot))) continue;
		if (await scratchState(dir, repo.commonDir) !== "leftover") continue;
		rmSync(dir, {
			recursive: true,
			force: true
		});
		removed.push({
			dir,
			why: "not a usable worktree (left by an interrupted run)"
		});
	}
	return removed;
}
/** Folders of the repository's detached worktrees (the main checkout and task branches excluded). */
async function detachedWorktrees(repoDir) {
	const out = await git([
		"worktree",
		"list",
		"--porcelain",
		"-z"
	], { cwd: repoDir });
	const dirs = [];
	let current = null;
	for (const field of out.split("\0")) if (field.startsWith("worktree ")) current = field.slice(9);
	else if (field === "detached" && current) dirs.push(current);
	return dirs;
}
async function adminDir(dir) {
	return git(["rev-parse", "--absolute-git-dir"], { cwd: dir });
}
async function isMarkedScratch(dir) {
	const res = await gitRun(["rev-parse", "--absolute-git-dir"], {
		cwd: dir,
		allowFailure: true
	});
	return res.code === 0 && existsSync(path.join(res.stdout.trim(), SCRATCH_MARK));
}
function sameFolder(a, b) {
	const real = (p) => existsSync(p) ? realpathSync(p) : path.resolve(p);
	return real(a) === real(b);
}
// dist/land/gate.js
/** Lines of output kept per run for quoting: more than a rejection shows, so blank ones can be dropped. */
const KEPT_LINES = 60;
/**
* Gates a candidate: retried once when it fails (flaky tests); after two failures the gate runs
* on main alone, so a red main is reported as such instead of blaming the task.
*/
async function gateCandidate(settings, task, candidate, main) {
	const runs = [];
	const onCandidate = [];
	let mainPassed;
	for (;;) {
		const last = onCandidate.at(-1);
		const verdict = last ? gateVerdict({
			passed: last.passed,
			attempt: onCandidate.length,
			mainPassed
		}) : "retry";
		if (verdict === "pass" || verdict === "task-red" || verdict === "main-red") return {
			verdict,
			runs,
			log: last?.log ?? null
		};
		if (verdict === "check-main") {
			settings.onProgress?.(`gate failed twice for ${task}; checking main alone`);
			const onMain = await runGate(settings, task, main, "main");
			runs.push(onMain);
			mainPassed = onMain.passed;
			continue;
		}
		if (last) settings.onProgress?.(`gate failed for ${task}; retrying once`);
		const run = await runGate(settings, task, candidate, "candidate");
		runs.push(run);
		onCandidate.push(run);
	}
}
/** One gate run on exactly `commit`'s tree in the pooled scratch worktree, its output kept in a log file. */
async function runGate(settings, task, commit, label) {
	const tree = await git(["rev-parse", `${commit}^{tree}`], { cwd: settings.repoDir });
	if (!settings.command) return {
		passed: true,
		commit,
		tree,
		exitCode: 0,
		timedOut: false,
		log: null,
		tail: [],
		noTests: null,
		seconds: 0
	};
	const dir = await prepareScratch({
		repoDir: settings.repoDir,
		commonDir: settings.commonDir,
		dir: settings.scratch,
		onProgress: settings.onProgress
	}, commit);
	if (settings.prepare) await settings.prepare(dir);
	const log = nextLogPath(settings.commonDir, task);
	const out = createWriteStream(log);
	out.write(`# braid gate (${label}) for ${task}\n# commit ${commit} tree ${tree}\n# $ ${settings.command}\n`);
	const env = {
		...settings.leaseEnv ? await settings.leaseEnv(task) : {},
		BRAID_TASK: task,
		BRAID_GATE: "1",
		BRAID_GATE_COMMIT: commit
	};
	let exitCode = null;
	let timedOut = false;
	let group = null;
	const tail = [];
	let noTests = null;
	const started = Date.now();
	try {
		exitCode = (await run("sh", ["-c", settings.command], {
			cwd: dir,
			env,
			allowFailure: true,
			processGroup: true,
			timeoutMs: settings.timeoutSec * 1e3,
			onSpawn: (pid) => {
				if (settings.store) group = recordGateGroup(settings.store, 0, pid, task);
			},
			onLine: (line) => {
				out.write(`${line}\n`);
				tail.push(line);
				if (tail.length > KEPT_LINES) tail.shift();
				noTests ??= noTestsFound(line);
			}
		})).code;
	} catch (err) {
		if (!isBraidError(err, "E_TIMEOUT")) throw err;
		timedOut = true;
	} finally {
		if (settings.store && group) clearGateGroup(settings.store, 0, group);
	}
	const seconds = (Date.now() - started) / 1e3;
	if (timedOut) settings.onProgress?.(`gate for ${task} timed out after ${settings.timeoutSec} s; ended it`);
	else settings.onProgress?.(`${task}: gate ${exitCode === 0 ? "passed" : `failed (exit ${exitCode})`} ${label === "main" ? "on main alone" : "on the candidate"} in ${seconds.toFixed(1)} s`);
	out.write(timedOut ? `# timed out after ${settings.timeoutSec} s: the gate's process group was ended\n` : `# exit ${exitCode} after ${seconds.toFixed(1)} s\n`);
	await new Promise((resolve) => out.end(resolve));
	return {
		passed: exitCode === 0 && !timedOut,
		commit,
		tree,
		exitCode,
		timedOut,
		log,
		tail,
		noTests,
		seconds
	};
}
/** gate-<task>-<n>.log with n one past the highest kept, so every run's log survives. */
function nextLogPath(commonDir, task) {
	const dir = path.join(commonDir, "braid", "logs");
	mkdirSync(dir, { recursive: true });
	const prefix = `gate-${task}-`;
	let n = 0;
	for (const f of readdirSync(dir)) {
		if (!f.startsWith(prefix) || !f.endsWith(".log")) continue;
		const k = Number(f.slice(prefix.length, -4));
		if (Number.isInteger(k) && k >= n) n = k + 1;
	}
	return path.join(dir, `${prefix}${n}.log`);
}
// dist/land/ladder.js
/**
* Climbs the resolution ladder for a conflicting candidate: recorded resolutions (rerere), a
* structural merge (mergiraf), the task's own agent; otherwise a plain conflict. Every resolved
* tree still goes through the gate (the caller's job).
*/
async function climbLadder(input) {
	const byRerere = await resolveWithRerere(input);
	if (byRerere) return {
		kind: "resolved",
		tree: byRerere,
		by: "rerere"
	};
	const byMergiraf = await resolveWithMergiraf(input);
	if (byMergiraf) return {
		kind: "resolved",
		tree: byMergiraf,
		by: "mergiraf"
	};
	const message = handBackMessage({
		task: input.task.name,
		prompt: input.task.prompt,
		base: input.base,
		conflictFiles: input.conflictFiles,
		others: (await tasksOnOtherSide(input)).map((t) => ({
			task: t,
			prompt: input.promptOf(t)
		}))
	});
	if (input.handBack && await input.handBack(input.task, message)) return {
		kind: "handed-back",
		message
	};
	return {
		kind: "conflict",
		files: input.conflictFiles,
		message
	};
}
/** rerere and its auto-staging, on for the whole repository (shared by every worktree) unless the user chose. */
async function enableRerere(repoDir) {
	for (const key of ["rerere.enabled", "rerere.autoUpdate"]) if ((await gitRun([
		"config",
		"--get",
		key
	], {
		cwd: repoDir,
		allowFailure: true
	})).code !== 0) await git([
		"config",
		key,
		"true"
	], { cwd: repoDir });
}
/** merge-tree ignores rerere, so the merge is redone in the scratch worktree where rerere can replay. */
async function resolveWithRerere(input) {
	await enableRerere(input.repoDir);
	const dir = await prepareScratch({
		repoDir: input.repoDir,
		commonDir: input.commonDir,
		dir: input.scratch,
		onProgress: input.onProgress
	}, input.main);
	try {
		const env = await userIdentityEnv(dir);
		await gitRun([
			"-c",
			"rerere.enabled=true",
			"-c",
			"rerere.autoUpdate=true",
			"merge",
			"-q",
			"--no-commit",
			"--no-ff",
			input.tip
		], {
			cwd: dir,
			env,
			allowFailure: true
		});
		if ((await git([
			"diff",
			"--name-only",
			"--diff-filter=U"
		], { cwd: dir })).trim()) return null;
		const tree = await git(["write-tree"], { cwd: dir });
		input.onProgress?.(`rerere replayed a recorded resolution for ${input.task.name}`);
		return tree;
	} finally {
		await resetScratch(dir);
	}
}
async function hasMergiraf(cwd) {
	try {
		return (await run("mergiraf", ["--version"], {
			cwd,
			allowFailure: true,
			timeoutMs: 1e4
		})).code === 0;
	} catch (err) {
		if (isBraidError(err, "E_TOOL_MISSING")) return false;
		throw err;
	}
}
/** Structural merge of each conflicted file; only a full resolution counts (a partial one changes nothing). */
async function resolveWithMergiraf(input) {
	const cwd = input.repoDir;
	if (!await hasMergiraf(cwd)) return null;
	const base = await git([
		"merge-base",
		input.main,
		input.tip
	], {
		cwd,
		allowFailure: true
	});
	if (!base) return null;
	const merged = await mergeTrees(cwd, input.main, input.tip);
	const work = mkdtempSync(path.join(tmpdir(), "braid-mergiraf-"));
	const index = path.join(work, "index");
	try {
		const env = { GIT_INDEX_FILE: index };
		await git(["read-tree", merged.tree], {
			cwd,
			env
		});
		for (const [i, file] of input.conflictFiles.entries()) {
			const blob = await mergeOneFile(cwd, work, i, file, [
				base,
				input.main,
				input.tip
			]);
			if (!blob) return null;
			const mode = (await git([
				"ls-tree",
				input.main,
				"--",
				file
			], { cwd })).split(" ")[0] || "100644";
			await git([
				"update-index",
				"--cacheinfo",
				`${mode},${blob},${file}`
			], {
				cwd,
				env
			});
		}
		input.onProgress?.(`mergiraf resolved ${input.conflictFiles.join(", ")} for ${input.task.name}`);
		return await git(["write-tree"], {
			cwd,
			env
		});
	} finally {
		rmSync(work, {
			recursive: true,
			force: true
		});
	}
}
async function mergeOneFile(cwd, work, i, file, [base, left, right]) {
	const name = path.basename(file);
	const paths = [];
	for (const [side, commit] of [
		["base", base],
		["left", left],
		["right", right]
	]) {
		const res = await gitRun([
			"cat-file",
			"blob",
			`${commit}:${file}`
		], {
			cwd,
			allowFailure: true,
			binary: true
		});
		if (res.code !== 0) return null;
		const dir = path.join(work, `${i}`, side);
		mkdirSync(dir, { recursive: true });
		const p = path.join(dir, name);
		writeFileSync(p, res.stdoutBuffer);
		paths.push(p);
	}
	const out = path.join(work, `${i}`, `out-${name}`);
	if ((await run("mergiraf", [
		"merge",
		paths[0],
		paths[1],
		paths[2],
		"-o",
		out
	], {
		cwd,
		allowFailure: true,
		timeoutMs: 12e4
	})).code !== 0) return null;
	const text = readFileSync(out, "utf8");
	if (/^(<{7}|>{7})( |$)/m.test(text)) return null;
	return git([
		"hash-object",
		"-w",
		"--",
		out
	], { cwd });
}
/** Tasks whose landed commits on main touched the conflicted files since this task forked. */
async function tasksOnOtherSide(input) {
	const cwd = input.repoDir;
	const base = await git([
		"merge-base",
		input.main,
		input.tip
	], {
		cwd,
		allowFailure: true
	});
	if (!base) return [];
	const names = (await git([
		"log",
		"--format=%(trailers:key=Braid-Task,valueonly)",
		`${base}..${input.main}`,
		"--",
		...input.conflictFiles
	], { cwd })).split("\n").map((l) => l.trim()).filter((l) => l && l !== input.task.name);
	return [...new Set(names)];
}
// dist/land/land-entry.js
/** Builds, gates and lands one queue entry, rebuilding while main moves under it. */
async function landEntry(ctx, entry) {
	const store = ctx.store;
	const say = (line) => ctx.onProgress?.(line);
	const task = getTask(store, entry.task);
	if (!task) return reject(ctx, entry, null, "the task no longer exists");
	updateTask(store, task.name, {
		status: "landing",
		statusDetail: null
	});
	const base = await targetBranch(ctx, task);
	const mainRef = `refs/heads/${base}`;
	const cwd = ctx.repo.root;
	if (ctx.config.land.commit_uncommitted) await commitUncommitted(ctx, task);
	const tip = await readRef(cwd, `refs/heads/${task.branch}`);
	if (!tip) return reject(ctx, entry, task, `its branch ${task.branch} does not exist`);
	if (tip === task.baseCommit) return reject(ctx, entry, task, "nothing to land: no commits and no changes");
	for (let attempt = entry.attempt;; attempt++) {
		const main = await readRef(cwd, mainRef);
		if (!main) return reject(ctx, entry, task, `the target branch ${base} does not exist`);
		const clash = await migrationClash(ctx, main, tip);
		if (clash) return reject(ctx, entry, task, `${clash}; renumber it, then braid land ${task.name}`);
		entry = updateEntry(store, entry.id, {
			state: "building",
			attempt,
			mainBefore: main,
			tip,
			candidate: null
		});
		say(`${task.name}: building candidate on ${base} (${main.slice(0, 8)})`);
		const input = {
			cwd,
			main,
			tip,
			strategy: ctx.config.land.strategy,
			message: await messageFor(cwd, task, main, tip)
		};
		let cand = await buildCandidate(input);
		let replayed = input.strategy === "rebase";
		if (!cand.ok) {
			say(`${task.name}: conflicts in ${cand.conflictFiles.join(", ")}; trying to resolve`);
			const ladder = await climbLadder({
				repoDir: cwd,
				commonDir: ctx.repo.commonDir,
				scratch: gateScratch(ctx),
				base,
				main,
				tip,
				task,
				conflictFiles: cand.conflictFiles,
				promptOf: (name) => getTask(store, name)?.prompt ?? null,
				handBack: ctx.handBack,
				onProgress: say
			});
			if (ladder.kind === "handed-back") {
				entry = updateEntry(store, entry.id, {
					state: "waiting_agent",
					reason: ladder.message,
					conflictFiles: cand.conflictFiles
				});
				const now = getTask(store, task.name)?.status;
				updateTask(store, task.name, {
					...now === "landing" ? { status: restoreStatus(entry) } : {},
					statusDetail: `conflict handed back: ${cand.conflictFiles.join(", ")}`
				});
				appendEvent(store, task.name, "land.handed-back", { files: cand.conflictFiles });
				return outcomeOf(entry);
			}
			if (ladder.kind === "conflict") {
				const reason = `conflicts with ${base} in ${ladder.files.join(", ")}: merge ${base} into ${task.branch}, resolve, commit, then braid land ${task.name}`;
				entry = updateEntry(store, entry.id, {
					state: "conflict",
					reason,
					conflictFiles: ladder.files
				});
				updateTask(store, task.name, {
					status: "conflict",
					statusDetail: reason
				});
				appendEvent(store, task.name, "land.conflict", { files: ladder.files });
				return outcomeOf(entry);
			}
			replayed = false;
			cand = await commitResolvedTree({
				...input,
				strategy: input.strategy === "merge" ? "merge" : "squash"
			}, ladder.tree);
			if (!cand.ok) throw new Error("unreachable: a resolved tree always commits");
		}
		if (cand.empty) return finishLanded(ctx, entry, task, main, main, "its changes are already on main");
		entry = updateEntry(store, entry.id, {
			state: "gating",
			candidate: cand.commit
		});
		say(`${task.name}: gating ${cand.commit.slice(0, 8)}`);
		const gate = await gateForLanding(ctx, task.name, base, main, cand.commit, replayed);
		if (!gate.passed) return reject(ctx, updateEntry(store, entry.id, { gateLog: gate.log }), task, gate.reason);
		entry = updateEntry(store, entry.id, { gateLog: gate.log });
		const blockers = await checkoutBlockers(cwd, mainRef, main, cand.commit);
		if (blockers.length) {
			const b = blockers[0];
			const reason = `the checkout of ${base} at ${b.dir} has local changes to ${b.files.join(", ")}; commit or stash them, then braid land again`;
			entry = updateEntry(store, entry.id, {
				state: "queued",
				candidate: null,
				reason
			});
			updateTask(store, task.name, {
				status: "queued",
				statusDetail: reason
			});
			say(`${task.name}: left queued: ${reason}`);
			return outcomeOf(entry);
		}
		if (await casUpdateRef(cwd, mainRef, cand.commit, main, `braid land ${task.name}`)) {
			pausePoint("land", "cas");
			return finishLanded(ctx, entry, task, main, cand.commit, null);
		}
		if (afterCasFailure(attempt) === "give-up") return reject(ctx, entry, task, `${base} kept moving while the gate ran; try again`);
		say(`${task.name}: ${base} moved during the gate; rebuilding`);
	}
}
/** Records a landing (also used by crash recovery): brings checkouts forward, events, cleanup. */
async function finishLanded(ctx, entry, task, from, commit, note) {
	const store = ctx.store;
	const base = task ? await targetBranch(ctx, task) : ctx.config.base ?? "main";
	if (from !== commit) for (const w of await bringCheckoutsForward(ctx.repo.root, `refs/heads/${base}`, from, commit)) ctx.onProgress?.(`warning: ${w}`);
	entry = updateEntry(store, entry.id, {
		state: "landed",
		candidate: commit,
		reason: note
	});
	if (task) {
		updateTask(store, task.name, {
			status: "landed",
			statusDetail: note,
			landedCommit: commit
		});
		if (entry.tip) mergeTaskOptions(store, task.name, { landedTip: entry.tip });
	}
	appendEvent(store, entry.task, "land.landed", {
		commit,
		mainBefore: from
	});
	if (from !== commit) appendEvent(store, null, "main.moved", {
		branch: base,
		from,
		to: commit,
		task: entry.task
	});
	ctx.onProgress?.(`${entry.task}: landed ${commit.slice(0, 8)}${note ? ` (${note})` : ""}`);
	if (task && ctx.config.land.cleanup && ctx.removeTask) await ctx.removeTask(task.name);
	return outcomeOf(entry, commit);
}
/**
* Gates what would land. A rebase puts every replayed commit on the target branch, so each is
* gated on its own tree, oldest first, and the first red one is named.
*/
async function gateForLanding(ctx, task, base, main, candidate, replayed) {
	const cwd = ctx.repo.root;
	const series = replayed ? await seriesOf(cwd, main, candidate) : [candidate];
	for (const [i, commit] of series.entries()) {
		if (i > 0) ctx.onProgress?.(`${task}: gating replayed commit ${commit.slice(0, 8)}`);
		const gate = await gateCandidate(gateSettings(ctx), task, commit, main);
		if (gate.verdict === "pass") {
			if (commit === candidate) return {
				passed: true,
				log: gate.log
			};
			continue;
		}
		const timeout = `timed out after ${ctx.config.gate_timeout} s`;
		const mainRun = gate.runs.at(-1);
		const lastOnCandidate = gate.runs.filter((r) => r.commit !== main).at(-1);
		const failed = lastOnCandidate?.timedOut ? `${timeout} twice` : "failed twice";
		const reason = gate.verdict === "main-red" ? `${base} itself is red: the gate ${mainRun?.timedOut ? timeout : "fails"} on ${base} alone (log: ${mainRun?.log}); fix ${base} first` : commit !== candidate ? `the gate ${failed} on replayed commit ${commit.slice(0, 8)} (${await subjectOf(cwd, commit)}), ${i + 1} of ${series.length}: with land.strategy rebase every commit lands on ${base}, so each must pass; fix that commit or land with squash (log: ${gate.log})` : `the gate ${lastOnCandidate?.timedOut ? `${timeout} on the candidate, twice` : "failed twice on the candidate"} (log: ${gate.log})`;
		const quoted = gate.verdict === "main-red" ? mainRun : lastOnCandidate;
		return {
			passed: false,
			log: gate.log,
			reason: withDetail(reason, quoted)
		};
	}
	throw new Error("unreachable: the series ends with the candidate");
}
/** The reason, then (as more sentences) what the decisive run printed. */
function withDetail(reason, run) {
	const detail = run ? gateFailureDetail(run) : "";
	return detail ? `${reason}.${detail}` : reason;
}
function reject(ctx, entry, task, reason) {
	const store = ctx.store;
	entry = updateEntry(store, entry.id, {
		state: "rejected",
		reason
	});
	if (task) updateTask(store, task.name, {
		status: restoreStatus(entry),
		statusDetail: `not landed: ${reason}`
	});
	appendEvent(store, entry.task, "land.rejected", { reason });
	ctx.onProgress?.(`${entry.task}: not landed: ${reason}`);
	return outcomeOf(entry);
}
function restoreStatus(entry) {
	const prev = entry.prevStatus;
	return prev && ![
		"queued",
		"landing",
		"landed",
		"conflict"
	].includes(prev) ? prev : "exited";
}
function gateSettings(ctx) {
	return {
		repoDir: ctx.repo.root,
		commonDir: ctx.repo.commonDir,
		scratch: gateScratch(ctx),
		command: ctx.config.gate,
		timeoutSec: ctx.config.gate_timeout,
		leaseEnv: ctx.leaseEnv,
		prepare: ctx.prepareGate,
		onProgress: ctx.onProgress,
		store: ctx.store
	};
}
/** The one pooled scratch worktree (slot 0), beside the task worktrees. */
function gateScratch(ctx) {
	return scratchDir(ctx.repo, ctx.config.worktrees, 0);
}
/** A migration the task adds whose number one on main already has (under migrations.glob). */
async function migrationClash(ctx, main, tip) {
	const glob = ctx.config.migrations?.glob;
	if (!glob) return null;
	const cwd = ctx.repo.root;
	const { matches } = compileGlob(glob);
	const fork = await git([
		"merge-base",
		main,
		tip
	], {
		cwd,
		allowFailure: true
	});
	if (!fork) return null;
	const list = async (args) => (await git(args, { cwd })).split("\0").filter((p) => p && matches(p));
	const added = await list([
		"diff",
		"--name-only",
		"--diff-filter=A",
		"-z",
		fork,
		tip
	]);
	if (added.length === 0) return null;
	const onMain = await list([
		"ls-tree",
		"-r",
		"--name-only",
		"-z",
		main
	]);
	for (const mine of added) {
		const n = migrationNumber(mine);
		const theirs = n === null ? void 0 : onMain.find((m) => m !== mine && migrationNumber(m) === n);
		if (theirs) return `migration ${mine} collides with ${theirs} on the target branch (both number ${n})`;
	}
	return null;
}
/** The commits a rebase candidate adds on top of main, oldest first. */
async function seriesOf(cwd, main, candidate) {
	const out = await git([
		"rev-list",
		"--reverse",
		"--first-parent",
		`${main}..${candidate}`
	], { cwd });
	return out ? out.split("\n") : [candidate];
}
async function subjectOf(cwd, commit) {
	return git([
		"log",
		"-1",
		"--format=%s",
		commit
	], { cwd });
}
/** Squash and merge commits say what the task was for, and list the commits they stand for. */
async function messageFor(cwd, task, main, tip) {
	const subjects = await git([
		"log",
		"--reverse",
		"--format=%s",
		`${main}..${tip}`
	], { cwd });
	return squashMessage(task.name, task.prompt, subjects ? subjects.split("\n") : []);
}
/** The agent's unfinished edits are part of its work: commit them on its branch before landing. */
async function commitUncommitted(ctx, task) {
	if (!existsSync(task.worktree)) return;
	if ((await worktreeChanges(task.worktree)).length === 0) return;
	if (await git([
		"symbolic-ref",
		"--quiet",
		"HEAD"
	], {
		cwd: task.worktree,
		allowFailure: true
	}) !== `refs/heads/${task.branch}`) {
		ctx.onProgress?.(`${task.name}: worktree is not on ${task.branch}; its uncommitted changes are not landed`);
		return;
	}
	const env = await userIdentityEnv(task.worktree);
	await git([
		"add",
		"-A",
		"--",
		"."
	], {
		cwd: task.worktree,
		env
	});
	await git([
		"commit",
		"-q",
		"--no-verify",
		"-F",
		"-"
	], {
		cwd: task.worktree,
		env,
		input: squashMessage(task.name, task.prompt)
	});
	appendEvent(ctx.store, task.name, "land.committed-uncommitted", {});
	ctx.onProgress?.(`${task.name}: committed uncommitted work in ${task.worktree}`);
}
// dist/land/land.js
/** Puts tasks at the end of the queue in the order given (a task already queued keeps its place). */
function enqueueTasks(ctx, names) {
	const store = ctx.store;
	return ctx.store.tx(() => names.map((name) => {
		const task = getTask(store, name);
		const prev = task?.status ?? null;
		const entry = enqueue(store, name, prev);
		if (task && entry.state === "queued" && task.status !== "queued") {
			updateTask(store, name, { status: "queued" });
			appendEvent(store, name, "land.queued", { entry: entry.id });
		}
		return entry;
	}));
}
/**
* Works through the queue while holding the repo's `queue` lock: finishes what a crashed holder
* left, re-queues conflicts whose agent committed, then lands entries one at a time.
* Returns ran=false when another live process holds the queue (it will process the entries).
*/
async function processQueue(ctx) {
	const res = await withLockIfFree(ctx.store, QUEUE_LOCK, `braid land (pid ${process.pid})`, async () => {
		const outcomes = [];
		const skip = /* @__PURE__ */ new Set();
		for (const g of await endStaleGateGroups(ctx.store, { holdsQueue: true })) ctx.onProgress?.(`ended an orphaned gate (process group ${g.pgid}, ${g.holder})`);
		await resumeEndedWaits(ctx);
		for (;;) {
			const entries = activeEntries(ctx.store);
			const step = planNextStep({
				entries,
				tips: await waitingTips(ctx, entries),
				skip
			});
			if (step.kind === "idle") return outcomes;
			if (step.kind === "recover") {
				const done = await recover(ctx, step.entry);
				if (done) outcomes.push(done);
			} else if (step.kind === "requeue") {
				updateEntry(ctx.store, step.entry.id, {
					state: "queued",
					attempt: 0,
					reason: null,
					conflictFiles: []
				});
				ctx.onProgress?.(`${step.entry.task}: new commit after the hand-back; re-queued`);
			} else for (const entry of step.entries) {
				const outcome = await landEntry(ctx, entry);
				if (outcome.state === "queued") skip.add(entry.id);
				outcomes.push(outcome);
			}
		}
	});
	return res.ran ? {
		ran: true,
		outcomes: res.value
	} : {
		ran: false,
		holder: res.holder && asQueueHolder(res.holder)
	};
}
/** Hand-backs that waited for a headless run: resumed once it ended (a branch that moved is re-queued instead). */
async function resumeEndedWaits(ctx) {
	if (!ctx.resumeWaiting) return;
	const waiting = activeEntries(ctx.store).filter((e) => e.state === "waiting_agent");
	if (!waiting.length) return;
	const tips = await waitingTips(ctx, waiting);
	await ctx.resumeWaiting(waiting.filter((e) => tips[e.task] === e.tip));
}
async function waitingTips(ctx, entries) {
	const tips = {};
	for (const e of entries) {
		if (e.state !== "waiting_agent") continue;
		const task = getTask(ctx.store, e.task);
		tips[e.task] = task ? await readRef(ctx.repo.root, `refs/heads/${task.branch}`) : null;
	}
	return tips;
}
/**
* An entry left mid-way by a holder that died: if its candidate reached the target branch the
* landing happened (record it); otherwise nothing moved and it simply goes back to queued.
*/
async function recover(ctx, entry) {
	const store = ctx.store;
	const task = getTask(store, entry.task);
	const base = task ? await targetBranch(ctx, task) : ctx.config.base ?? "main";
	const main = await readRef(ctx.repo.root, `refs/heads/${base}`);
	if ((entry.candidate && entry.mainBefore && main && entry.candidate !== entry.mainBefore ? await isAncestor(ctx.repo.root, entry.candidate, main) : false) && entry.candidate && entry.mainBefore) {
		ctx.onProgress?.(`${entry.task}: an interrupted landing had reached ${base}; recording it`);
		return finishLanded(ctx, entry, task, main === entry.candidate ? entry.mainBefore : entry.candidate, entry.candidate, null);
	}
	updateEntry(store, entry.id, {
		state: "queued",
		candidate: null,
		reason: "interrupted; rebuilding"
	});
	ctx.onProgress?.(`${entry.task}: an interrupted landing left ${base} untouched; retrying`);
	return null;
}
export { taskNameProblem as A, clientEnv as C, assertTaskName as D, taskDatabaseName as E, backupRef as O, isMainCheckout as S, psqlMaintenance as T, migrationEnv as _, defaultLandHooks as a, removeWorktree as b, startSession as c, refreshAllSessions as d, refreshTaskStatusReading as f, exportLines as g, recoverTask as h, endStaleGateGroups as i, taskBranch as k, stopSession as l, provisionTask as m, processQueue as n, handBackPending as o, markInterruptedProvisions as p, removeOrphanScratch as r, refreshSession as s, enqueueTasks as t, stopSessionForRemoval as u, taskEnvironment as v, dropDatabase as w, withWorktreeLock as x, removeTask as y };
