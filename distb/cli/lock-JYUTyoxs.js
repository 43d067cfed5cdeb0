import { t as BraidError } from "./errors-wmBuLZod.js";
import { i as table, r as formatDuration } from "./format-CBknmFXK.js";
import { n as runInherited, t as exitCodeOf } from "./inherit-BMZEh39M.js";
import { n as quoteForDisplay } from "./run-CAKlpui-.js";
import { a as findRepo } from "./config-file-CkoDHq_W.js";
import { t as openProject } from "./project-SluOqlZT.js";
import { t as openStore } from "./db-CpqE9mc6.js";
import { i as listLocks, n as assertLockName, t as acquireLock } from "./locks-DgAq5XpH.js";
import { a as progress, i as printJson } from "./output-DxhfGA2Q.js";
// dist/cli/commands/lock.js
function describeHolder(name, h) {
	const since = new Date(h.acquiredAt).toISOString();
	return `braid: waiting for lock '${name}', held by ${h.label} (pid ${h.pid}) since ${since}`;
}
async function runLocked(name, command, opts) {
	assertLockName(name);
	if (command.length === 0) throw new BraidError("E_USAGE", "no command given", `Usage: braid lock ${name} -- CMD [ARGS…]`);
	const timeoutMs = opts.timeout === void 0 ? void 0 : parseSeconds(opts.timeout);
	const cwd = process.cwd();
	const store = openStore((await findRepo(cwd)).commonDir);
	try {
		const label = `${process.env.BRAID_TASK ? `task ${process.env.BRAID_TASK}: ` : ""}braid lock (${command.map(quoteForDisplay).join(" ")})`.slice(0, 200);
		const release = await acquireLock(store, name, {
			label,
			timeoutMs,
			onWait: (h) => progress(describeHolder(name, h))
		});
		process.once("exit", release);
		try {
			const result = await runInherited(command[0], command.slice(1), { cwd });
			process.exitCode = exitCodeOf(result);
		} finally {
			process.removeListener("exit", release);
			release();
		}
	} finally {
		store.close();
	}
}
function parseSeconds(text) {
	const n = Number(text);
	if (!Number.isFinite(n) || n < 0) throw new BraidError("E_USAGE", `--timeout must be a number of seconds, got '${text}'`);
	return n * 1e3;
}
async function showLocks(opts) {
	const project = await openProject(process.cwd());
	try {
		const locks = listLocks(project.store);
		if (opts.json) return printJson({ locks });
		if (locks.length === 0) return void process.stdout.write("no locks held\n");
		const rows = locks.map((l) => [
			l.name,
			l.label,
			String(l.pid),
			formatDuration(Date.now() - l.acquiredAt)
		]);
		process.stdout.write(`${table([
			"LOCK",
			"HOLDER",
			"PID",
			"HELD"
		], rows)}\n`);
	} finally {
		project.close();
	}
}
/** `braid lock -- CMD`: no lock name before `--` (commander cannot tell, so the raw arguments say). */
function nameOmitted(raw = process.argv) {
	for (let i = raw.indexOf("lock") + 1; i > 0 && i < raw.length; i++) {
		const arg = raw[i];
		if (arg === "--") return true;
		if (arg === "--timeout") i++;
		else if (!arg.startsWith("--timeout=")) return false;
	}
	return false;
}
/** The migrations lock: from the session's environment, else from `migrations.lock` in braid.yaml. */
async function migrationsLock() {
	if (process.env.BRAID_MIGRATIONS_LOCK) return process.env.BRAID_MIGRATIONS_LOCK;
	const project = await openProject(process.cwd());
	try {
		if (project.config.migrations) return project.config.migrations.lock;
	} finally {
		project.close();
	}
	throw new BraidError("E_USAGE", "no lock name given, and braid.yaml configures no migrations", "Name the lock (braid lock migrations -- CMD), or add migrations: { glob: \"db/migrations/*\" } to braid.yaml.");
}
function registerLock(program) {
	program.command("lock").description("run a command while holding a repo-wide named lock (e.g. migrations); waits if another holds it").argument("<lock>", "lock name: a-z, 0-9, \".\", \"_\", \"-\" (at most 64); left out (braid lock -- CMD): the migrations lock").argument("[command...]", "the command and its arguments, after --, run without a shell").option("--timeout <seconds>", "give up (exit 1) after waiting this long").addHelpText("after", "\nExit code: the command's own (128+N when killed by signal N). A holder that dies releases the lock.\nExample: braid lock migrations -- npm run migrate\nWithout a name (braid lock -- npm run migrate) the lock is $BRAID_MIGRATIONS_LOCK, else migrations.lock of braid.yaml.").action(async (name, command, opts) => {
		if (nameOmitted()) return runLocked(await migrationsLock(), [name, ...command], opts);
		return runLocked(name, command, opts);
	});
	program.command("locks").description("list the repo-wide locks held now").option("--json", "print {locks:[{name,label,pid,pidStart,acquiredAt}]}").action((opts) => showLocks(opts));
}
export { registerLock };
