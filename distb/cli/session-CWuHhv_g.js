import { c as latestRefusals, n as describeDenials } from "./refusals-DxFGZ0mh.js";
import { c as LIVE_STATUSES, t as attachArgv } from "./reach-gipIaIgq.js";
import { n as runInherited } from "./inherit-BMZEh39M.js";
import { t as taskDiff } from "./task-diff-BbBPvigK.js";
import { a as requireTask, i as requireSession, o as sendToTask, s as stopTask } from "./actions-CTxsdFNG.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { c as startSession, s as refreshSession } from "./land-CfEzZRz-.js";
import { a as progress, n as dim } from "./output-DxhfGA2Q.js";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
// dist/cli/commands/session.js
/** Prints a file from `offset`, returning the new offset; the file may still be growing. */
function printFrom(file, offset) {
	if (!existsSync(file)) return offset;
	const size = statSync(file).size;
	if (size <= offset) return size < offset ? 0 : offset;
	const fd = openSync(file, "r");
	const buf = Buffer.alloc(size - offset);
	readSync(fd, buf, 0, buf.length, offset);
	closeSync(fd);
	process.stdout.write(buf);
	return size;
}
async function followLog(project, name, file, follow) {
	let offset = printFrom(file, 0);
	while (follow) {
		await new Promise((r) => setTimeout(r, 300));
		offset = printFrom(file, offset);
		const task = await refreshSession(project, name);
		if (!task || !LIVE_STATUSES.includes(task.status)) {
			printFrom(file, offset);
			break;
		}
	}
	sayRefusals(project, name);
}
/** A refused tool use is easy to miss in a raw log: the last lines say so in words. */
function sayRefusals(project, name) {
	const denials = latestRefusals(project.store, name);
	if (!denials.length) return;
	const n = denials.length;
	process.stdout.write(`\nbraid: the agent was refused ${n} tool use${n === 1 ? "" : "s"}: ${describeDenials(denials, 10)}\n`);
}
function register(program) {
	program.command("start").description("Start or resume a task's agent (Claude Code resumes its recorded session)").argument("<name>", "task name").option("--headless", "run detached with output to a log instead of in tmux").option("--fresh", "start a new agent session instead of resuming the last one").action(async (name, opts) => {
		await withProject(process.cwd(), async (project) => {
			const task = await startSession(project, name, {
				headless: opts.headless,
				resume: !opts.fresh,
				onProgress: (m) => progress(dim(`${name}: ${m}`))
			});
			process.stdout.write(`started ${name} (${task.runtime}${task.pid ? `, pid ${task.pid}` : ""})\n`);
		});
	});
	program.command("stop").description("Stop a task's agent: its own quit keys, then SIGTERM, then SIGKILL; the worktree stays").argument("<name>", "task name").action(async (name) => {
		await withProject(process.cwd(), async (project) => {
			await stopTask(project, name);
			process.stdout.write(`stopped ${name}\n`);
		});
	});
	program.command("attach").description("Attach to a task's tmux window (switches client inside tmux); for headless, follow its log").argument("<name>", "task name").action(async (name) => {
		await withProject(process.cwd(), async (project) => {
			const task = requireTask(project, name);
			const handle = requireSession(task);
			const argv = attachArgv(handle, !!process.env.TMUX);
			if (!argv) return followLog(project, name, task.logPath ?? "", true);
			const res = await runInherited(argv[0], argv.slice(1), { cwd: task.worktree });
			process.exitCode = res.code ?? 1;
		});
	});
	program.command("send").description("Type text into a session, literally (never read as tmux keys), then Enter").argument("<name>", "task name").argument("<text...>", "the text to type").action(async (name, text) => {
		await withProject(process.cwd(), async (project) => {
			await sendToTask(project, name, text.join(" "));
		});
	});
	program.command("logs").description("Print a session's output (the pane log for tmux, stdout+stderr for headless)").argument("<name>", "task name").option("-f, --follow", "keep printing as output arrives, until the session ends").action(async (name, opts) => {
		await withProject(process.cwd(), async (project) => {
			const task = requireTask(project, name);
			requireSession(task);
			await followLog(project, name, task.logPath ?? "", !!opts.follow);
		});
	});
	program.command("diff").description("What the task changed against its base: commits, uncommitted and untracked files").argument("<name>", "task name").option("--stat", "a summary per file instead of the full diff").action(async (name, opts) => {
		await withProject(process.cwd(), async (project) => {
			const out = await taskDiff(project.repo.root, requireTask(project, name), { stat: opts.stat });
			process.stdout.write(out ? `${out}\n` : "");
		});
	});
}
export { register };
