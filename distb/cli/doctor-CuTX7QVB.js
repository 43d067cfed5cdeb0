import { a as findRepo, h as defaultConfig, l as MIN_GIT, n as loadConfig, p as parseGitVersion } from "./config-file-CkoDHq_W.js";
import { r as isBraidError } from "./errors-wmBuLZod.js";
import { r as portIsFree, s as plural } from "./ports-CHLGDPFH.js";
import { r as run } from "./run-CAKlpui-.js";
import { n as detectCapabilities } from "./capabilities-D7TxccOd.js";
import { t as openStore } from "./db-CpqE9mc6.js";
import { r as getAgent, t as BUILTIN_AGENTS } from "./registry-BDNpn1UI.js";
import { i as printJson, n as dim, o as red, r as green, s as yellow } from "./output-DxhfGA2Q.js";
// dist/orchestrate/doctor/permissions.js
/** What each agent may do unasked, headless and interactive, as `braid new` would launch it here. */
function permissionLines(config, asRoot = process.getuid?.() === 0) {
	return [.../* @__PURE__ */ new Set([...Object.keys(BUILTIN_AGENTS), ...Object.keys(config.agents)])].flatMap((name) => {
		let adapter;
		try {
			adapter = getAgent(name, config);
		} catch {
			return [];
		}
		const policy = adapter.policy;
		if (!policy) return [{
			agent: name,
			detail: "its own settings (braid passes no permission flags)"
		}];
		const entry = Object.hasOwn(config.agents, name) ? config.agents[name] : void 0;
		const base = {
			asRoot,
			settings: {
				permission_mode: entry?.permission_mode,
				allowed_tools: entry?.allowed_tools
			},
			gate: config.gate,
			setup: config.setup
		};
		const say = (headless, sandboxed) => policy({
			...base,
			headless,
			sandboxed
		}).summary;
		return [{
			agent: name,
			detail: `headless: ${say(true, false)}; sandboxed headless: ${say(true, true)}; interactive: ${say(false, false)}`
		}];
	});
}
// dist/orchestrate/doctor/doctor.js
/** First line of `cmd <flag>` that carries a version, or why it could not run. */
async function toolVersion(cmd, flag = "--version") {
	try {
		const res = await run(cmd, [flag], {
			cwd: "/",
			timeoutMs: 1e4,
			allowFailure: true
		});
		const lines = `${res.stdout}\n${res.stderr}`.split("\n").map((l) => l.trim());
		const line = lines.find((l) => /\d+\.\d+/.test(l)) ?? lines.find(Boolean);
		if (res.code !== 0) return {
			ok: false,
			reason: `${cmd} ${flag} exited with ${res.code}`
		};
		return {
			ok: true,
			version: line
		};
	} catch (err) {
		if (isBraidError(err, "E_TOOL_MISSING")) return {
			ok: false,
			reason: `${cmd} is not on PATH`
		};
		return {
			ok: false,
			reason: err.message
		};
	}
}
const check = (name, ok, required, detail, hint = null) => ({
	name,
	ok,
	required,
	detail,
	hint: ok ? null : hint
});
async function gitCheck() {
	const hint = `Install git ${MIN_GIT.join(".")} or newer (Debian: apt-get install git; or a backport).`;
	const t = await toolVersion("git");
	if (!t.ok) return check("git", false, true, t.reason ?? "git not found", hint);
	const v = parseGitVersion(t.version ?? "");
	const ok = !!v && (v[0] > MIN_GIT[0] || v[0] === MIN_GIT[0] && v[1] >= MIN_GIT[1]);
	return check("git", ok, true, ok ? t.version ?? "" : `${t.version}: braid needs ${MIN_GIT.join(".")}+`, hint);
}
async function optionalTool(name, cmd, hint, flag) {
	const t = await toolVersion(cmd, flag);
	return check(name, t.ok, false, t.ok ? t.version ?? "found" : t.reason ?? "not found", hint);
}
const AGENTS = [
	["claude", "npm i -g @anthropic-ai/claude-code"],
	["codex", "npm i -g @openai/codex"],
	["aider", "pipx install aider-chat"]
];
function cgroupDetail(cg) {
	const what = cg.writable ? `writable: ${cg.controllers.join(" ") || "no controllers"}` : "not writable: limits cannot be applied";
	return `${cg.version}, ${what}${cg.reason ? ` (${cg.reason})` : ""}`;
}
function sandboxChecks(p) {
	return [
		check("bubblewrap", p.bwrap.ok, false, p.bwrap.ok ? `bubblewrap ${p.bwrap.version ?? ""}`.trim() : p.bwrap.reason ?? "not usable", "Install bubblewrap (Debian: apt-get install bubblewrap) to run tasks with --sandbox or --readonly."),
		check("user namespaces", p.userns.ok, false, p.userns.ok ? `available${p.userns.version ? ` (${p.userns.version})` : ""}` : p.userns.reason ?? "unavailable", "Enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) for --sandbox."),
		check("socat", p.socat.ok, false, p.socat.ok ? `socat${p.socat.version ? ` ${p.socat.version}` : ""}: sandbox network allow-lists available` : p.socat.reason ?? "not found", "Install socat (Debian: apt-get install socat) for sandboxes with a network allow-list."),
		check("cgroups", p.cgroup.writable, false, cgroupDetail(p.cgroup), "Resource limits (limits: in braid.yaml) need a writable cgroup: v2 delegated (systemd-run --user --scope -p Delegate=yes) or v1 writable.")
	];
}
async function portsCheck(config) {
	const [low, high] = config.ports.range;
	const ports = Array.from({ length: Math.min(50, high - low + 1) }, (_, i) => low + i);
	const free = (await Promise.all(ports.map(portIsFree))).filter(Boolean).length;
	return check("free ports", free >= config.ports.block, false, `${free} of the first ${plural(ports.length, "port")} in ${low}-${high} are free (on 127.0.0.1 and ::)`, "Stop what holds those ports, or move ports.range in braid.yaml.");
}
async function repoChecks(cwd, env) {
	let repo;
	try {
		repo = await findRepo(cwd);
	} catch (err) {
		const why = isBraidError(err) ? err.message : String(err);
		return {
			checks: [check("repository", false, false, why, "Run braid doctor inside your project to check it too.")],
			config: defaultConfig()
		};
	}
	const checks = [check("repository", true, false, repo.root)];
	let config = defaultConfig();
	try {
		const loaded = loadConfig(repo.root, env);
		config = loaded.config;
		checks.push(check("braid.yaml", true, true, loaded.file ? `${loaded.file} is valid` : "none (defaults in force)"));
	} catch (err) {
		checks.push(check("braid.yaml", false, true, err.message, "Fix the keys listed, or regenerate it with braid init --force."));
	}
	try {
		openStore(repo.commonDir).close();
		checks.push(check("state store", true, true, `${repo.commonDir}/braid/state.db opens`));
	} catch (err) {
		checks.push(check("state store", false, true, err.message, isBraidError(err) ? err.hint ?? null : null));
	}
	return {
		checks,
		config
	};
}
/** Every check, in display order; never throws for a missing tool. */
async function runDoctor(options) {
	const env = options.env ?? process.env;
	const probe = options.probeSandbox ?? detectCapabilities;
	const git = await gitCheck();
	const repo = git.ok ? await repoChecks(options.cwd, env) : {
		checks: [],
		config: defaultConfig()
	};
	const [tmux, rg, mergiraf, sandbox, ...agents] = await Promise.all([
		optionalTool("tmux", "tmux", "Install tmux (Debian: apt-get install tmux), or run tasks with --headless.", "-V"),
		optionalTool("ripgrep", "rg", "Install ripgrep (Debian: apt-get install ripgrep) for faster conflict radar."),
		optionalTool("mergiraf", "mergiraf", "Install mergiraf (cargo install mergiraf) to resolve more conflicts by syntax."),
		probe(),
		...AGENTS.map(([cmd, hint]) => optionalTool(`agent ${cmd}`, cmd, `Install it: ${hint}`))
	]);
	const ports = await portsCheck(repo.config);
	const permissions = permissionLines(repo.config).map((l) => check(`permissions ${l.agent}`, true, false, l.detail));
	return [
		git,
		...repo.checks,
		tmux,
		...sandboxChecks(sandbox),
		rg,
		mergiraf,
		...agents,
		...permissions,
		ports
	];
}
function doctorFailed(checks) {
	return checks.some((c) => c.required && !c.ok);
}
// dist/cli/commands/doctor.js
function mark(c) {
	if (c.ok) return green("ok  ");
	return c.required ? red("FAIL") : yellow("warn");
}
function render(checks) {
	const width = Math.max(...checks.map((c) => c.name.length));
	return checks.map((c) => {
		const line = `${mark(c)} ${c.name.padEnd(width)}  ${c.detail}`;
		return c.hint ? `${line}\n     ${" ".repeat(width)}  ${dim(`fix: ${c.hint}`)}` : line;
	}).join("\n");
}
/** `probeSandbox` defaults to detectCapabilities, the detection the sandbox and limits use. */
function registerDoctor(program, probeSandbox) {
	program.command("doctor").description("check the environment: git ≥ 2.38, tmux, sandboxing, agents, free ports, braid.yaml, the state store").option("--json", "print {checks:[{name, ok, required, detail, hint}]}").addHelpText("after", "\nExit code: 0 when every required check passes (optional ones only warn), else 1.").action(async (opts) => {
		const checks = await runDoctor({
			cwd: process.cwd(),
			probeSandbox
		});
		if (opts.json) printJson({ checks });
		else process.stdout.write(`${render(checks)}\n`);
		process.exitCode = doctorFailed(checks) ? 1 : 0;
	});
}
export { registerDoctor };
