import { f as readStat } from "./run-CAKlpui-.js";
// dist/exec/pid.js
/** The kernel's start time of a process (clock ticks since boot), so a reused pid is not mistaken for ours. */
function processStartTime(pid) {
	return readStat(pid)?.startTime ?? null;
}
/** True when `pid` runs and, if `start` is known, is the same process that was recorded. */
function isProcessAlive(pid, start) {
	if (!pid || pid <= 0) return false;
	try {
		process.kill(pid, 0);
	} catch (err) {
		if (err.code !== "EPERM") return false;
	}
	const stat = readStat(pid);
	if (stat && (stat.state === "Z" || stat.state === "X")) return false;
	if (!start) return true;
	const now = stat?.startTime ?? null;
	return now === null ? true : now === start;
}
function selfIdentity() {
	return {
		pid: process.pid,
		start: processStartTime(process.pid)
	};
}
export { processStartTime as n, selfIdentity as r, isProcessAlive as t };
