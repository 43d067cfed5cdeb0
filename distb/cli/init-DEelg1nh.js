import { _ as parseConfig, a as findRepo, i as currentBranch, r as require_dist, t as CONFIG_FILE, u as git, v as claudePolicy } from "./config-file-CkoDHq_W.js";
import { t as BraidError } from "./errors-wmBuLZod.js";
import { i as printJson } from "./output-DxhfGA2Q.js";
import path from "node:path";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
// dist/core/init-defaults.js
var import_dist = require_dist();
const MIGRATION_DIRS = [
	"db/migrations",
	"migrations",
	"prisma/migrations"
];
const LOCKFILES = [
	["pnpm-lock.yaml", "pnpm"],
	["yarn.lock", "yarn"],
	["bun.lock", "bun"],
	["bun.lockb", "bun"],
	["package-lock.json", "npm"]
];
const KNOWN_LOCKFILES = LOCKFILES.map(([f]) => f);
const INSTALL = {
	npm: "npm ci",
	pnpm: "pnpm install --frozen-lockfile",
	yarn: "yarn install --frozen-lockfile",
	bun: "bun install"
};
const RUN_TEST = {
	npm: "npm test",
	pnpm: "pnpm test",
	yarn: "yarn test",
	bun: "bun run test"
};
/** The placeholder `npm init` writes: not a test suite. */
const NPM_DEFAULT_TEST = /no test specified/;
/** The lockfile decides; package.json's packageManager breaks ties between several lockfiles. */
function packageManagerOf(facts) {
	const found = LOCKFILES.filter(([f]) => facts.lockfiles.includes(f)).map(([, pm]) => pm);
	if (found.length === 0) return null;
	const declared = facts.packageManagerField?.split("@")[0];
	return declared && found.includes(declared) ? declared : found[0];
}
/** The keys `braid init` writes, in file order: pure facts in, config out. */
function initEntries(facts) {
	const entries = [];
	const add = (key, value, comment) => entries.push({
		key,
		value,
		comment
	});
	if (facts.branch) add("base", facts.branch, "branch new tasks start from and land on");
	add("worktrees", "../{repo}.braid/{task}", "where each task's worktree is created");
	add("agent", "claude", "default agent: claude, codex, aider or shell");
	const pm = packageManagerOf(facts);
	add("setup", pm ? [INSTALL[pm]] : [], pm ? `run in each new worktree (${pm}, from the lockfile)` : "run in each new worktree (no lockfile found)");
	add("include", [...facts.untrackedEnvFiles].sort(), "untracked files copied into each worktree");
	add("ports", {
		names: ["PORT"],
		range: [3100, 3999],
		block: 10
	}, "each task leases a block of free ports");
	const test = facts.scripts?.test;
	if (test && !NPM_DEFAULT_TEST.test(test)) add("gate", RUN_TEST[pm ?? "npm"], "must pass on the merged result before the base moves");
	const migrations = MIGRATION_DIRS.find((d) => facts.migrationDirs.includes(d));
	if (migrations) add("migrations", { glob: `${migrations}/**` }, "the radar flags colliding migration numbers; run migrations with `braid lock migrations -- <cmd>`");
	return entries;
}
function entriesToConfig(entries) {
	return Object.fromEntries(entries.map((e) => [e.key, e.value]));
}
/** braid.yaml text: a one-line comment above each key, small collections in flow style. */
function renderConfigYaml(entries) {
	return "# braid.yaml: written by `braid init`; every key is described in docs/config.md\n" + entries.map((e) => {
		const value = (0, import_dist.stringify)(e.value, {
			collectionStyle: "flow",
			lineWidth: 0
		}).trimEnd();
		return `# ${e.comment}\n${e.key}: ${value}\n`;
	}).join("") + permissionsComment(entries);
}
/** The permission policy braid applies unless told otherwise, as a comment the user can turn into keys. */
function permissionsComment(entries) {
	const value = (key) => entries.find((e) => e.key === key)?.value;
	const gate = value("gate");
	const setup = value("setup");
	return [
		"# permissions: a headless Claude Code run gets --permission-mode acceptEdits and these --allowedTools",
		`# (edit files, commit on its own branch, run the gate and setup): ${claudePolicy({
			headless: true,
			sandboxed: false,
			asRoot: false,
			settings: {},
			gate: typeof gate === "string" ? gate : void 0,
			setup: Array.isArray(setup) ? setup.map(String) : []
		}).allowedTools.map((r) => JSON.stringify(r)).join(", ")}`,
		"# sandboxed runs get bypassPermissions; interactive sessions keep your own Claude Code settings.",
		"# To change it for every session (see braid doctor for what is in force):",
		"# agents: { claude: { permission_mode: acceptEdits, allowed_tools: [\"Bash(npm run lint:*)\"] } }",
		""
	].join("\n");
}
// dist/project/detect.js
/** `.env`, `.env.local`, `.env.development.local`…; not `.envrc` (direnv's, per folder). */
const ENV_FILE = /^\.env(\..+)?$/;
function readPackageJson(root) {
	const file = path.join(root, "package.json");
	if (!existsSync(file)) return {
		scripts: null,
		packageManager: null
	};
	try {
		const pkg = JSON.parse(readFileSync(file, "utf8"));
		return {
			scripts: pkg.scripts && typeof pkg.scripts === "object" ? pkg.scripts : {},
			packageManager: typeof pkg.packageManager === "string" ? pkg.packageManager : null
		};
	} catch {
		return {
			scripts: {},
			packageManager: null
		};
	}
}
/** Untracked `.env*` files at the root, ignored or not (`--others` without excludes lists both). */
async function untrackedEnvFiles(root) {
	return (await git([
		"ls-files",
		"--others",
		"-z",
		"--",
		":(glob).env*"
	], { cwd: root })).split("\0").filter((f) => f && !f.includes("/") && ENV_FILE.test(f)).sort();
}
const isDir = (p) => existsSync(p) && statSync(p).isDirectory();
/** Everything `braid init` decides from, read from the main worktree. */
async function detectProject(root) {
	const pkg = readPackageJson(root);
	return {
		lockfiles: KNOWN_LOCKFILES.filter((f) => existsSync(path.join(root, f))),
		packageManagerField: pkg.packageManager,
		scripts: pkg.scripts,
		untrackedEnvFiles: await untrackedEnvFiles(root),
		branch: await currentBranch(root),
		migrationDirs: MIGRATION_DIRS.filter((d) => isDir(path.join(root, d)))
	};
}
// dist/cli/commands/init.js
function describe(entry) {
	const v = entry.value;
	const shown = Array.isArray(v) ? v.length ? v.join(", ") : "(none)" : typeof v === "object" ? JSON.stringify(v) : String(v);
	return `  ${entry.key.padEnd(10)} ${shown}`;
}
async function init(opts) {
	const repo = await findRepo(process.cwd());
	const file = path.join(repo.root, CONFIG_FILE);
	if (existsSync(file) && !opts.force) throw new BraidError("E_CONFIG", `${file} already exists`, "Edit it by hand, or run braid init --force to replace it with detected defaults.");
	const entries = initEntries(await detectProject(repo.root));
	const text = renderConfigYaml(entries);
	const config = parseConfig((0, import_dist.parse)(text), CONFIG_FILE);
	writeFileSync(file, text);
	if (opts.json) return printJson({
		path: file,
		config: entriesToConfig(entries)
	});
	process.stdout.write(`wrote ${file}\ndetected:\n${entries.map(describe).join("\n")}\n`);
	if (!config.gate) process.stdout.write("no test script found: set `gate` to the command that must pass before landing\n");
}
function registerInit(program) {
	program.command("init").description("write braid.yaml with defaults detected from this repository (package manager, setup, gate, .env files, ports)").option("-y, --yes", "do not ask anything (init never prompts today; accepted for scripts)").option("--force", "replace an existing braid.yaml").option("--json", "print {path, config} instead of the summary").action((opts) => init(opts));
}
export { registerInit };
