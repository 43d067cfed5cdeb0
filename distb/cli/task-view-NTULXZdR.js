import { c as LIVE_STATUSES } from "./reach-gipIaIgq.js";
import { d as refreshAllSessions, p as markInterruptedProvisions } from "./land-CfEzZRz-.js";
import { s as projectPricing } from "./proctree-6mt0DR60.js";
import { _ as taskCgroupUsage } from "./stream-json-BZ8Yg24g.js";
import { c as latestRefusals } from "./refusals-DxFGZ0mh.js";
import { o as taskPorts } from "./ports-CHLGDPFH.js";
import { a as LS_CHANGES, s as taskChanges, t as latestSamples } from "./samples-DUNuHTaX.js";
import { a as listTasks } from "./tasks-BaE3DxGI.js";
import { t as collectStats } from "./stats-report-BakgUUCU.js";
// dist/view/task-view.js
const FRESH_SAMPLE_MS = 3e4;
/** A stored sample's tokens and cost still hold: recent, or taken after the task stopped. */
function usageHolds(task, sample, now) {
	if (!sample) return false;
	if (now - sample.at < FRESH_SAMPLE_MS) return true;
	return !LIVE_STATUSES.includes(task.status) && sample.at > task.statusSince;
}
async function taskViews(project, options = {}) {
	if (options.refresh !== false) await refreshAllSessions(project);
	markInterruptedProvisions(project);
	const tasks = listTasks(project.store);
	const samples = latestSamples(project.store);
	const now = Date.now();
	const unsampled = options.fresh ? tasks : tasks.filter((t) => !usageHolds(t, samples.get(t.name), now));
	const stats = options.usage === false || unsampled.length === 0 ? null : await collectStats(unsampled, {
		budget: project.config.budget,
		pricing: projectPricing(project),
		cpuWindowMs: 100
	});
	const changes = await taskChanges(project.store, project.repo.root, tasks, {
		...LS_CHANGES,
		fresh: options.fresh
	}).catch(() => /* @__PURE__ */ new Map());
	return Promise.all(tasks.map(async (task) => {
		const sampled = samples.get(task.name);
		const fresh = sampled && now - sampled.at < FRESH_SAMPLE_MS ? sampled : null;
		const counted = stats?.tasks.find((t) => t.name === task.name);
		const s = counted ?? (sampled && usageHolds(task, sampled, now) ? sampled : void 0);
		const c = changes.get(task.name);
		const cg = await taskCgroupUsage(task).catch(() => null);
		return {
			name: task.name,
			branch: task.branch,
			worktree: task.worktree,
			status: task.status,
			statusSource: task.statusSource,
			statusSince: task.statusSince,
			statusDetail: task.statusDetail,
			exitCode: task.exitCode,
			agent: task.agent,
			agentSessionId: task.agentSessionId,
			runtime: task.runtime,
			base: task.base,
			ports: taskPorts(project.store, task.name),
			pid: task.pid,
			changedFiles: c?.changed ?? null,
			ahead: c?.ahead ?? null,
			behind: c?.behind ?? null,
			rssBytes: cg?.memoryBytes ?? fresh?.rssBytes ?? counted?.rssBytes ?? null,
			cpuPercent: cg?.cpuPercent ?? fresh?.cpuPercent ?? counted?.cpuPercent ?? null,
			tokens: s?.tokens ?? null,
			costUsd: s?.costUsd ?? null,
			landedCommit: task.landedCommit,
			prompt: task.prompt,
			needs: task.needs,
			refusals: latestRefusals(project.store, task.name)
		};
	}));
}
export { taskViews as t };
