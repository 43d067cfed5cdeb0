import { n as withProject } from "./project-SluOqlZT.js";
// dist/cli/commands/ui.js
function register(program) {
	program.command("ui").description("Terminal dashboard: live tasks (status, ports, RAM, tokens, cost, radar) and the queue; keys to attach, send, diff, land, stop, remove and create tasks").option("--refresh <ms>", "how often to re-read the store, in milliseconds", "1000").action(async (opts) => {
		const refreshMs = Math.max(200, Number(opts.refresh) || 1e3);
		if (process.stdout.isTTY) for (const key of ["CI", "CONTINUOUS_INTEGRATION"]) delete process.env[key];
		const { runDashboard } = await import("./run--AVRC5xA.js");
		await withProject(process.cwd(), (project) => runDashboard(project, { refreshMs }));
	});
}
export { register };
