// dist/store/notes.js
function addNote(store, text) {
	const createdAt = Date.now();
	const res = store.db.prepare("INSERT INTO notes (text, created_at) VALUES (?, ?)").run(text, createdAt);
	return {
		id: Number(res.lastInsertRowid),
		text,
		createdAt,
		deliveredTo: []
	};
}
function listNotes(store) {
	const notes = store.db.prepare("SELECT id, text, created_at FROM notes ORDER BY id").all();
	const deliveries = store.db.prepare("SELECT note_id, task, via, delivered_at FROM note_deliveries ORDER BY delivered_at").all();
	return notes.map((n) => ({
		id: n.id,
		text: n.text,
		createdAt: n.created_at,
		deliveredTo: deliveries.filter((d) => d.note_id === n.id).map((d) => ({
			task: d.task,
			via: d.via,
			at: d.delivered_at
		}))
	}));
}
/** Notes the task has not received yet, oldest first. */
function undeliveredNotes(store, task) {
	return store.db.prepare(`SELECT id, text, created_at FROM notes
       WHERE id NOT IN (SELECT note_id FROM note_deliveries WHERE task = ?) ORDER BY id`).all(task).map((r) => ({
		id: r.id,
		text: r.text,
		createdAt: r.created_at,
		deliveredTo: []
	}));
}
function markDelivered(store, task, noteIds, via) {
	const insert = store.db.prepare("INSERT OR IGNORE INTO note_deliveries (note_id, task, via, delivered_at) VALUES (?, ?, ?, ?)");
	const now = Date.now();
	for (const id of noteIds) insert.run(id, task, via, now);
}
// dist/watch/notes/message.js
/** How notes read to an agent: one message, each note on its own line. */
function noteMessage(notes) {
	return `Note from the user to every parallel session of this repository (braid note):\n${notes.map((n) => `- ${n.text}`).join("\n")}`;
}
export { undeliveredNotes as a, markDelivered as i, addNote as n, listNotes as r, noteMessage as t };
