import { n as EXIT } from "./errors-wmBuLZod.js";
import { n as landTaskNames } from "./actions-CTxsdFNG.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { a as progress, i as printJson } from "./output-DxhfGA2Q.js";
// dist/cli/commands/land.js
function registerLand(program) {
	program.command("land").description("Enqueue tasks and process the merge queue: build each candidate in memory, run the gate on it, move main by compare-and-swap").argument("[names...]", "tasks to land, in this order (none: just process what is queued)").option("--all", "enqueue every task that is idle, waiting or exited").option("--json", "print {\"landed\":[…],\"rejected\":[…],\"handedBack\":[…]} on stdout").action(async (names, opts) => {
		const report = await withProject(process.cwd(), (p) => landTaskNames(p, names, {
			all: opts.all,
			onProgress: progress
		}));
		if (opts.json) printJson(report);
		else printHuman(report);
		if (report.rejected.length + report.handedBack.length > 0) process.exitCode = EXIT.conflict;
	});
}
function printHuman(report) {
	for (const l of report.landed) process.stdout.write(`landed   ${l.name}  ${l.commit?.slice(0, 12) ?? ""}\n`);
	for (const r of report.rejected) {
		process.stdout.write(`not landed  ${r.name}: ${r.reason}\n`);
		if (r.conflictFiles.length) process.stdout.write(`  conflicted files: ${r.conflictFiles.join(", ")}\n`);
	}
	for (const h of report.handedBack) process.stdout.write(`handed back  ${h.name}: its agent resolves ${h.conflictFiles.join(", ")}; re-queued when it commits\n`);
	if (report.landed.length + report.rejected.length + report.handedBack.length === 0) process.stdout.write("nothing to land\n");
}
export { registerLand };
