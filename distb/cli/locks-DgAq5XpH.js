import { t as BraidError } from "./errors-wmBuLZod.js";
import { n as processStartTime, t as isProcessAlive } from "./pid-BJsOpIbp.js";
// dist/store/locks.js
const fromRow = (r) => ({
	name: r.name,
	pid: r.pid,
	pidStart: r.pid_start,
	label: r.holder,
	acquiredAt: r.acquired_at
});
const LOCK_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Lock names end up in messages and the store only, but keep them plain so scripts never need quoting. */
function assertLockName(name) {
	if (!LOCK_NAME.test(name)) throw new BraidError("E_BAD_NAME", `'${name}' is not a valid lock name`, "Use 1–64 characters of a-z, 0-9, \".\", \"_\" and \"-\", starting with a letter or digit, e.g. \"migrations\".");
}
/** This process as a lock holder. */
function selfHolder(label) {
	return {
		pid: process.pid,
		pidStart: processStartTime(process.pid),
		label
	};
}
function isStale(info) {
	return !isProcessAlive(info.pid, info.pidStart);
}
/** Takes the lock if it is free or its holder died (pid gone or reused); never waits. */
function tryAcquireLock(store, name, holder) {
	return store.tx(() => {
		const row = store.db.prepare("SELECT * FROM locks WHERE name = ?").get(name);
		if (row) {
			const info = fromRow(row);
			if (!(info.pid === holder.pid && info.pidStart === holder.pidStart) && !isStale(info)) return {
				acquired: false,
				holder: info
			};
		}
		recordLock(store, name, holder);
		return { acquired: true };
	});
}
/** Releases the lock only if `holder` still holds it (a taken-over lock is not ours to drop). */
function releaseLock(store, name, holder) {
	return store.tx(() => {
		return store.db.prepare("DELETE FROM locks WHERE name = ? AND pid = ? AND pid_start IS ?").run(name, holder.pid, holder.pidStart).changes > 0;
	});
}
function listLocks(store) {
	return store.db.prepare("SELECT * FROM locks ORDER BY name").all().map(fromRow);
}
/** Drops every lock whose holder died; returns them (for braid gc). */
function clearStaleLocks(store) {
	return store.tx(() => {
		const stale = store.db.prepare("SELECT * FROM locks").all().map(fromRow).filter(isStale);
		const del = store.db.prepare("DELETE FROM locks WHERE name = ? AND pid = ? AND pid_start IS ?");
		for (const l of stale) del.run(l.name, l.pid, l.pidStart);
		return stale;
	});
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Waits for the lock, polling with backoff; resolves to a release function. */
async function acquireLock(store, name, options = {}) {
	const holder = options.holder ?? selfHolder(options.label ?? `pid ${process.pid}`);
	const deadline = options.timeoutMs === void 0 ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
	let delay = 50;
	let told = false;
	for (;;) {
		const res = tryAcquireLock(store, name, holder);
		if (res.acquired) return () => void releaseLock(store, name, holder);
		if (!told) {
			told = true;
			options.onWait?.(res.holder);
		}
		if (options.signal?.aborted) throw new BraidError("E_INTERRUPTED", `stopped waiting for lock '${name}'`);
		if (Date.now() >= deadline) throw new BraidError("E_LOCKED", `lock '${name}' is held by ${res.holder.label} (pid ${res.holder.pid})`, "Wait for it to finish; a holder that dies releases the lock.");
		await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
		delay = Math.min(delay * 2, 500);
	}
}
/** The lock's current row, held by a live process or not (null when nobody took it). */
function getLock(store, name) {
	const row = store.db.prepare("SELECT * FROM locks WHERE name = ?").get(name);
	return row ? fromRow(row) : null;
}
/** The live process holding the lock, or null (a dead holder's row does not count). */
function liveLockHolder(store, name) {
	const info = getLock(store, name);
	return info !== null && !isStale(info) ? info : null;
}
/** True when a live process holds the lock. */
function lockHeld(store, name) {
	return liveLockHolder(store, name) !== null;
}
/** Runs fn holding the lock when it is free (never waits); otherwise says who holds it. */
async function withLockIfFree(store, name, label, fn) {
	const holder = selfHolder(label);
	if (!tryAcquireLock(store, name, holder).acquired) return {
		ran: false,
		holder: liveLockHolder(store, name)
	};
	try {
		return {
			ran: true,
			value: await fn()
		};
	} finally {
		releaseLock(store, name, holder);
	}
}
/**
* Records `holder` under `name` whoever had it: for a row that stands for another process this one
* started and owns (a gate's process group), not for mutual exclusion.
*/
function recordLock(store, name, holder) {
	store.db.prepare(`INSERT INTO locks (name, pid, pid_start, holder, acquired_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET pid = excluded.pid, pid_start = excluded.pid_start,
         holder = excluded.holder, acquired_at = excluded.acquired_at`).run(name, holder.pid, holder.pidStart, holder.label, Date.now());
}
export { liveLockHolder as a, releaseLock as c, withLockIfFree as d, listLocks as i, selfHolder as l, assertLockName as n, lockHeld as o, clearStaleLocks as r, recordLock as s, acquireLock as t, tryAcquireLock as u };
