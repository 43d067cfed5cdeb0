// dist/store/tasks.js
function fromRow(r) {
	return {
		name: r.name,
		branch: r.branch,
		worktree: r.worktree,
		base: r.base,
		baseCommit: r.base_commit,
		agent: r.agent,
		prompt: r.prompt,
		runtime: r.runtime,
		status: r.status,
		statusSource: r.status_source,
		statusSince: r.status_since,
		statusDetail: r.status_detail,
		exitCode: r.exit_code,
		pid: r.pid,
		agentSessionId: r.agent_session_id,
		transcriptPath: r.transcript_path,
		transcriptPaths: JSON.parse(r.transcript_paths),
		logPath: r.log_path,
		needs: JSON.parse(r.needs),
		runId: r.run_id,
		landedCommit: r.landed_commit,
		options: JSON.parse(r.options),
		createdAt: r.created_at,
		updatedAt: r.updated_at
	};
}
/** Column for each updatable field: the one place where camelCase meets the schema. */
const COLUMNS = {
	branch: "branch",
	worktree: "worktree",
	base: "base",
	baseCommit: "base_commit",
	agent: "agent",
	prompt: "prompt",
	runtime: "runtime",
	status: "status",
	statusSource: "status_source",
	statusSince: "status_since",
	statusDetail: "status_detail",
	exitCode: "exit_code",
	pid: "pid",
	agentSessionId: "agent_session_id",
	transcriptPath: "transcript_path",
	transcriptPaths: "transcript_paths",
	logPath: "log_path",
	needs: "needs",
	runId: "run_id",
	landedCommit: "landed_commit",
	options: "options",
	createdAt: "created_at",
	updatedAt: "updated_at"
};
function toDb(key, value) {
	if (key === "needs" || key === "transcriptPaths") return JSON.stringify(value ?? []);
	if (key === "options") return JSON.stringify(value ?? {});
	return value ?? null;
}
function insertTask(store, task) {
	const now = Date.now();
	const full = {
		prompt: null,
		runtime: "tmux",
		status: "provisioning",
		statusSource: "process",
		statusSince: now,
		statusDetail: null,
		exitCode: null,
		pid: null,
		agentSessionId: null,
		transcriptPath: null,
		transcriptPaths: [],
		logPath: null,
		needs: [],
		runId: null,
		landedCommit: null,
		options: {},
		createdAt: now,
		updatedAt: now,
		...task
	};
	const keys = Object.keys(COLUMNS);
	const cols = ["name", ...keys.map((k) => COLUMNS[k])];
	const values = [full.name, ...keys.map((k) => toDb(k, full[k]))];
	store.db.prepare(`INSERT INTO tasks (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...values);
	return full;
}
function getTask(store, name) {
	const row = store.db.prepare("SELECT * FROM tasks WHERE name = ?").get(name);
	return row ? fromRow(row) : null;
}
function listTasks(store) {
	return store.db.prepare("SELECT * FROM tasks ORDER BY created_at, name").all().map(fromRow);
}
/** The task whose worktree contains `dir` (hooks report their cwd, which may be a subfolder). */
function findTaskByPath(store, dir) {
	const tasks = listTasks(store).filter((t) => dir === t.worktree || dir.startsWith(`${t.worktree}/`));
	tasks.sort((a, b) => b.worktree.length - a.worktree.length);
	return tasks[0] ?? null;
}
/** Updates the given fields; a status change also stamps statusSince. */
function updateTask(store, name, patch) {
	const now = Date.now();
	const fields = {
		...patch,
		updatedAt: now
	};
	if (patch.status !== void 0 && patch.statusSince === void 0) {
		const current = store.db.prepare("SELECT status FROM tasks WHERE name = ?").get(name);
		if (current && current.status !== patch.status) fields.statusSince = now;
	}
	const keys = Object.keys(fields);
	const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(", ");
	store.db.prepare(`UPDATE tasks SET ${sets} WHERE name = ?`).run(...keys.map((k) => toDb(k, fields[k])), name);
}
function mergeTaskOptions(store, name, extra) {
	const task = getTask(store, name);
	if (task) updateTask(store, name, { options: {
		...task.options,
		...extra
	} });
}
function deleteTask(store, name) {
	store.db.prepare("DELETE FROM tasks WHERE name = ?").run(name);
}
export { listTasks as a, insertTask as i, findTaskByPath as n, mergeTaskOptions as o, getTask as r, updateTask as s, deleteTask as t };
