import { t as BraidError } from "./errors-wmBuLZod.js";
import { i as table, r as formatDuration } from "./format-CBknmFXK.js";
import { C as clientEnv, E as taskDatabaseName, O as backupRef, S as isMainCheckout, T as psqlMaintenance, _ as migrationEnv, b as removeWorktree, g as exportLines, h as recoverTask, i as endStaleGateGroups, k as taskBranch, r as removeOrphanScratch, v as taskEnvironment, w as dropDatabase, x as withWorktreeLock, y as removeTask } from "./land-CfEzZRz-.js";
import { r as removeTaskAction } from "./actions-CTxsdFNG.js";
import { u as git } from "./config-file-CkoDHq_W.js";
import { i as snapshotWorktree } from "./merge-tree-DF9GFWME.js";
import { c as openOperations, o as isAbandoned } from "./status-ClrpCT2N.js";
import { a as releasePorts, i as portLessees, o as taskPorts, t as GATE_LESSEE } from "./ports-CHLGDPFH.js";
import { a as listTasks, r as getTask } from "./tasks-BaE3DxGI.js";
import { r as queueLockHolder } from "./queue-lock-k6y2TCMt.js";
import { r as clearStaleLocks } from "./locks-DgAq5XpH.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { t as drainHookSpool } from "./hook-spool-z0bemuhX.js";
import { t as taskViews } from "./task-view-NTULXZdR.js";
import { i as printJson, n as dim, o as red, r as green, s as yellow, t as bold } from "./output-DxhfGA2Q.js";
import path from "node:path";
import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from "node:fs";
// dist/git/stale-ref-locks.js
/**
* Ref lock files (`<ref>.lock`) a killed git left under braid's refs: git creates one, writes the
* new id and renames it onto the ref within milliseconds, so one that is old and that no process
* has open, while no git runs in the repository, will never be finished: it only blocks the name.
*/
/** Older than this and nobody at work: git never holds a ref lock this long. */
const STALE_REF_LOCK_MS = 6e4;
/** Where braid's own refs live: task branches, backups, radar snapshots. */
const BRAID_REF_DIRS = ["refs/heads/braid", "refs/braid"];
/**
* Removes the stale lock files under braid's refs. `workPaths` are the folders a git working on
* this repository would run in (the main checkout, the worktrees); the common dir is added.
*/
function clearStaleRefLocks(commonDir, workPaths, now = Date.now(), minAgeMs = STALE_REF_LOCK_MS) {
	const locks = BRAID_REF_DIRS.flatMap((d) => lockFiles(path.join(commonDir, d)));
	if (!locks.length) return [];
	const procs = liveProcesses();
	const inRepo = [commonDir, ...workPaths].map((p) => path.resolve(p));
	const gitAtWork = procs.filter((p) => p.isGit && p.cwd && inRepo.some((r) => within(p.cwd, r)));
	const verdicts = [];
	for (const file of locks) {
		let age;
		try {
			age = now - statSync(file).mtimeMs;
		} catch {
			continue;
		}
		const holder = procs.find((p) => p.openFiles.includes(file));
		const keep = (detail) => verdicts.push({
			path: file,
			removed: false,
			detail
		});
		if (age < minAgeMs) keep(`kept: only ${Math.round(age / 1e3)} s old`);
		else if (holder) keep(`kept: pid ${holder.pid} has it open`);
		else if (gitAtWork.length) keep(`kept: git runs in this repository (pid ${gitAtWork[0].pid})`);
		else {
			rmSync(file, { force: true });
			verdicts.push({
				path: file,
				removed: true,
				detail: `removed: left ${Math.round(age / 1e3)} s ago by a git that is gone`
			});
		}
	}
	return verdicts;
}
function lockFiles(dir) {
	let entries;
	try {
		entries = readdirSync(dir, { withFileTypes: true });
	} catch {
		return [];
	}
	return entries.flatMap((e) => {
		const full = path.join(dir, e.name);
		if (e.isDirectory()) return lockFiles(full);
		return e.isFile() && e.name.endsWith(".lock") ? [full] : [];
	});
}
/** Every process we may look at, from /proc: its name, folder and open files (others' are skipped). */
function liveProcesses() {
	let entries;
	try {
		entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
	} catch {
		return [];
	}
	const out = [];
	for (const entry of entries) {
		const pid = Number(entry);
		if (pid === process.pid) continue;
		const base = `/proc/${entry}`;
		const link = (p) => {
			try {
				return readlinkSync(p);
			} catch {
				return null;
			}
		};
		const exe = link(`${base}/exe`);
		const comm = safeRead(`${base}/comm`)?.trim() ?? "";
		let fds = [];
		try {
			fds = readdirSync(`${base}/fd`);
		} catch {}
		out.push({
			pid,
			isGit: comm === "git" || comm.startsWith("git-") || exe !== null && /\/git(-[\w-]+)?$/.test(exe),
			cwd: link(`${base}/cwd`),
			openFiles: fds.map((fd) => link(`${base}/fd/${fd}`)).filter((f) => f !== null)
		});
	}
	return out;
}
function safeRead(file) {
	try {
		return readFileSync(file, "utf8");
	} catch {
		return null;
	}
}
function within(child, parent) {
	const rel = path.relative(parent, child);
	return rel === "" || !rel.startsWith("..") && !path.isAbsolute(rel);
}
// dist/isolate/workspace/database-orphans.js
const MARKED = /^braid task (\S+) of (.+)$/;
/**
* Drops the postgres databases braid created for this repository's tasks that no longer exist.
* Only databases carrying braid's owner comment for this very repository count: never the user's own.
*/
async function dropOrphanDatabases(config, opts) {
	if (config.kind !== "postgres") return [];
	const env = clientEnv(config, {
		task: "",
		repoRoot: opts.cwd,
		worktree: opts.cwd,
		env: opts.env
	});
	const rows = await psqlMaintenance(env, opts.cwd, [], "SELECT datname || '|' || shobj_description(oid, 'pg_database') FROM pg_database WHERE shobj_description(oid, 'pg_database') LIKE 'braid task %';");
	const dropped = [];
	for (const line of rows.split("\n").filter(Boolean)) {
		const [name, ...rest] = line.split("|");
		const m = MARKED.exec(rest.join("|"));
		if (!m || m[2] !== opts.owner || opts.liveTasks.has(m[1])) continue;
		if (name !== taskDatabaseName(config.name ?? config.template, m[1])) continue;
		await dropDatabase(config, {
			task: m[1],
			repoRoot: opts.cwd,
			worktree: opts.cwd,
			env: opts.env
		});
		dropped.push(name);
	}
	return dropped;
}
// dist/isolate/workspace/gc.js
async function listWorktrees(root) {
	const out = await git([
		"worktree",
		"list",
		"--porcelain",
		"-z"
	], { cwd: root });
	const entries = [];
	let current = null;
	for (const field of out.split("\0")) if (field.startsWith("worktree ")) {
		current = {
			path: field.slice(9),
			branch: null
		};
		entries.push(current);
	} else if (field.startsWith("branch ") && current) current.branch = field.slice(18);
	return entries;
}
/**
* Repairs what crashes and hand-deleted folders leave of task workspaces; every removal is backed up
* first. The merge queue's leftovers are land/gc.ts's (its gate ports included).
*/
async function collectWorkspaceGarbage(project) {
	const { store, repo } = project;
	const actions = [];
	const workPaths = [repo.root, ...(await listWorktrees(repo.root)).map((w) => w.path)];
	for (const v of clearStaleRefLocks(repo.commonDir, workPaths)) actions.push({
		kind: "stale-ref-lock",
		target: v.path,
		detail: v.detail
	});
	const opTasks = new Set(openOperations(store).filter(isAbandoned).map((op) => op.task));
	for (const name of opTasks) {
		const done = await recoverTask(project, name);
		if (done) actions.push({
			kind: "operation",
			target: name,
			detail: done
		});
	}
	for (const task of listTasks(store)) {
		if (task.status === "landed" || isMainCheckout(project, task.worktree) || existsSync(task.worktree)) continue;
		const result = await removeTask(project, task.name, { force: true });
		actions.push({
			kind: "missing-worktree",
			target: task.name,
			detail: `worktree folder was gone; task removed${result.backupRef ? `, branch backed up at ${result.backupRef}` : ""}`
		});
	}
	const known = new Set(listTasks(store).map((t) => taskBranch(t.name)));
	for (const wt of await listWorktrees(repo.root)) {
		if (!wt.branch?.startsWith("braid/") || known.has(wt.branch) || wt.path === repo.root) continue;
		if (!existsSync(wt.path)) continue;
		const ref = backupRef(wt.branch.slice(6), /* @__PURE__ */ new Date());
		await snapshotWorktree(wt.path, {
			ref,
			message: `braid gc backup of ${wt.path}`
		});
		await removeWorktree(repo.root, wt.path);
		actions.push({
			kind: "orphan-worktree",
			target: wt.path,
			detail: `no task owned it; backed up at ${ref}`
		});
	}
	await withWorktreeLock(repo.root, () => git(["worktree", "prune"], { cwd: repo.root }));
	const names = new Set(listTasks(store).map((t) => t.name));
	if (project.config.database?.kind === "postgres") try {
		const opts = {
			owner: repo.commonDir,
			cwd: repo.root,
			liveTasks: names
		};
		for (const db of await dropOrphanDatabases(project.config.database, opts)) actions.push({
			kind: "orphan-database",
			target: db,
			detail: "dropped: its task no longer exists"
		});
	} catch (err) {
		actions.push({
			kind: "orphan-database",
			target: "(server)",
			detail: `not checked: ${err.message}`
		});
	}
	for (const task of portLessees(store)) {
		if (names.has(task) || task === "(gate)") continue;
		releasePorts(store, task);
		actions.push({
			kind: "stale-lease",
			target: task,
			detail: "released the ports of a task that no longer exists"
		});
	}
	return actions;
}
// dist/land/gc.js
/**
* Repairs what a `braid land` that died leaves behind: scratch worktrees nothing uses, the gate's
* port block, gate process groups still running. A live queue's own are left alone.
*/
async function collectLandGarbage(project) {
	const { store, repo } = project;
	const actions = [];
	if (!(queueLockHolder(store) !== null)) {
		const removed = await removeOrphanScratch(repo, project.config.worktrees);
		for (const { dir, why } of removed) actions.push({
			kind: "orphan-scratch",
			target: dir,
			detail: `gate scratch worktree removed: ${why}`
		});
		if (removed.length > 0) await withWorktreeLock(repo.root, () => git(["worktree", "prune"], { cwd: repo.root }));
		if (portLessees(store).includes("(gate)")) {
			releasePorts(store, GATE_LESSEE);
			actions.push({
				kind: "stale-lease",
				target: GATE_LESSEE,
				detail: "released the merge-queue gate ports (no queue is running)"
			});
		}
	}
	for (const g of await endStaleGateGroups(store, { holdsQueue: false })) actions.push({
		kind: "stale-gate",
		target: g.name,
		detail: `ended the orphaned gate process group ${g.pgid} (${g.holder})`
	});
	return actions;
}
// dist/orchestrate/gc.js
/** `braid gc`: each stage repairs its own leftovers, then locks whose holder died are dropped. */
async function collectGarbage(project) {
	const actions = [...await collectWorkspaceGarbage(project), ...await collectLandGarbage(project)];
	for (const lock of clearStaleLocks(project.store)) actions.push({
		kind: "stale-lock",
		target: lock.name,
		detail: `holder pid ${lock.pid} is gone`
	});
	return actions;
}
// dist/cli/commands/workspace.js
function statusColor(status) {
	if (status === "failed" || status === "conflict") return red(status);
	if (status === "waiting") return yellow(status);
	if (status === "landed" || status === "exited") return green(status);
	return status;
}
/** What the agent asks (waiting), why it failed, or why it seems stuck (starting), clipped for the table. */
function statusNote(status, detail, refused) {
	if (!detail || !([
		"waiting",
		"failed",
		"starting"
	].includes(status) || refused)) return "";
	return ` (${detail.length > 60 ? `${detail.slice(0, 59)}…` : detail})`;
}
function register(program) {
	program.command("ls").description("One row per task: status, ports, changes, memory, tokens and cost").option("--json", "print {\"tasks\":[…]} with the fields of DESIGN.md").option("--fresh", "recount every figure (git, transcripts) instead of reusing the supervisor's").action(async (opts) => {
		await withProject(process.cwd(), async (project) => {
			drainHookSpool(project.store, project.repo.commonDir);
			const views = await taskViews(project, { fresh: opts.fresh });
			if (opts.json) return printJson({ tasks: views });
			if (!views.length) return void process.stdout.write("No tasks. Create one with: braid new <name> -p \"…\"\n");
			const rows = views.map((v) => [
				bold(v.name),
				statusColor(v.status) + statusNote(v.status, v.statusDetail, v.refusals.length > 0),
				formatDuration(Date.now() - v.statusSince),
				v.agent,
				Object.entries(v.ports).map(([k, p]) => `${k}=${p}`).join(" ") || "-",
				v.changedFiles === null ? "-" : String(v.changedFiles),
				v.ahead === null ? "-" : `+${v.ahead}/-${v.behind}`,
				v.tokens ? String(v.tokens.input + v.tokens.output + v.tokens.cacheCreation + v.tokens.cacheRead) : "-",
				v.costUsd === null ? "-" : `$${v.costUsd.toFixed(2)}`
			]);
			process.stdout.write(`${table([
				"TASK",
				"STATUS",
				"FOR",
				"AGENT",
				"PORTS",
				"FILES",
				"AHEAD",
				"TOKENS",
				"COST"
			], rows)}\n`);
		});
	});
	program.command("env").description("Print a task's environment (ports, database, names) as export lines").argument("<name>", "task name").option("--json", "print the variables as one JSON object").action(async (name, opts) => {
		await withProject(process.cwd(), async (project) => {
			const task = getTask(project.store, name);
			if (!task) throw new BraidError("E_NO_TASK", `no task named '${name}'`, "See the tasks with braid ls.");
			const dbEnv = task.options.databaseEnv ?? {};
			const env = taskEnvironment(project.repo, task, taskPorts(project.store, name), {
				...migrationEnv(project.config),
				...dbEnv
			});
			if (opts.json) printJson(env);
			else process.stdout.write(`${exportLines(env)}\n`);
		});
	});
	program.command("rm").description("Remove a task: session, worktree, branch, ports, database (backed up first, never losing work)").argument("<name...>", "task name(s)").option("-f, --force", "remove even with uncommitted or unlanded work (a backup is still made)").option("--json", "print {\"removed\":[{\"name\",\"backupRef\"}]}").action(async (names, opts) => {
		await withProject(process.cwd(), async (project) => {
			const removed = [];
			for (const name of names) {
				const res = await removeTaskAction(project, name, { force: opts.force });
				removed.push(res);
				if (!opts.json) {
					if (res.resumed) process.stdout.write(`finished the interrupted removal of ${name}\n`);
					process.stdout.write(`removed ${name}\n`);
					if (res.backupRef) process.stdout.write(dim(`  backup: ${res.backupRef}\n  restore: ${res.restoreHint}\n`));
				}
			}
			if (opts.json) printJson({ removed: removed.map((r) => ({
				name: r.name,
				backupRef: r.backupRef
			})) });
		});
	});
	program.command("gc").description("Repair orphans: half-finished operations, deleted worktrees, stale ports and locks").option("--json", "print {\"actions\":[{\"kind\",\"target\",\"detail\"}]}").action(async (opts) => {
		await withProject(process.cwd(), async (project) => {
			const actions = await collectGarbage(project);
			if (opts.json) return printJson({ actions });
			if (!actions.length) return void process.stdout.write("Nothing to repair.\n");
			for (const a of actions) process.stdout.write(`${a.kind}: ${a.target}: ${a.detail}\n`);
		});
	});
}
export { register };
