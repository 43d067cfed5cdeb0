import path from "node:path";
import { fileURLToPath } from "node:url";
// dist/exec/built.js
/** braid's package folder: src/exec (tests run the sources) and dist/exec both sit two levels under it. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** A compiled script of braid that braid spawns (hooks, runners, workers), e.g. `builtModule('cli/main.js')`. */
function builtModule(rel) {
	return path.join(PACKAGE_ROOT, "dist", rel);
}
// dist/isolate/workspace/paths.js
/** braid's own files for a repository live in the git common dir, shared by every worktree. */
function braidDir(commonDir) {
	return path.join(commonDir, "braid");
}
function taskLogDir(commonDir, task) {
	return path.join(braidDir(commonDir), "logs", task);
}
function setupLogPath(commonDir, task) {
	return path.join(taskLogDir(commonDir, task), "setup.log");
}
export { builtModule as a, PACKAGE_ROOT as i, setupLogPath as n, taskLogDir as r, braidDir as t };
