import { t as BraidError } from "./errors-wmBuLZod.js";
import { i as table } from "./format-CBknmFXK.js";
import { c as LIVE_STATUSES } from "./reach-gipIaIgq.js";
import { n as withProject } from "./project-SluOqlZT.js";
import { r as getAgent } from "./registry-BDNpn1UI.js";
import { n as addNote, r as listNotes } from "./message-c6hZDFAQ.js";
import { a as listTasks } from "./tasks-BaE3DxGI.js";
import { t as deliverTypedNotes } from "./deliver-1N5PuNvW.js";
import { i as printJson, n as dim, t as bold } from "./output-DxhfGA2Q.js";
// dist/cli/commands/note.js
function register(program) {
	program.command("note").description("Share a note with every session of the repository, now and later (keeps CLAUDE.md in one place)").argument("[text...]", "the note, e.g. \"the API now lives under /v2\"").option("--list", "list the notes and which tasks have received them").option("--json", "print JSON").addHelpText("after", "\nClaude Code sessions receive a note as hook context on their next event; other agents get it typed\nin when idle (tmux); sessions started later receive every earlier note when they start.").action(async (words, flags) => {
		const text = words.join(" ").trim();
		await withProject(process.cwd(), async (project) => {
			const store = project.store;
			if (flags.list || !text) {
				if (!flags.list) throw new BraidError("E_USAGE", "no note given", "Write it as braid note \"text\", or list with --list.");
				const notes = listNotes(store);
				if (flags.json) return printJson({ notes });
				if (!notes.length) return void process.stdout.write("no notes\n");
				const rows = notes.map((n) => [
					String(n.id),
					new Date(n.createdAt).toISOString().slice(0, 16).replace("T", " "),
					n.deliveredTo.map((d) => d.task).join(", ") || "-",
					n.text
				]);
				process.stdout.write(`${table([
					"ID",
					"WHEN",
					"RECEIVED BY",
					"NOTE"
				], rows)}\n`);
				return;
			}
			const note = addNote(store, text);
			const typed = await deliverTypedNotes(project);
			const waiting = listTasks(store).filter((t) => LIVE_STATUSES.includes(t.status) && !typed.includes(t.name)).filter((t) => {
				try {
					return getAgent(t.agent, project.config).statusMode === "hooks";
				} catch {
					return false;
				}
			}).map((t) => t.name);
			if (flags.json) return printJson({
				note: {
					...note,
					deliveredTo: typed
				},
				typed,
				onNextHook: waiting
			});
			process.stdout.write(`${bold(`note ${note.id}`)} kept for every session\n`);
			if (typed.length) process.stdout.write(`  typed into: ${typed.join(", ")}\n`);
			if (waiting.length) process.stdout.write(`  on their next hook event: ${waiting.join(", ")}\n`);
			process.stdout.write(dim("  sessions started later receive it when they start\n"));
		});
	});
}
export { register };
