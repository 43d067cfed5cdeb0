import { t as BraidError } from "./errors-wmBuLZod.js";
import net from "node:net";
// dist/core/plural.js
/** `1 file`, `2 files`: a count with its noun in the right number. */
function plural(n, one, many = `${one}s`) {
	return `${n} ${n === 1 ? one : many}`;
}
// dist/core/ports.js
/** Port blocks: pure arithmetic over the configured range; the workspace layer checks and leases them. */
/** Start ports of every whole block that fits in the range, in order. */
function blockStarts(plan) {
	const starts = [];
	for (let p = plan.range[0]; p + plan.block - 1 <= plan.range[1]; p += plan.block) starts.push(p);
	return starts;
}
/** Blocks none of whose ports is leased, first free first, so tasks get stable low numbers. */
function freeBlocks(plan, leased) {
	return blockStarts(plan).filter((start) => {
		for (let p = start; p < start + plan.block; p++) if (leased.has(p)) return false;
		return true;
	});
}
/** Names the first ports of a block after the configured variables (`PORT` first). */
function namePorts(plan, start) {
	return Array.from({ length: plan.block }, (_, i) => ({
		port: start + i,
		name: plan.names[i] ?? null
	}));
}
// dist/store/ports.js
/** Every leased port, whoever holds it. */
function leasedPorts(store) {
	const rows = store.db.prepare("SELECT port FROM port_leases").all();
	return new Set(rows.map((r) => r.port));
}
/**
* Leases the whole block to `task` in one transaction, or nothing: false when another lessee took
* any of its ports since the caller looked.
*/
function leaseBlock(store, task, ports) {
	return store.tx(() => {
		const insert = store.db.prepare("INSERT OR IGNORE INTO port_leases (port, task, name, leased_at) VALUES (?, ?, ?, ?)");
		const now = Date.now();
		for (const { port, name } of ports) if (insert.run(port, task, name ?? null, now).changes === 0) {
			store.db.prepare("DELETE FROM port_leases WHERE task = ?").run(task);
			return false;
		}
		return true;
	});
}
/** The task's named ports (unnamed ports of the block are leased but not exported). */
function taskPorts(store, task) {
	const rows = store.db.prepare("SELECT port, name FROM port_leases WHERE task = ? ORDER BY port").all(task);
	const map = {};
	for (const r of rows) if (r.name) map[r.name] = r.port;
	return map;
}
/** Who holds leases: task names, and the merge queue's gate. */
function portLessees(store) {
	return store.db.prepare("SELECT DISTINCT task FROM port_leases").all().map((r) => r.task);
}
function releasePorts(store, task) {
	return store.db.prepare("DELETE FROM port_leases WHERE task = ?").run(task).changes;
}
// dist/isolate/workspace/ports.js
/** Bind errors that mean "this host has no such address family or address", not "in use". */
const NO_SUCH_ADDRESS = /* @__PURE__ */ new Set([
	"EADDRNOTAVAIL",
	"EAFNOSUPPORT",
	"EPROTONOSUPPORT"
]);
/**
* A port is free when braid can bind it on 127.0.0.1 and on `::` (every IPv6 address and, dual-stack,
* every IPv4 one): a dev server listening on any interface counts. A host without IPv6 skips `::`.
*/
async function portIsFree(port) {
	for (const host of ["127.0.0.1", "::"]) if (!await new Promise((resolve) => {
		const server = net.createServer();
		server.once("error", (err) => resolve(NO_SUCH_ADDRESS.has(err.code ?? "")));
		server.listen({
			port,
			host,
			exclusive: true
		}, () => server.close(() => resolve(true)));
	})) return false;
	return true;
}
/**
* Leases a block of free ports for a task. The table's primary key makes two concurrent `braid new`
* unable to take the same port: the loser's insert fails and it moves on to the next block.
*/
async function leasePorts(store, task, plan) {
	const existing = taskPorts(store, task);
	if (Object.keys(existing).length) return existing;
	const tried = /* @__PURE__ */ new Set();
	for (;;) {
		const candidates = freeBlocks(plan, leasedPorts(store)).filter((s) => !tried.has(s));
		if (!candidates.length) throw new BraidError("E_NO_PORTS", `no free block of ${plural(plan.block, "port")} left in ${plan.range[0]}-${plan.range[1]}`, "Remove finished tasks (braid rm), or widen ports.range in braid.yaml.");
		const start = candidates[0];
		tried.add(start);
		const ports = namePorts(plan, start);
		let allFree = true;
		for (const { port } of ports) if (!await portIsFree(port)) {
			allFree = false;
			break;
		}
		if (!allFree) continue;
		if (leaseBlock(store, task, ports)) return taskPorts(store, task);
	}
}
/** The lessee of the merge queue's gate ports: not a task name (names cannot hold parentheses). */
const GATE_LESSEE = "(gate)";
export { releasePorts as a, portLessees as i, leasePorts as n, taskPorts as o, portIsFree as r, plural as s, GATE_LESSEE as t };
