import { i as table, n as formatBytes } from "./format-CBknmFXK.js";
import { s as projectPricing } from "./proctree-6mt0DR60.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { _ as taskCgroupUsage } from "./stream-json-BZ8Yg24g.js";
import { a as listTasks } from "./tasks-BaE3DxGI.js";
import { t as collectStats } from "./stats-report-BakgUUCU.js";
import { i as printJson, n as dim, o as red, s as yellow } from "./output-DxhfGA2Q.js";
// dist/cli/commands/stats.js
function register(program) {
	program.command("stats").description("Tokens, cost, memory and CPU per task, per run, per day and in total").option("--json", "print one JSON document: {\"tasks\":[…],\"runs\":[…],\"days\":[…],\"total\":{…}}").addHelpText("after", [
		"",
		"Tokens and cost come from the agents' own records (Claude Code transcripts, headless",
		"logs); they match `ccusage` on the same files. A cost shown as \"?\" is unknown: the model",
		"has no price in braid's table. \"≥$x\" means part of it is unknown. RAM and CPU cover the",
		"whole process tree of each running session."
	].join("\n")).action(async (opts) => {
		await withProject(process.cwd(), async (project) => {
			const tasks = listTasks(project.store);
			const report = await collectStats(tasks, {
				budget: project.config.budget,
				pricing: projectPricing(project)
			});
			for (const t of report.tasks) {
				const task = tasks.find((x) => x.name === t.name);
				const cg = task ? await taskCgroupUsage(task).catch(() => null) : null;
				if (cg) Object.assign(t, {
					rssBytes: cg.memoryBytes ?? t.rssBytes,
					cpuPercent: cg.cpuPercent ?? t.cpuPercent
				});
			}
			if (opts.json) printJson(report);
			else process.stdout.write(`${render(report)}\n`);
		});
	});
}
function tokens(n) {
	if (n === null) return "-";
	if (n < 1e3) return String(n);
	if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
	return `${(n / 1e6).toFixed(2)}M`;
}
function cost(known, exact) {
	if (known === null) return "-";
	if (exact !== null) return `$${exact.toFixed(2)}`;
	return known > 0 ? `≥$${known.toFixed(2)}` : "?";
}
const cpu = (c) => c === null ? "-" : `${c.toFixed(0)}%`;
function budgetNote(t) {
	if (t.budget.level === "exceeded") return red(`over budget: ${t.budget.reason}`);
	if (t.budget.level === "warn") return yellow(t.budget.reason);
	return "";
}
function groupRow(label, g) {
	return [
		label,
		tokens(g.totalTokens),
		cost(g.knownCostUsd, g.costUsd)
	];
}
function render(r) {
	if (r.tasks.length === 0) return "No tasks yet. Start one with: braid new <name> -p \"what to do\"";
	const out = [];
	out.push(table([
		"TASK",
		"STATUS",
		"TOKENS",
		"COST",
		"RSS",
		"CPU",
		""
	], r.tasks.map((t) => [
		t.name,
		t.status,
		tokens(t.totalTokens),
		cost(t.knownCostUsd, t.costUsd),
		formatBytes(t.rssBytes),
		cpu(t.cpuPercent),
		budgetNote(t)
	])));
	if (r.runs.length > 0) out.push("", table([
		"RUN",
		"TOKENS",
		"COST"
	], r.runs.map((g) => groupRow(g.runId, g))));
	if (r.days.length > 0) out.push("", table([
		"DAY",
		"TOKENS",
		"COST"
	], r.days.map((g) => groupRow(g.date, g))));
	const t = r.total;
	out.push("", `total: ${tokens(t.totalTokens)} tokens, ${cost(t.knownCostUsd, t.costUsd)}, ${formatBytes(t.rssBytes)} RAM, ${cpu(t.cpuPercent)} CPU`);
	if (t.unpricedModels.length > 0) out.push(dim(`no price for: ${t.unpricedModels.join(", ")}`));
	if (t.tasksWithoutUsage.length > 0) out.push(dim(`no usage reported by: ${t.tasksWithoutUsage.join(", ")}`));
	return out.join("\n");
}
export { register };
