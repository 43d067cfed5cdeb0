import { t as BraidError } from "./errors-wmBuLZod.js";
import { i as toolHint } from "./run-CAKlpui-.js";
import { spawn } from "node:child_process";
import { constants } from "node:os";
// dist/exec/inherit.js
const FORWARDED = [
	"SIGINT",
	"SIGTERM",
	"SIGHUP"
];
/**
* Beside run(): for commands the user watches (braid lock -- CMD): argument array, explicit cwd,
* the terminal passed through untouched, no timeout (the user's command decides how long it takes).
* While the child runs, SIGINT/SIGTERM/SIGHUP go to it and braid waits for it to end, so cleanup
* (like releasing a lock) happens after the child is gone.
*/
function runInherited(command, args, options) {
	return new Promise((resolve, reject) => {
		const saved = FORWARDED.map((sig) => [sig, process.listeners(sig)]);
		let child = null;
		let pending = null;
		const forward = (sig) => {
			if (!child) pending = sig;
			else if (child.exitCode === null && child.signalCode === null) child.kill(sig);
		};
		for (const [sig] of saved) {
			process.removeAllListeners(sig);
			process.on(sig, forward);
		}
		child = spawn(command, args, {
			cwd: options.cwd,
			env: {
				...process.env,
				...options.env
			},
			stdio: "inherit"
		});
		if (pending) forward(pending);
		const restore = () => {
			for (const [sig, listeners] of saved) {
				process.removeListener(sig, forward);
				for (const l of listeners) process.on(sig, l);
			}
		};
		child.on("error", (e) => {
			restore();
			if (e.code === "ENOENT") reject(new BraidError("E_TOOL_MISSING", `${command} is not installed (or not on PATH)`, toolHint(command)));
			else reject(new BraidError("E_PROCESS", `could not start ${command}: ${e.message}`));
		});
		child.on("exit", (code, signal) => {
			restore();
			resolve({
				code,
				signal
			});
		});
	});
}
/** The shell convention for a command's outcome: its code, or 128 + the signal's number. */
function exitCodeOf(result) {
	if (result.signal) return 128 + (constants.signals[result.signal] ?? 0);
	return result.code ?? 1;
}
export { runInherited as n, exitCodeOf as t };
