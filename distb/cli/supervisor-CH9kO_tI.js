import { i as table, r as formatDuration } from "./format-CBknmFXK.js";
import { a as runSupervisor, i as supervisorStatus, n as startSupervisor, o as timingsFromEnv, r as stopSupervisor } from "./control-DOTKMzA2.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { a as progress, i as printJson, n as dim } from "./output-DxhfGA2Q.js";
// dist/cli/commands/supervisor.js
function render(status, note) {
	if (!status.running) return "supervisor: not running\n";
	const rows = status.loops.map((l) => [
		l.name,
		formatDuration(l.intervalMs),
		String(l.runs),
		l.lastRunAt ? `${formatDuration(Date.now() - l.lastRunAt)} ago` : "-",
		l.lastError ?? ""
	]);
	const head = `supervisor: ${note} (pid ${status.pid})\n`;
	return rows.length ? `${head}${table([
		"LOOP",
		"EVERY",
		"RUNS",
		"LAST",
		"ERROR"
	], rows)}\n` : head;
}
function register(program) {
	program.command("up").description("Start this repository's supervisor (status reconciliation, usage sampling, radar, landing queue) unless it runs").option("--foreground", "run it in this terminal until Ctrl-C or until no task is live (for debugging)").option("--json", "print {\"running\",\"started\",\"pid\",\"loops\":[…]}").addHelpText("after", "\nbraid new and braid run start it by themselves; it exits once no task is live.").action(async (opts) => {
		await withProject(process.cwd(), async (project) => {
			if (opts.foreground) {
				if (!opts.json) progress(dim(`supervisor: running in the foreground (pid ${process.pid}); Ctrl-C stops it`));
				const reason = await runSupervisor(project, {
					timings: timingsFromEnv(),
					handleSignals: true
				});
				if (opts.json) printJson({
					stopped: true,
					reason
				});
				else progress(dim(`supervisor: stopped (${reason})`));
				return;
			}
			const res = await startSupervisor(project, { wait: true });
			const status = supervisorStatus(project);
			if (opts.json) return printJson({
				...status,
				started: res.started,
				pid: status.pid ?? res.pid
			});
			process.stdout.write(render(status, res.started ? "started" : "already running"));
		});
	});
	program.command("down").description("Stop this repository's supervisor; sessions keep running").option("--json", "print {\"stopped\",\"pid\",\"forced\"}").action(async (opts) => {
		await withProject(process.cwd(), async (project) => {
			const res = await stopSupervisor(project);
			if (opts.json) return printJson({
				stopped: res.pid !== null,
				...res
			});
			process.stdout.write(res.pid === null ? "supervisor: not running\n" : `supervisor: stopped (pid ${res.pid})\n`);
		});
	});
	program.command("supervisor").description("Show this repository's supervisor: pid and loops (never starts it)").option("--json", "print {\"running\",\"pid\",\"startedAt\",\"loops\":[…],\"idleSince\"}").action(async (opts) => {
		await withProject(process.cwd(), async (project) => {
			const status = supervisorStatus(project);
			if (opts.json) return printJson(status);
			process.stdout.write(render(status, "running"));
		});
	});
}
export { register };
