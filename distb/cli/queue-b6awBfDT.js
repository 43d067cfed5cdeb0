import { i as table } from "./format-CBknmFXK.js";
import { c as listQueue, r as queueLockHolder, u as ACTIVE_QUEUE_STATES } from "./queue-lock-k6y2TCMt.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { i as printJson } from "./output-DxhfGA2Q.js";
// dist/cli/commands/queue.js
function registerQueue(program) {
	program.command("queue").description("Show the merge queue: entries waiting or being landed, and the most recent outcomes").option("--json", "print {\"entries\":[…],\"holder\":…} on stdout").action(async (opts) => {
		await withProject(process.cwd(), async (p) => {
			const all = listQueue(p.store);
			const active = all.filter((e) => ACTIVE_QUEUE_STATES.includes(e.state));
			const entries = [...all.filter((e) => !ACTIVE_QUEUE_STATES.includes(e.state)).slice(-20), ...active].sort((a, b) => a.id - b.id);
			const holder = queueLockHolder(p.store);
			if (opts.json) {
				printJson({
					entries,
					holder
				});
				return;
			}
			if (entries.length === 0) {
				process.stdout.write("the queue is empty\n");
				return;
			}
			const rows = entries.map((e) => [
				String(e.id),
				e.task,
				e.state,
				e.candidate?.slice(0, 10) ?? "-",
				e.reason ?? (e.conflictFiles.length ? e.conflictFiles.join(", ") : "")
			]);
			process.stdout.write(`${table([
				"ID",
				"TASK",
				"STATE",
				"CANDIDATE",
				"NOTE"
			], rows)}\n`);
			if (holder) process.stdout.write(`being processed by pid ${holder.pid} (${holder.holder})\n`);
		});
	});
}
export { registerQueue };
