import { r as getAgent } from "./registry-BDNpn1UI.js";
import { n as handleOf, o as typeIntoSession } from "./reach-gipIaIgq.js";
import { a as undeliveredNotes, i as markDelivered, t as noteMessage } from "./message-c6hZDFAQ.js";
import { a as listTasks } from "./tasks-BaE3DxGI.js";
// dist/watch/notes/deliver.js
/** Agents without hooks read notes as typed text: only in tmux, and only while idle at their prompt. */
function typeable(project, task) {
	if (task.status !== "idle" || task.runtime !== "tmux" || !handleOf(task)) return false;
	try {
		return getAgent(task.agent, project.config).statusMode !== "hooks";
	} catch {
		return false;
	}
}
/** Types pending notes into idle sessions of agents without hooks; returns the tasks reached. */
async function deliverTypedNotes(project) {
	const reached = [];
	for (const task of listTasks(project.store)) {
		if (!typeable(project, task)) continue;
		const notes = undeliveredNotes(project.store, task.name);
		const handle = handleOf(task);
		if (!notes.length || !handle) continue;
		const text = noteMessage(notes).replace(/\n+/g, " ");
		try {
			await typeIntoSession(handle, text);
		} catch {
			continue;
		}
		markDelivered(project.store, task.name, notes.map((n) => n.id), "typed");
		reached.push(task.name);
	}
	return reached;
}
export { deliverTypedNotes as t };
