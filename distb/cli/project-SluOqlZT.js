import { a as findRepo, n as loadConfig } from "./config-file-CkoDHq_W.js";
import { t as openStore } from "./db-CpqE9mc6.js";
// dist/project/project.js
async function openProject(cwd, env = process.env) {
	const repo = await findRepo(cwd);
	const { config, file } = loadConfig(repo.root, env);
	const store = openStore(repo.commonDir);
	return {
		repo,
		config,
		configFile: file,
		store,
		close: () => store.close()
	};
}
/** Opens the project, runs fn, and always closes the store. */
async function withProject(cwd, fn) {
	const project = await openProject(cwd);
	try {
		return await fn(project);
	} finally {
		project.close();
	}
}
export { withProject as n, openProject as t };
