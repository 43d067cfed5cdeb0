import { l as checkBudget, n as clockTicksPerSecond, r as TaskUsageTracker, t as CpuSampler } from "./proctree-6mt0DR60.js";
import { d as DEFAULT_PRICING, i as addTotals, s as totalTokens } from "./stream-json-BZ8Yg24g.js";
import { t as isProcessAlive } from "./pid-BJsOpIbp.js";
import { d as readProcessTable } from "./run-CAKlpui-.js";
// dist/watch/monitor/stats-report.js
function group(t) {
	return {
		tokens: t.tokens,
		totalTokens: totalTokens(t.tokens),
		costUsd: t.costUsd,
		knownCostUsd: t.knownCostUsd,
		unpricedModels: t.unpricedModels
	};
}
/** Resources of each live task's process tree, CPU measured over `windowMs`. */
async function sampleResources(tasks, windowMs) {
	const live = tasks.filter((t) => t.pid && isProcessAlive(t.pid));
	const out = /* @__PURE__ */ new Map();
	if (live.length === 0) return out;
	const sampler = new CpuSampler(await clockTicksPerSecond());
	const first = readProcessTable();
	for (const t of live) {
		const s = sampler.sample(t.pid, first);
		if (s) out.set(t.name, s);
	}
	if (windowMs <= 0) return out;
	await new Promise((r) => setTimeout(r, windowMs));
	const second = readProcessTable();
	for (const t of live) {
		const s = sampler.sample(t.pid, second);
		if (s) out.set(t.name, s);
		else out.delete(t.name);
	}
	return out;
}
/** Usage, cost and resources per task, per run, per day and in total. */
async function collectStats(tasks, options = {}) {
	const pricing = options.pricing ?? DEFAULT_PRICING;
	const tracker = options.tracker ?? new TaskUsageTracker({
		env: options.env,
		pricing
	});
	const usage = new Map(tasks.map((t) => [t.name, tracker.usage(t)]));
	const resources = await sampleResources(tasks, options.cpuWindowMs ?? 250);
	const runs = /* @__PURE__ */ new Map();
	const days = /* @__PURE__ */ new Map();
	for (const t of tasks) {
		const u = usage.get(t.name);
		if (t.runId && u.totals) {
			const run = runs.get(t.runId) ?? {
				tasks: [],
				totals: []
			};
			run.tasks.push(t.name);
			run.totals.push(u.totals);
			runs.set(t.runId, run);
		}
		for (const [day, totals] of u.byDay) days.set(day, [...days.get(day) ?? [], totals]);
	}
	const runSpent = new Map([...runs].map(([id, r]) => [id, addTotals(...r.totals).knownCostUsd]));
	const taskStats = tasks.map((t) => {
		const u = usage.get(t.name);
		const r = resources.get(t.name);
		const tokens = u.totals ? totalTokens(u.totals.tokens) : null;
		return {
			name: t.name,
			agent: t.agent,
			status: t.status,
			runId: t.runId,
			source: u.source,
			tokens: u.totals?.tokens ?? null,
			totalTokens: tokens,
			costUsd: u.totals?.costUsd ?? null,
			knownCostUsd: u.totals?.knownCostUsd ?? null,
			unpricedModels: u.totals?.unpricedModels ?? [],
			rssBytes: r?.rssBytes ?? null,
			cpuPercent: r?.cpuPercent ?? null,
			processes: r?.pids.length ?? 0,
			budget: checkBudget({
				spentUsd: u.totals?.knownCostUsd ?? null,
				tokens,
				runSpentUsd: t.runId ? runSpent.get(t.runId) : null
			}, options.budget)
		};
	});
	const known = tasks.map((t) => usage.get(t.name).totals).filter((x) => x !== null);
	const cpu = [...resources.values()].map((r) => r.cpuPercent).filter((c) => c !== null);
	return {
		tasks: taskStats,
		runs: [...runs].map(([runId, r]) => ({
			runId,
			tasks: r.tasks,
			...group(addTotals(...r.totals))
		})),
		days: [...days.keys()].sort().map((date) => ({
			date,
			...group(addTotals(...days.get(date)))
		})),
		total: {
			...group(addTotals(...known)),
			rssBytes: [...resources.values()].reduce((n, r) => n + r.rssBytes, 0),
			cpuPercent: cpu.length ? Math.round(cpu.reduce((a, b) => a + b, 0) * 10) / 10 : null,
			processes: [...resources.values()].reduce((n, r) => n + r.pids.length, 0),
			tasksWithoutUsage: tasks.filter((t) => usage.get(t.name).totals === null).map((t) => t.name)
		}
	};
}
export { collectStats as t };
