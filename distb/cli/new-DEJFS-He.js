import { t as BraidError } from "./errors-wmBuLZod.js";
import { D as assertTaskName, c as startSession, h as recoverTask, m as provisionTask } from "./land-CfEzZRz-.js";
import { c as resolveCommit, i as currentBranch, o as hasCommits } from "./config-file-CkoDHq_W.js";
import { i as insertTask, r as getTask, s as updateTask } from "./tasks-BaE3DxGI.js";
import { n as setupLogPath } from "./paths-Dq-5bDtl.js";
import { t as ensureSupervisor } from "./control-DOTKMzA2.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { p as checkConfinable } from "./stream-json-BZ8Yg24g.js";
import { o as taskPorts } from "./ports-CHLGDPFH.js";
import { a as progress, i as printJson, n as dim } from "./output-DxhfGA2Q.js";
// dist/isolate/workspace/readonly.js
/** Records a read-only task on the main checkout's current commit: no worktree, branch, ports or setup. */
async function createReadonlyTask(project, req) {
	assertTaskName(req.name);
	const { store, repo, config } = project;
	await recoverTask(project, req.name);
	if (!await hasCommits(repo.root)) throw new BraidError("E_NO_COMMITS", "this repository has no commits yet", "Make a first commit, then try again.");
	const branch = await currentBranch(repo.root) ?? "HEAD";
	const commit = await resolveCommit(repo.root, "HEAD");
	return store.tx(() => {
		if (getTask(store, req.name)) throw new BraidError("E_TASK_EXISTS", `task '${req.name}' already exists`, `Pick another name, or braid rm ${req.name} first.`);
		return insertTask(store, {
			name: req.name,
			branch,
			worktree: repo.root,
			base: branch,
			baseCommit: commit,
			agent: req.agent ?? config.agent,
			prompt: req.prompt ?? null,
			runtime: req.headless ? "headless" : "tmux",
			status: "idle",
			options: {
				...req.options,
				readonly: true
			},
			logPath: setupLogPath(repo.commonDir, req.name)
		});
	});
}
// dist/cli/commands/new.js
/** Starts the new task's agent; a missing agent leaves the task provisioned and says how to go on. */
async function startProvisioned(project, name) {
	try {
		return await startSession(project, name);
	} catch (err) {
		if (!(err instanceof BraidError) || err.code !== "E_AGENT_MISSING") throw err;
		updateTask(project.store, name, { statusDetail: "agent not installed: start it with braid start" });
		throw new BraidError(err.code, `${err.message}; task '${name}' is provisioned but not started`, `${err.hint ?? ""} Then run: braid start ${name}`.trim());
	}
}
function register(program) {
	program.command("new").description("Create a task: its own worktree, branch, dependencies, .env files and ports; then start its agent").argument("<name>", "task name: lowercase letters, digits, \"-\" and \"_\", at most 40 characters").option("-p, --prompt <text>", "what the agent should do").option("--agent <agent>", "claude, codex, aider, shell, or one from braid.yaml (default: agent in braid.yaml)").option("--base <ref>", "branch or commit to start from (default: base in braid.yaml, else the checked-out branch)").option("--headless", "run the agent detached with its output in a log, instead of a tmux window").option("--sandbox", "run the agent in a bubblewrap sandbox: only its worktree (and what git commits need) is writable").option("--readonly", "a research or review session in the main checkout, sandboxed with nothing writable").option("--needs <names...>", "tasks this one depends on (recorded for the plan runner)").option("--no-start", "only provision the workspace; start the agent later with braid start").option("--json", "print the task as JSON").action(async (name, opts) => {
		await withProject(process.cwd(), async (project) => {
			const confine = {
				sandbox: !!opts.sandbox,
				readonly: !!opts.readonly
			};
			if (opts.readonly && opts.base) throw new BraidError("E_USAGE", "--readonly runs in the main checkout as it is, so it takes no --base", "Check out what you want to review in the main checkout, or drop --base.");
			const notes = await checkConfinable(project, confine);
			for (const note of notes) progress(`note: ${note}`);
			let task = opts.readonly ? await createReadonlyTask(project, {
				name,
				agent: opts.agent,
				prompt: opts.prompt,
				headless: opts.headless,
				options: confine
			}) : await provisionTask(project, {
				name,
				base: opts.base,
				agent: opts.agent,
				prompt: opts.prompt,
				headless: opts.headless,
				needs: opts.needs,
				options: confine,
				onProgress: opts.json ? void 0 : (m) => progress(dim(`${name}: ${m}`))
			});
			if (opts.start !== false) {
				task = await startProvisioned(project, name);
				await ensureSupervisor(project);
			}
			const ports = taskPorts(project.store, name);
			if (opts.json) return printJson({ task: {
				...task,
				ports
			} });
			process.stdout.write(`created ${name} in ${task.worktree}\n`);
			if (opts.readonly) process.stdout.write(dim("  read-only in the main checkout: no worktree, branch or ports\n"));
			else process.stdout.write(dim(`  branch ${task.branch} from ${task.base}; ports ${JSON.stringify(ports)}\n`));
			if (opts.start === false) process.stdout.write(dim(`  start its agent with: braid start ${name}\n`));
		});
	});
}
export { register };
