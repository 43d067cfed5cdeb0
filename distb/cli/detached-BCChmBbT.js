import { t as BraidError } from "./errors-wmBuLZod.js";
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
// dist/exec/detached.js
/**
* Starts a process that outlives braid: its own process group, no stdin, not waited for.
* Resolves with its pid once the process is running.
*/
function spawnDetached(command, args, options) {
	return new Promise((resolve, reject) => {
		const fd = options.logFile ? openSync(options.logFile, "a") : null;
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			detached: true,
			stdio: fd === null ? "ignore" : [
				"ignore",
				fd,
				fd
			]
		});
		if (fd !== null) closeSync(fd);
		child.once("error", (err) => reject(new BraidError("E_PROCESS", `could not start ${command}: ${err.message}`)));
		child.once("spawn", () => {
			child.unref();
			if (child.pid === void 0) reject(new BraidError("E_PROCESS", `${command} has no pid`));
			else resolve(child.pid);
		});
	});
}
export { spawnDetached as t };
