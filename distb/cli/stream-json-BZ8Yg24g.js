import { t as BraidError } from "./errors-wmBuLZod.js";
import { C as number, E as string, T as record, w as object, x as array } from "./config-file-CkoDHq_W.js";
import { i as cgroupSegment, n as detectCapabilities, r as probeCgroups } from "./capabilities-D7TxccOd.js";
import { t as gitWritablePaths } from "./git-paths-CQVZgD_Z.js";
import { o as appendEvent, t as denialsOf } from "./refusals-DxFGZ0mh.js";
import { o as mergeTaskOptions } from "./tasks-BaE3DxGI.js";
import { a as builtModule, i as PACKAGE_ROOT, t as braidDir } from "./paths-Dq-5bDtl.js";
import path from "node:path";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import "node:net";
import { homedir, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
// dist/isolate/sandbox/policy-from-config.js
/** Whether a task runs sandboxed, and how: from `--sandbox`/`--readonly` and `sandbox:` in braid.yaml. */
function sandboxWish(config, options, worktree, home = homedir()) {
	const fromConfig = config.sandbox;
	if (!(options.sandbox === true || options.readonly === true || fromConfig !== false)) return null;
	const settings = typeof fromConfig === "object" ? fromConfig : {
		network: "all",
		writable: [],
		hide: ["~"],
		read: []
	};
	const network = Array.isArray(settings.network) ? { allow: settings.network } : settings.network;
	const resolve = (p) => p === "~" || p.startsWith("~/") ? path.join(home, p.slice(1)) : path.resolve(worktree, p);
	return {
		network,
		writable: settings.writable.map(resolve),
		hide: settings.hide.map(resolve),
		read: settings.read.map(resolve),
		readonly: options.readonly === true
	};
}
/** The `limits:` of braid.yaml as cgroup limits, or null when none is set. */
function limitsWish(config) {
	const l = config.limits;
	if (!l || l.memory === void 0 && l.cpu === void 0 && l.pids === void 0) return null;
	return {
		limits: {
			memory: l.memory,
			cpu: l.cpu,
			pids: l.pids
		},
		required: l.required
	};
}
// dist/isolate/sandbox/hidden-paths.js
/**
* What a sandbox hides (by default the user's home: keys, tokens, other projects' secrets) and
* what stays readable inside a hidden folder: git's own config, the commands on PATH and the
* packages their links lead to, node and braid themselves, the task's repository.
*/
/** Below $HOME, read-only by default: git's identity and settings. */
const GIT_CONFIG_PATHS = [".gitconfig", ".config/git"];
/** The hidden paths that exist, as mounts. */
function hiddenMounts(hide) {
	const out = [];
	for (const p of new Set(hide.map((h) => path.resolve(h)))) try {
		out.push({
			path: p,
			kind: statSync(p).isDirectory() ? "dir" : "file"
		});
	} catch {}
	return out;
}
/** Paths inside a hidden folder that stay readable, in the order to bind them (existing ones only). */
function readablePaths(input) {
	const { home, hidden } = input;
	const common = path.resolve(input.gitCommonDir);
	const worktree = path.resolve(input.worktree);
	const mainCheckout = path.basename(common) === ".git" ? path.dirname(common) : null;
	const candidates = [
		...GIT_CONFIG_PATHS.map((p) => path.join(home, p)),
		...commandPaths(input.pathEnv, home),
		path.dirname(process.execPath),
		braidPackageRoot(),
		...mainCheckout ? [mainCheckout] : [],
		common,
		worktree,
		...worktree !== mainCheckout ? [path.dirname(worktree)] : [],
		...input.extra
	];
	const inHidden = (p) => hidden.some((h) => within(p, h) && p !== h);
	const exposesHidden = (p) => hidden.some((h) => within(h, p));
	const out = [];
	for (const raw of candidates) {
		const p = path.resolve(raw);
		if (out.includes(p) || !inHidden(p) || exposesHidden(p) || !existsSync(p)) continue;
		out.push(p);
	}
	return out;
}
/** PATH folders under $HOME, and where the links in them lead (an npm or pipx package's own folder). */
function commandPaths(pathEnv, home) {
	const out = [];
	for (const dir of (pathEnv ?? "").split(path.delimiter)) {
		if (!dir || !path.isAbsolute(dir) || !within(dir, home) || dir === home) continue;
		out.push(dir);
		let entries = [];
		try {
			entries = readdirSync(dir);
		} catch {
			continue;
		}
		for (const name of entries) {
			const file = path.join(dir, name);
			try {
				if (!lstatSync(file).isSymbolicLink()) continue;
				const target = realpathSync(file);
				if (within(target, home) && !within(target, dir)) out.push(packageRoot(target, home));
			} catch {}
		}
	}
	return out;
}
/** The nearest folder above `file` that is a package (package.json) or a Python venv (pyvenv.cfg). */
function packageRoot(file, home) {
	for (let dir = path.dirname(file); within(dir, home) && dir !== home; dir = path.dirname(dir)) if (existsSync(path.join(dir, "package.json")) || existsSync(path.join(dir, "pyvenv.cfg"))) return dir;
	return path.dirname(file);
}
/** braid's own folder (its hook command runs inside the sandbox). */
function braidPackageRoot() {
	return PACKAGE_ROOT;
}
function within(child, parent) {
	const rel = path.relative(parent, child);
	return rel === "" || !rel.startsWith("..") && !path.isAbsolute(rel);
}
// dist/isolate/sandbox/network-proxy.js
/** Folder name prefix of a session's private proxy socket folder (see sandboxArgv). */
const PROXY_DIR_PREFIX = "braid-proxy-";
// dist/isolate/sandbox/ref-guard.js
/**
* The binds that keep a sandboxed agent off every branch but its own: `refs/heads` read-only
* (main and any other top-level branch, by directory, which stays read-only however often they
* move), the own branch's folder writable again (git needs `<ref>.lock` beside the ref), each
* other loose ref in that folder read-only (other tasks' branches, by file), and
* `refs/braid/backup` read-only. `packed-refs` sits in the common dir, which is never writable.
*
* A file bind on a ref holds until that ref moves outside: git renames `<ref>.lock` onto it, and
* the kernel then detaches the bind in every namespace. So each other ref's reflog is bound
* read-only too (see reflogOf): git then still cannot move it; only writing the ref file by hand can.
*/
function refGuardMounts(gitCommonDir, ownBranch) {
	const common = path.resolve(gitCommonDir);
	const heads = path.join(common, "refs", "heads");
	const own = path.join(heads, ownBranch.replace(/^refs\/heads\//, ""));
	const ownDir = path.dirname(own);
	const backup = path.join(common, "refs", "braid", "backup");
	for (const dir of [
		heads,
		ownDir,
		backup
	]) mkdirSync(dir, { recursive: true });
	loosenPackedRefs(common, (file) => file !== own && isInside(file, ownDir));
	const mounts = [{
		mode: "ro",
		path: heads
	}, {
		mode: "rw",
		path: ownDir
	}];
	for (const file of looseRefFiles(ownDir)) {
		if (file === own) continue;
		mounts.push({
			mode: "ro",
			path: file
		});
		mounts.push({
			mode: "ro",
			path: reflogOf(common, file)
		});
	}
	mounts.push({
		mode: "ro",
		path: backup
	});
	return mounts;
}
/**
* The ref's reflog, made (empty) when missing. git appends to an existing reflog on every update
* and fails the update when it cannot; outside, git only appends to it, never renames it, so this
* file bind holds for the whole session, also after the ref itself moved outside.
*/
function reflogOf(common, refFile) {
	const log = path.join(common, "logs", path.relative(common, refFile));
	mkdirSync(path.dirname(log), { recursive: true });
	writeFileSync(log, "", { flag: "a" });
	return log;
}
/**
* Writes a loose file for each packed ref `wanted` picks that has none, with the packed value:
* without it the sandbox could create a loose ref that shadows the packed one. `wx` never
* overwrites a loose ref git wrote meanwhile (git writes loose on every update).
*/
function loosenPackedRefs(common, wanted) {
	for (const { ref, oid } of packedRefs(common)) {
		const file = path.join(common, ref);
		if (!wanted(file)) continue;
		try {
			mkdirSync(path.dirname(file), { recursive: true });
			writeFileSync(file, `${oid}\n`, { flag: "wx" });
		} catch (err) {
			if (err.code !== "EEXIST") throw err;
		}
	}
}
/** Entries of `<common>/packed-refs` (`<oid> <ref>` lines; `#` header and `^` peeled lines skipped). */
function packedRefs(common) {
	let text;
	try {
		text = readFileSync(path.join(common, "packed-refs"), "utf8");
	} catch {
		return [];
	}
	const out = [];
	for (const line of text.split("\n")) {
		const m = /^([0-9a-f]{40,64}) (refs\/\S+)$/.exec(line);
		if (m) out.push({
			oid: m[1],
			ref: m[2]
		});
	}
	return out;
}
/** Every loose ref file below `dir` (git's own `.lock` files excluded). */
function looseRefFiles(dir) {
	const out = [];
	let entries;
	try {
		entries = readdirSync(dir, { withFileTypes: true });
	} catch {
		return out;
	}
	for (const e of entries) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...looseRefFiles(p));
		else if (e.isFile() && !e.name.endsWith(".lock")) out.push(p);
	}
	return out.sort();
}
function isInside(file, dir) {
	return file.startsWith(`${dir}${path.sep}`);
}
// dist/isolate/sandbox/bwrap.js
/** Folders below $HOME an agent writes to: its settings, sessions, caches. */
const AGENT_HOME_PATHS = {
	claude: [
		".claude",
		".claude.json",
		".config/claude"
	],
	codex: [".codex"],
	aider: [".aider"]
};
const SHARED_HOME_PATHS = [".cache", ".npm"];
/** Inside the sandbox: the proxy socket lives in the private /tmp, and socat serves it on this port. */
const INNER_SOCKET = "/tmp/braid-proxy.sock";
const INNER_PROXY_PORT = 3128;
/**
* Waits until the in-sandbox bridge accepts connections, then becomes the agent. Constant text:
* socat, the port, the socket and the agent's argv are positional arguments.
*/
const BRIDGE_THEN_EXEC = [
	"\"$1\" \"TCP-LISTEN:$2,bind=127.0.0.1,fork,reuseaddr\" \"UNIX-CONNECT:$3\" &",
	"i=0; until \"$1\" -u OPEN:/dev/null \"TCP:127.0.0.1:$2\" 2>/dev/null; do",
	"i=$((i+1)); if [ \"$i\" -gt 200 ]; then echo \"braid: sandbox proxy bridge did not start\" >&2; exit 125; fi;",
	"sleep 0.02; done; shift 3; exec \"$@\""
].join(" ");
/** The bubblewrap command for running `argv` under `policy`. No shell strings carry user data. */
function sandboxArgv(argv, policy) {
	if (argv.length === 0) throw new Error("sandboxArgv: empty argv");
	const worktree = path.resolve(policy.worktree);
	const bw = [
		"bwrap",
		"--die-with-parent",
		"--unshare-pid",
		"--unshare-ipc"
	];
	bw.push("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp");
	const hidden = hiddenMounts(policy.hide ?? [policy.home]);
	for (const h of hidden) bw.push(...h.kind === "dir" ? ["--tmpfs", h.path] : [
		"--ro-bind",
		"/dev/null",
		h.path
	]);
	const readable = readablePaths({
		home: path.resolve(policy.home),
		hidden: hidden.map((h) => h.path),
		worktree,
		gitCommonDir: policy.gitCommonDir,
		extra: policy.read ?? [],
		pathEnv: process.env.PATH
	});
	for (const p of readable) bw.push("--ro-bind", p, p);
	const writable = [
		...policy.readonlyAll ? [] : [worktree, ...gitWritablePaths(worktree, policy.gitCommonDir)],
		...agentPaths(policy.home, policy.agent ?? "claude"),
		...policy.writable.map((p) => path.resolve(p))
	];
	for (const p of new Set(writable)) if (existsSync(p)) bw.push("--bind", p, p);
	if (!policy.readonlyAll && policy.branch) for (const m of refGuardMounts(policy.gitCommonDir, policy.branch)) bw.push(m.mode === "ro" ? "--ro-bind" : "--bind", m.path, m.path);
	bw.push("--chdir", worktree);
	if (policy.network === "all") return {
		argv: [
			...bw,
			"--",
			...argv
		],
		env: {}
	};
	bw.push("--unshare-net");
	if (policy.network === "none") return {
		argv: [
			...bw,
			"--",
			...argv
		],
		env: {}
	};
	const dir = mkdtempSync(path.join(tmpdir(), PROXY_DIR_PREFIX));
	const socket = path.join(dir, "proxy.sock");
	bw.push("--bind", socket, INNER_SOCKET);
	const inner = [
		"sh",
		"-c",
		BRIDGE_THEN_EXEC,
		"sh",
		"socat",
		String(INNER_PROXY_PORT),
		INNER_SOCKET
	];
	const launcher = [
		process.execPath,
		proxyLauncherScript(),
		"--socket",
		socket
	];
	for (const domain of policy.network.allow) launcher.push("--allow", domain);
	for (const [host, addr] of Object.entries(policy.resolve ?? {})) launcher.push("--resolve", `${host}=${addr}`);
	const url = `http://127.0.0.1:${INNER_PROXY_PORT}`;
	return {
		argv: [
			...launcher,
			"--",
			...bw,
			"--",
			...inner,
			...argv
		],
		env: {
			HTTP_PROXY: url,
			HTTPS_PROXY: url,
			http_proxy: url,
			https_proxy: url,
			NO_PROXY: "",
			no_proxy: ""
		},
		cleanup: () => rmSync(dir, {
			recursive: true,
			force: true
		})
	};
}
function agentPaths(home, agent) {
	const out = [...AGENT_HOME_PATHS[agent] ?? [], ...SHARED_HOME_PATHS].map((r) => path.join(home, r));
	const made = [AGENT_HOME_PATHS[agent]?.[0], ".cache"].filter((r) => !!r);
	for (const r of made) mkdirSync(path.join(home, r), { recursive: true });
	if (agent === "claude" && process.env.CLAUDE_CONFIG_DIR) out.push(process.env.CLAUDE_CONFIG_DIR);
	return out;
}
/** The compiled launcher next to this module, or dist/ when running from sources (tests). */
function proxyLauncherScript() {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const sibling = path.join(here, "proxy-launcher.js");
	if (existsSync(sibling)) return sibling;
	return builtModule("isolate/sandbox/proxy-launcher.js");
}
// dist/core/size.js
const UNITS = {
	"": 1,
	K: 1024,
	M: 1024 ** 2,
	G: 1024 ** 3,
	T: 1024 ** 4
};
/** Bytes of a size like `4G`, `512M`, `1.5G` or `1048576` (binary units, as cgroups and `free` use). */
function parseSize(text) {
	const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
	if (!m) throw new BraidError("E_CONFIG", `'${text}' is not a size`, "Write a size like 4G, 512M or 1.5G (K, M, G, T are powers of 1024).");
	const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toUpperCase()]);
	if (bytes <= 0) throw new BraidError("E_CONFIG", `'${text}' is not a positive size`);
	return bytes;
}
// dist/isolate/sandbox/cgroups.js
const CFS_PERIOD_US = 1e5;
/** Creates `<own cgroup>/braid/<repo>/<task>` with the limits; throws E_LIMITS where cgroups are unusable. */
async function createTaskCgroup(repoName, task, limits = {}) {
	const support = probeCgroups();
	if (!support.writable || support.version === "none") throw new BraidError("E_LIMITS", `resource limits need a writable cgroup hierarchy: ${support.reason ?? "none found"}`, "Run braid where cgroups are delegated (cgroup v2: systemd-run --user --scope -p Delegate=yes), or drop `limits` (or set limits.required: false).");
	const rel = [
		"braid",
		cgroupSegment(repoName),
		cgroupSegment(task)
	];
	const missing = wantedControllers(limits).filter((c) => !support.controllers.includes(c));
	if (missing.length) throw new BraidError("E_LIMITS", `the cgroup controller${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not usable here (${support.version})`, "Drop the matching limit from `limits` in braid.yaml, or run braid where that controller is delegated.");
	const group = openTaskCgroup({ ref: dedupe(support.version === "v2" ? {
		version: "v2",
		paths: [createV2(support.bases.unified, rel, support.controllers)]
	} : {
		version: "v1",
		paths: Object.values(support.bases).map((b) => mkdirs(b, rel))
	}) });
	try {
		applyLimits(group.ref, limits);
	} catch (err) {
		await group.remove();
		throw new BraidError("E_LIMITS", `could not set limits: ${err.message}`);
	}
	return group;
}
function wantedControllers(limits) {
	return [
		limits.memory !== void 0 ? "memory" : "",
		limits.cpu !== void 0 ? "cpu" : "",
		limits.pids !== void 0 ? "pids" : ""
	].filter(Boolean);
}
function dedupe(ref) {
	return {
		...ref,
		paths: [...new Set(ref.paths)]
	};
}
function mkdirs(base, rel) {
	const dir = path.join(base, ...rel);
	mkdirSync(dir, { recursive: true });
	return dir;
}
/** v2 needs each level to hand its controllers down (cgroup.subtree_control) before the leaf has them. */
function createV2(base, rel, controllers) {
	const enable = controllers.map((c) => `+${c}`).join(" ");
	let dir = base;
	for (const seg of rel) {
		try {
			writeFileSync(path.join(dir, "cgroup.subtree_control"), enable);
		} catch (err) {
			throw new BraidError("E_LIMITS", `cgroup v2: cannot enable ${controllers.join(", ")} below ${dir}: ${err.message}`, "The cgroup braid runs in holds processes itself; start braid in a delegated scope (systemd-run --user --scope -p Delegate=yes).");
		}
		dir = path.join(dir, seg);
		mkdirSync(dir, { recursive: true });
	}
	return dir;
}
function applyLimits(ref, limits) {
	const file = (name) => ref.paths.map((p) => path.join(p, name)).find((f) => existsSync(f));
	const set = (name, value) => {
		const f = file(name);
		if (!f) throw new Error(`${name} not found in ${ref.paths.join(", ")}`);
		writeFileSync(f, value);
	};
	if (ref.version === "v1") {
		if (limits.memory !== void 0) {
			const bytes = String(parseSize(limits.memory));
			set("memory.limit_in_bytes", bytes);
			if (file("memory.memsw.limit_in_bytes")) set("memory.memsw.limit_in_bytes", bytes);
		}
		if (limits.cpu !== void 0) {
			set("cpu.cfs_period_us", String(CFS_PERIOD_US));
			set("cpu.cfs_quota_us", String(Math.max(1e3, Math.round(limits.cpu * CFS_PERIOD_US))));
		}
		if (limits.pids !== void 0) set("pids.max", String(limits.pids));
		return;
	}
	if (limits.memory !== void 0) {
		set("memory.max", String(parseSize(limits.memory)));
		if (file("memory.swap.max")) set("memory.swap.max", "0");
	}
	if (limits.cpu !== void 0) set("cpu.max", `${Math.max(1e3, Math.round(limits.cpu * CFS_PERIOD_US))} ${CFS_PERIOD_US}`);
	if (limits.pids !== void 0) set("pids.max", String(limits.pids));
}
/** A handle on an existing task cgroup (from a ref recorded in the store). */
function openTaskCgroup({ ref }) {
	const procsFiles = ref.paths.map((p) => path.join(p, "cgroup.procs"));
	const find = (name) => ref.paths.map((p) => path.join(p, name)).find((f) => existsSync(f));
	const readNumber = (name, key) => {
		const f = find(name);
		if (!f) return null;
		try {
			const text = readFileSync(f, "utf8");
			const raw = key ? new RegExp(`^${key} (\\d+)$`, "m").exec(text)?.[1] : text.trim();
			return raw === void 0 || raw === "" ? null : Number(raw);
		} catch {
			return null;
		}
	};
	const pids = () => {
		const all = /* @__PURE__ */ new Set();
		for (const f of procsFiles) try {
			for (const l of readFileSync(f, "utf8").split("\n")) if (l.trim()) all.add(Number(l));
		} catch {}
		return [...all];
	};
	const group = {
		ref,
		procsFiles,
		addPid(pid) {
			for (const f of procsFiles) writeFileSync(f, String(pid));
		},
		pids,
		stats() {
			const usec = ref.version === "v2" ? readNumber("cpu.stat", "usage_usec") : null;
			return {
				memoryBytes: readNumber(ref.version === "v2" ? "memory.current" : "memory.usage_in_bytes"),
				cpuUsageNs: ref.version === "v2" ? usec === null ? null : usec * 1e3 : readNumber("cpuacct.usage"),
				pids: readNumber("pids.current")
			};
		},
		killAll: (timeoutMs = 1e4) => killAll(ref, pids, find, timeoutMs),
		async remove() {
			if (pids().length) await group.killAll();
			for (const dir of ref.paths) await removeDir(dir);
		}
	};
	return group;
}
async function killAll(ref, pids, find, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	const killFile = ref.version === "v2" ? find("cgroup.kill") : void 0;
	while (pids().length) {
		if (killFile) writeFileSync(killFile, "1");
		else {
			const freezer = find(ref.version === "v2" ? "cgroup.freeze" : "freezer.state");
			const [frozen, thawed] = ref.version === "v2" ? ["1", "0"] : ["FROZEN", "THAWED"];
			if (freezer) writeFileSync(freezer, frozen);
			for (const pid of pids()) try {
				process.kill(pid, "SIGKILL");
			} catch {}
			if (freezer) writeFileSync(freezer, thawed);
		}
		if (Date.now() > deadline) throw new BraidError("E_LIMITS", `processes ${pids().join(", ")} are still in ${ref.paths[0]} after SIGKILL`, "They may be stuck in the kernel (D state); check with ps -o pid,stat,cmd.");
		await new Promise((r) => setTimeout(r, 20));
	}
}
async function removeDir(dir) {
	for (let attempt = 0;; attempt++) try {
		rmdirSync(dir);
		break;
	} catch (err) {
		const code = err.code;
		if (code === "ENOENT") break;
		if (code !== "EBUSY" || attempt > 100) throw err;
		await new Promise((r) => setTimeout(r, 20));
	}
	for (const parent of [path.dirname(dir), path.dirname(path.dirname(dir))]) try {
		rmdirSync(parent);
	} catch {
		break;
	}
}
// dist/isolate/sandbox/exec-in-cgroup.js
/**
* The process joins the cgroup before exec, so the agent and everything it forks (daemons with
* setsid included) start inside it: no window where a child escapes accounting or killing.
* The script is constant; the cgroup files and the argv are positional arguments, never spliced.
*/
const JOIN_THEN_EXEC = "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift; n=$((n-1)); done; exec \"$@\"";
/** `sh -c <script> sh <count> <procs files…> <argv…>`: exits 125 when the cgroup cannot be joined. */
function execInCgroupArgv(procsFiles, argv) {
	if (argv.length === 0) throw new Error("execInCgroupArgv: empty argv");
	return [
		"sh",
		"-c",
		JOIN_THEN_EXEC,
		"sh",
		String(procsFiles.length),
		...procsFiles,
		...argv
	];
}
// dist/run/session/confine.js
/**
* Wraps a session's argv: bubblewrap per `--sandbox`/`--readonly`/`sandbox:`, then the task's
* cgroup per `limits:` as the outermost layer, so the proxy, bwrap and the agent all count.
*/
async function confineLaunch(project, task, launch) {
	const home = launch.env.HOME ?? process.env.HOME ?? homedir();
	const wish = sandboxWish(project.config, task.options, task.worktree, home);
	const notes = [];
	let argv = launch.argv;
	let env = launch.env;
	let sandbox = null;
	if (wish) {
		await requireSandboxSupport(wish);
		sandbox = sandboxArgv(argv, {
			worktree: wish.readonly ? project.repo.root : task.worktree,
			gitCommonDir: project.repo.commonDir,
			branch: task.branch,
			writable: [braidDir(project.repo.commonDir), ...wish.writable],
			network: wish.network,
			home,
			hide: wish.hide,
			read: wish.read,
			agent: task.agent,
			readonlyAll: wish.readonly
		});
		argv = sandbox.argv;
		env = {
			...env,
			...sandbox.env
		};
	}
	let group = null;
	try {
		group = await taskCgroupFor(project, task, notes);
	} catch (err) {
		sandbox?.cleanup?.();
		throw err;
	}
	const stale = refOf(task);
	if (!group && stale) await openTaskCgroup({ ref: stale }).remove().catch(() => {});
	if (group) argv = execInCgroupArgv(group.procsFiles, argv);
	if (group || task.options.cgroup) mergeTaskOptions(project.store, task.name, { cgroup: group?.ref ?? null });
	for (const note of notes) appendEvent(project.store, task.name, "session.confine-note", { note });
	return {
		argv,
		env,
		cgroup: group?.ref ?? null,
		sandboxed: !!wish,
		notes,
		async cleanup() {
			sandbox?.cleanup?.();
			await group?.remove();
		}
	};
}
/**
* Fails before provisioning when the task would be sandboxed on a host that cannot sandbox, or
* needs limits (`limits.required`) where no cgroup is usable; returns notes on what will be skipped.
*/
async function checkConfinable(project, options) {
	const wish = sandboxWish(project.config, options, project.repo.root);
	if (wish) await requireSandboxSupport(wish);
	const limits = limitsWish(project.config);
	if (!limits) return [];
	const support = probeCgroups();
	if (support.writable) return [];
	if (limits.required) throw noCgroups(support.reason);
	return [`limits not applied: no writable cgroup hierarchy (${support.reason ?? "none found"})`];
}
const noCgroups = (reason) => new BraidError("E_LIMITS", `limits.required is set, but this host has no writable cgroup hierarchy: ${reason ?? "none found"}`, "Run braid where cgroups are delegated (cgroup v2: systemd-run --user --scope -p Delegate=yes; v1: a writable hierarchy), or set limits.required: false to run without limits; braid doctor shows what is available.");
async function requireSandboxSupport(wish) {
	const caps = await detectCapabilities();
	if (!caps.bwrap.ok) {
		const why = [caps.bwrap.reason, caps.userns.ok ? "" : caps.userns.reason].filter(Boolean).join("; ");
		throw new BraidError("E_SANDBOX", `this host cannot run a sandbox: ${why}`, "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow unprivileged user namespaces; braid doctor shows what is available. Or run without --sandbox.");
	}
	if (typeof wish.network === "object" && !caps.socat.ok) throw new BraidError("E_SANDBOX", `a network allow-list needs socat: ${caps.socat.reason}`, "Install socat (apt-get install socat), or set sandbox.network to none or all in braid.yaml.");
}
/** Creates the task's cgroup when `limits:` asks; without cgroups: a note, or E_LIMITS when required. */
async function taskCgroupFor(project, task, notes) {
	const wish = limitsWish(project.config);
	if (!wish) return null;
	const support = probeCgroups();
	if (!support.writable) {
		if (wish.required) throw noCgroups(support.reason);
		notes.push(`limits not applied: no writable cgroup hierarchy (${support.reason ?? "none found"})`);
		return null;
	}
	try {
		return await createTaskCgroup(project.repo.name, task.name, wish.limits);
	} catch (err) {
		if (wish.required || !(err instanceof BraidError)) throw err;
		notes.push(`limits not applied: ${err.message}`);
		return null;
	}
}
const refOf = (task) => task.options.cgroup ?? null;
/** Kills everything left in the task's cgroup: daemons started with setsid too. */
async function killTaskCgroup(task) {
	const ref = refOf(task);
	if (ref) await openTaskCgroup({ ref }).killAll();
}
/** Kills what is left and deletes the task's cgroup (on braid rm). */
async function removeTaskCgroup(task) {
	const ref = refOf(task);
	if (ref) await openTaskCgroup({ ref }).remove();
}
/** Memory and CPU (percent of one core over `windowMs`) from the task's cgroup; null without one. */
async function taskCgroupUsage(task, windowMs = 100) {
	const ref = refOf(task);
	if (!ref) return null;
	const group = openTaskCgroup({ ref });
	const before = group.stats();
	const t0 = process.hrtime.bigint();
	await new Promise((r) => setTimeout(r, windowMs));
	const after = group.stats();
	const elapsedNs = Number(process.hrtime.bigint() - t0);
	const cpuPercent = before.cpuUsageNs === null || after.cpuUsageNs === null ? null : Math.round((after.cpuUsageNs - before.cpuUsageNs) / elapsedNs * 1e3) / 10;
	return {
		memoryBytes: after.memoryBytes,
		cpuPercent
	};
}
// dist/core/pricing-table.js
/**
* The shipped price list, USD per million tokens, from Anthropic's public pricing page
* (platform.claude.com/docs/en/about-claude/pricing, checked 2026-11). Keys are normalized model
* names (see normalizeModel); `aliases` catch the other spellings in transcripts.
* A config file can override or extend it (loadPricing).
*/
const rates = (input, output, cacheRead) => ({
	input,
	output,
	cacheWrite5m: input * 1.25,
	cacheWrite1h: input * 2,
	cacheRead
});
const price = (base, aliases = [], longContext) => ({
	...base,
	aliases,
	...longContext ? { longContext } : {}
});
/** Sonnet 4 and 4.5 with the 1M-context beta: a prompt over 200k bills the whole request at these rates. */
const sonnet4LongContext = {
	thresholdTokens: 2e5,
	...rates(6, 22.5, .6)
};
/** Haiku 5.5 bills a prompt over 100k tokens (input + cache reads + writes) at 5x, output included. */
const haiku55LongPrompt = {
	thresholdTokens: 1e5,
	...rates(.5, 2.5, .05)
};
const DEFAULT_PRICING = {
	"claude-fable-5-1": price(rates(10, 50, .25)),
	"claude-mythos-5-1": price(rates(10, 50, .25)),
	"claude-fable-5": price(rates(10, 50, 1)),
	"claude-mythos-5": price(rates(10, 50, 1)),
	"claude-opus-5-5": price(rates(4, 20, .2)),
	"claude-opus-5": price(rates(5, 25, .5)),
	"claude-opus-4-8": price(rates(5, 25, .5)),
	"claude-opus-4-7": price(rates(5, 25, .5)),
	"claude-opus-4-6": price(rates(5, 25, .5)),
	"claude-opus-4-5": price(rates(5, 25, .5)),
	"claude-opus-4-1": price(rates(15, 75, 1.5)),
	"claude-opus-4": price(rates(15, 75, 1.5), ["claude-opus-4-0", "claude-4-opus"]),
	"claude-3-opus": price(rates(15, 75, 1.5), ["claude-opus-3"]),
	"claude-sonnet-5-5": price(rates(2, 10, .1)),
	"claude-sonnet-5": price(rates(2, 10, .2)),
	"claude-sonnet-4-6": price(rates(3, 15, .3)),
	"claude-sonnet-4-5": price(rates(3, 15, .3), [], sonnet4LongContext),
	"claude-sonnet-4": price(rates(3, 15, .3), ["claude-sonnet-4-0", "claude-4-sonnet"], sonnet4LongContext),
	"claude-3-7-sonnet": price(rates(3, 15, .3), ["claude-sonnet-3-7"]),
	"claude-3-5-sonnet": price(rates(3, 15, .3), ["claude-sonnet-3-5"]),
	"claude-haiku-5-5": price(rates(.1, .5, .01), [], haiku55LongPrompt),
	"claude-haiku-4-5": price(rates(1, 5, .1)),
	"claude-3-5-haiku": price(rates(.8, 4, .08), ["claude-haiku-3-5"]),
	"claude-3-haiku": price({
		input: .25,
		output: 1.25,
		cacheWrite5m: .3,
		cacheWrite1h: .5,
		cacheRead: .03
	}, ["claude-haiku-3"])
};
/** The shipped table with overrides on top (an override replaces the whole entry of its model). */
function mergePricing(...tables) {
	return Object.assign({}, DEFAULT_PRICING, ...tables);
}
// dist/core/pricing.js
/**
* Folds the spellings seen in transcripts and cloud consoles onto one key:
* `claude-sonnet-4-5-20250929`, `us.anthropic.claude-sonnet-4-5-20250929-v1:0`,
* `claude-opus-4-6[1m]`, `claude-opus-4@20250514` and `anthropic/claude-3-5-haiku-latest`.
*/
function normalizeModel(model) {
	let m = model.trim().toLowerCase();
	m = m.replace(/^[a-z]+\/(?=claude)/, "");
	m = m.replace(/^(?:[a-z]+\.)?anthropic\./, "");
	m = m.replace(/\[[^\]]*\]$/, "");
	m = m.replace(/-v\d+(?::\d+)?$/, "");
	m = m.replace(/[@-]\d{8}$/, "");
	m = m.replace(/-latest$/, "");
	return m;
}
/** The price of a model, or null when the table does not know it (cost is then unknown, never 0). */
function findPrice(table, model) {
	if (!model) return null;
	const key = normalizeModel(model);
	if (table[key]) return table[key];
	for (const price of Object.values(table)) if (price.aliases?.includes(key)) return price;
	return null;
}
/** Cost in USD of one request, with Anthropic's whole-request long-context rule. */
function costOf(tokens, price) {
	const prompt = tokens.input + tokens.cacheCreation + tokens.cacheRead;
	const r = price.longContext && prompt > price.longContext.thresholdTokens ? price.longContext : price;
	const write1h = Math.min(tokens.cacheWrite1h ?? 0, tokens.cacheCreation);
	const write5m = tokens.cacheCreation - write1h;
	return (tokens.input * r.input + tokens.output * r.output + write5m * r.cacheWrite5m + write1h * r.cacheWrite1h + tokens.cacheRead * r.cacheRead) / 1e6;
}
const usd = number().nonnegative();
const overrideRates = object({
	input: usd,
	output: usd,
	cacheWrite5m: usd.optional(),
	cacheWrite1h: usd.optional(),
	cacheRead: usd.optional()
});
const overrideEntry = overrideRates.extend({
	aliases: array(string().min(1)).optional(),
	longContext: overrideRates.extend({ thresholdTokens: number().int().positive() }).strict().optional()
}).strict();
const overrideSchema = record(string().min(1), overrideEntry);
/** Missing cache rates follow the standard multipliers (writes 1.25x / 2x input, reads 0.1x). */
function fillRates(r) {
	return {
		input: r.input,
		output: r.output,
		cacheWrite5m: r.cacheWrite5m ?? r.input * 1.25,
		cacheWrite1h: r.cacheWrite1h ?? r.input * 2,
		cacheRead: r.cacheRead ?? r.input * .1
	};
}
/** Validates a pricing override document: `{ "<model>": { input, output, cacheRead?, … } }`. */
function parsePricingOverride(raw, source) {
	const res = overrideSchema.safeParse(raw);
	if (!res.success) {
		const lines = res.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
		throw new BraidError("E_CONFIG", `${source} is not a valid pricing file:\n  ${lines.join("\n  ")}`, "Give USD per million tokens, e.g. {\"my-model\": {\"input\": 3, \"output\": 15}}.");
	}
	const table = {};
	for (const [model, entry] of Object.entries(res.data)) table[normalizeModel(model)] = {
		...fillRates(entry),
		aliases: entry.aliases?.map(normalizeModel),
		...entry.longContext ? { longContext: {
			thresholdTokens: entry.longContext.thresholdTokens,
			...fillRates(entry.longContext)
		} } : {}
	};
	return table;
}
// dist/core/usage.js
const NON_NULLABLE = /* @__PURE__ */ new Set([
	"id",
	"cwd",
	"model",
	"speed",
	"costUSD",
	"version",
	"sessionId",
	"requestId",
	"isApiErrorMessage",
	"cache_read_input_tokens",
	"cache_creation_input_tokens"
]);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?(?:Z|[+-]\d{2}:\d{2})$/;
const SEMVER_PREFIX = /^\d+\.\d+\.\d/;
const isObject$1 = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
const optionalCount = (v) => v === void 0 ? void 0 : isCount(v) ? v : false;
const optionalText = (v) => v === void 0 ? void 0 : typeof v === "string" && v.length > 0 ? v : false;
function hasForbiddenNull(value, inIterations = false) {
	if (Array.isArray(value)) return value.some((v) => hasForbiddenNull(v, inIterations));
	if (!isObject$1(value)) return false;
	for (const [key, v] of Object.entries(value)) {
		if (v === null && NON_NULLABLE.has(key) && !(inIterations && key === "model")) return true;
		if (hasForbiddenNull(v, inIterations || key === "iterations")) return true;
	}
	return false;
}
/** Token counts of a `usage` object, or null when it is not one ccusage would count. */
function tokensOf(usage) {
	if (!isObject$1(usage) || !isCount(usage.input_tokens) || !isCount(usage.output_tokens)) return null;
	const created = optionalCount(usage.cache_creation_input_tokens);
	const read = optionalCount(usage.cache_read_input_tokens);
	if (created === false || read === false) return null;
	const split = isObject$1(usage.cache_creation) ? usage.cache_creation : null;
	const w5 = split ? optionalCount(split.ephemeral_5m_input_tokens) : void 0;
	const w1 = split ? optionalCount(split.ephemeral_1h_input_tokens) : void 0;
	if (w5 === false || w1 === false) return null;
	const cacheCreation = split ? (w5 ?? 0) + (w1 ?? 0) : created ?? 0;
	return {
		input: usage.input_tokens,
		output: usage.output_tokens,
		cacheCreation,
		cacheRead: read ?? 0,
		cacheWrite1h: w1 ?? 0
	};
}
/**
* Usage entries of one transcript line (usually one; more when the line carries advisor
* iterations, which bill under their own model). Anything malformed yields none.
*/
function parseUsageLine(line, fileSessionId) {
	if (!line.includes("\"usage\"")) return [];
	let data;
	try {
		data = JSON.parse(line);
	} catch {
		return [];
	}
	if (!isObject$1(data) || !isObject$1(data.message) || hasForbiddenNull(data)) return [];
	const msg = data.message;
	const tokens = tokensOf(msg.usage);
	if (!tokens || typeof data.timestamp !== "string" || !TIMESTAMP.test(data.timestamp)) return [];
	const timestamp = Date.parse(data.timestamp);
	if (Number.isNaN(timestamp)) return [];
	if (data.version !== void 0 && !(typeof data.version === "string" && SEMVER_PREFIX.test(data.version))) return [];
	const sessionId = optionalText(data.sessionId);
	const requestId = optionalText(data.requestId);
	const messageId = optionalText(msg.id);
	const model = optionalText(msg.model);
	if (sessionId === false || requestId === false || messageId === false || model === false) return [];
	if (data.costUSD !== void 0 && typeof data.costUSD !== "number") return [];
	for (const flag of ["isSidechain", "isApiErrorMessage"]) if (data[flag] !== void 0 && typeof data[flag] !== "boolean") return [];
	if (data.cwd !== void 0 && typeof data.cwd !== "string") return [];
	const speed = msg.usage.speed;
	if (speed !== void 0 && speed !== "standard" && speed !== "fast") return [];
	const entry = {
		messageId: messageId ?? null,
		requestId: requestId ?? null,
		sessionId: sessionId ?? fileSessionId,
		timestamp,
		model: model ?? null,
		tokens,
		costUSD: typeof data.costUSD === "number" ? data.costUSD : null,
		isSidechain: data.isSidechain === true,
		fast: speed === "fast"
	};
	return [entry, ...advisorEntries(entry, msg.usage.iterations)];
}
function advisorEntries(parent, iterations) {
	if (!Array.isArray(iterations)) return [];
	const out = [];
	for (const it of iterations) {
		if (!isObject$1(it) || it.type !== "advisor_message" || typeof it.model !== "string" || !it.model) continue;
		const tokens = tokensOf({
			input_tokens: 0,
			output_tokens: 0,
			...it
		});
		if (!tokens) continue;
		const messageId = parent.messageId === null ? null : `${parent.messageId}:advisor:${out.length}`;
		out.push({
			...parent,
			messageId,
			model: it.model,
			tokens,
			costUSD: null
		});
	}
	return out;
}
function totalTokens(t) {
	return t.input + t.output + t.cacheCreation + t.cacheRead;
}
/** Whether a later copy of the same request should replace the one kept (ccusage's rule). */
function shouldReplace(candidate, kept) {
	if (candidate.isSidechain !== kept.isSidechain) return kept.isSidechain;
	const a = totalTokens(candidate.tokens);
	const b = totalTokens(kept.tokens);
	if (a !== b) return a > b;
	return candidate.fast && !kept.fast;
}
/**
* De-duplicates usage entries as they arrive. Streaming writes one response several times
* (same message id and request id: the largest counts win); without a request id, copies at the
* same timestamp in the same session collapse; a sidechain line replaying a message of its
* session under another request id is dropped in favour of the parent's.
*/
var UsageLedger = class {
	kept = [];
	byKey = /* @__PURE__ */ new Map();
	byMessage = /* @__PURE__ */ new Map();
	add(entry) {
		if (entry.messageId === null) {
			this.kept.push(entry);
			return;
		}
		const key = exactKey(entry);
		const messageKey = `${entry.messageId}\0${entry.sessionId}`;
		let index = this.byKey.get(key);
		if (index === void 0) index = this.byMessage.get(messageKey)?.find((i) => entry.isSidechain || this.kept[i].isSidechain);
		if (index === void 0) index = this.kept.push(entry) - 1;
		else if (shouldReplace(entry, this.kept[index])) this.kept[index] = entry;
		this.byKey.set(key, index);
		const same = this.byMessage.get(messageKey) ?? [];
		if (!same.includes(index)) this.byMessage.set(messageKey, [...same, index]);
	}
	entries() {
		return this.kept;
	}
};
function exactKey(e) {
	return e.requestId !== null ? `r\0${e.messageId}\0${e.requestId}` : `s\0${e.messageId}\0${e.sessionId}\0${e.timestamp}`;
}
/** Cost of one entry: Claude Code's own costUSD, else the price table, else null (unknown). */
function entryCost(entry, pricing) {
	if (entry.costUSD !== null) return entry.costUSD;
	const price = findPrice(pricing, entry.model);
	return price ? costOf(entry.tokens, price) : null;
}
function emptyTotals() {
	return {
		tokens: {
			input: 0,
			output: 0,
			cacheCreation: 0,
			cacheRead: 0
		},
		costUsd: 0,
		knownCostUsd: 0,
		unpricedModels: [],
		requests: 0,
		firstAt: null,
		lastAt: null
	};
}
function totalsOf(entries, pricing) {
	const t = emptyTotals();
	const unpriced = /* @__PURE__ */ new Set();
	for (const e of entries) {
		t.tokens.input += e.tokens.input;
		t.tokens.output += e.tokens.output;
		t.tokens.cacheCreation += e.tokens.cacheCreation;
		t.tokens.cacheRead += e.tokens.cacheRead;
		t.requests += 1;
		t.firstAt = t.firstAt === null ? e.timestamp : Math.min(t.firstAt, e.timestamp);
		t.lastAt = t.lastAt === null ? e.timestamp : Math.max(t.lastAt, e.timestamp);
		const cost = entryCost(e, pricing);
		if (cost !== null) t.knownCostUsd += cost;
		else if (totalTokens(e.tokens) > 0) unpriced.add(e.model ?? "(no model)");
	}
	t.unpricedModels = [...unpriced].sort();
	t.costUsd = unpriced.size > 0 ? null : t.knownCostUsd;
	return t;
}
/** Sums totals (tasks into a run, runs into a grand total); any unknown cost makes the sum unknown. */
function addTotals(...all) {
	const t = emptyTotals();
	const unpriced = /* @__PURE__ */ new Set();
	for (const x of all) {
		t.tokens.input += x.tokens.input;
		t.tokens.output += x.tokens.output;
		t.tokens.cacheCreation += x.tokens.cacheCreation;
		t.tokens.cacheRead += x.tokens.cacheRead;
		t.knownCostUsd += x.knownCostUsd;
		t.requests += x.requests;
		for (const m of x.unpricedModels) unpriced.add(m);
		if (x.costUsd === null && x.unpricedModels.length === 0) unpriced.add("(unknown)");
		if (x.firstAt !== null) t.firstAt = t.firstAt === null ? x.firstAt : Math.min(t.firstAt, x.firstAt);
		if (x.lastAt !== null) t.lastAt = t.lastAt === null ? x.lastAt : Math.max(t.lastAt, x.lastAt);
	}
	t.unpricedModels = [...unpriced].sort();
	t.costUsd = unpriced.size > 0 ? null : t.knownCostUsd;
	return t;
}
/** Totals per calendar day (`dayOf` maps a timestamp to 'YYYY-MM-DD' in the wanted time zone). */
function totalsByDay(entries, pricing, dayOf) {
	const groups = /* @__PURE__ */ new Map();
	for (const e of entries) {
		const day = dayOf(e.timestamp);
		const list = groups.get(day);
		if (list) list.push(e);
		else groups.set(day, [e]);
	}
	const out = /* @__PURE__ */ new Map();
	for (const day of [...groups.keys()].sort()) out.set(day, totalsOf(groups.get(day), pricing));
	return out;
}
// dist/core/stream-json.js
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const count = (v) => Number.isFinite(v) && v > 0 ? v : 0;
/** JSON objects of a log, one per line; partial, garbage and non-object lines are skipped. */
function* jsonLines(text) {
	for (const line of text.split("\n")) {
		const s = line.trim();
		if (!s.startsWith("{")) continue;
		try {
			const v = JSON.parse(s);
			if (isObject(v)) yield v;
		} catch {}
	}
}
function claudeTokens(usage) {
	const u = isObject(usage) ? usage : {};
	const split = isObject(u.cache_creation) ? u.cache_creation : null;
	return {
		input: count(u.input_tokens),
		output: count(u.output_tokens),
		cacheCreation: split ? count(split.ephemeral_5m_input_tokens) + count(split.ephemeral_1h_input_tokens) : count(u.cache_creation_input_tokens),
		cacheRead: count(u.cache_read_input_tokens),
		cacheWrite1h: split ? count(split.ephemeral_1h_input_tokens) : 0
	};
}
/**
* Usage of a `claude -p --output-format stream-json --verbose` log. The final `result` event is
* authoritative (its `total_cost_usd` is Claude Code's own figure); before it arrives, the
* assistant events seen so far are summed (de-duplicated by message id) and priced by the table.
*/
function parseStreamJsonLog(text, pricing = DEFAULT_PRICING) {
	const ledger = new UsageLedger();
	let sessionId = null;
	let result = null;
	let model = null;
	for (const ev of jsonLines(text)) {
		if (typeof ev.session_id === "string") sessionId = ev.session_id;
		if (ev.type === "system" && ev.subtype === "init" && typeof ev.model === "string") model = ev.model;
		if (ev.type === "assistant" && isObject(ev.message) && isObject(ev.message.usage)) {
			const msg = ev.message;
			ledger.add({
				messageId: typeof msg.id === "string" ? msg.id : null,
				requestId: null,
				sessionId: sessionId ?? "",
				timestamp: 0,
				model: typeof msg.model === "string" ? msg.model : model,
				tokens: claudeTokens(msg.usage),
				costUSD: null,
				isSidechain: typeof ev.parent_tool_use_id === "string",
				fast: false
			});
		}
		if (ev.type === "result") result = ev;
	}
	if (!result) {
		const totals = totalsOf(ledger.entries(), pricing);
		const reported = ledger.entries().length > 0;
		return {
			sessionId,
			finished: false,
			isError: null,
			subtype: null,
			numTurns: null,
			reported,
			totals,
			denials: []
		};
	}
	const totals = totalsOf([], pricing);
	const { cacheWrite1h: _split, ...tokens } = claudeTokens(result.usage);
	totals.tokens = tokens;
	const cost = typeof result.total_cost_usd === "number" ? result.total_cost_usd : null;
	totals.costUsd = cost;
	totals.knownCostUsd = cost ?? 0;
	totals.requests = typeof result.num_turns === "number" ? result.num_turns : ledger.entries().length;
	return {
		sessionId,
		finished: true,
		isError: typeof result.is_error === "boolean" ? result.is_error : null,
		subtype: typeof result.subtype === "string" ? result.subtype : null,
		numTurns: typeof result.num_turns === "number" ? result.num_turns : null,
		reported: true,
		totals,
		denials: denialsOf(result)
	};
}
/**
* Usage of a `codex exec --json` log (checked with codex-cli 0.171): each `turn.completed` carries
* the turn's usage summed over its model calls: `input_tokens` includes `cached_input_tokens` and
* `cache_write_input_tokens` (OpenAI style), `output_tokens` includes `reasoning_output_tokens`.
* Older builds print `token_count` events with a running `total_token_usage`. Top-level `error`
* events are also retry notices ("Reconnecting... 1/5"): only the last turn's outcome says whether
* the run failed. Codex prices are not in braid's table, so the cost stays unknown (null).
*/
function parseCodexJsonLog(text) {
	const turns = {
		input: 0,
		cached: 0,
		cacheWrite: 0,
		output: 0,
		n: 0
	};
	let running = null;
	let sessionId = null;
	let outcome = null;
	for (const ev of jsonLines(text)) {
		if (ev.type === "thread.started" && typeof ev.thread_id === "string") sessionId = ev.thread_id;
		if (ev.type === "session.created" && typeof ev.session_id === "string") sessionId = ev.session_id;
		if (ev.type === "turn.failed") outcome = "failed";
		if (ev.type === "error" && outcome !== "failed") outcome = "error";
		if (ev.type === "turn.completed" && isObject(ev.usage)) {
			turns.input += count(ev.usage.input_tokens);
			turns.cached += count(ev.usage.cached_input_tokens);
			turns.cacheWrite += count(ev.usage.cache_write_input_tokens);
			turns.output += count(ev.usage.output_tokens);
			turns.n += 1;
			outcome = "completed";
		}
		const payload = isObject(ev.payload) ? ev.payload : isObject(ev.msg) ? ev.msg : ev;
		if (payload.type === "token_count" && isObject(payload.info) && isObject(payload.info.total_token_usage)) running = payload.info.total_token_usage;
	}
	const seen = turns.n > 0 || running !== null;
	const src = turns.n > 0 ? turns : running ? tallyRunning(running) : turns;
	const totals = totalsOf([], {});
	totals.tokens = {
		input: Math.max(0, src.input - src.cached - src.cacheWrite),
		output: src.output,
		cacheCreation: src.cacheWrite,
		cacheRead: src.cached
	};
	totals.requests = turns.n;
	totals.costUsd = null;
	totals.unpricedModels = seen ? ["codex"] : [];
	return {
		sessionId,
		finished: turns.n > 0,
		isError: outcome ? outcome !== "completed" : seen ? false : null,
		subtype: null,
		numTurns: turns.n || null,
		reported: seen,
		totals,
		denials: []
	};
}
function tallyRunning(u) {
	return {
		input: count(u.input_tokens),
		cached: count(u.cached_input_tokens),
		cacheWrite: count(u.cache_write_input_tokens),
		output: count(u.output_tokens),
		n: 0
	};
}
export { taskCgroupUsage as _, entryCost as a, totalsByDay as c, DEFAULT_PRICING as d, mergePricing as f, removeTaskCgroup as g, killTaskCgroup as h, addTotals as i, totalsOf as l, confineLaunch as m, parseStreamJsonLog as n, parseUsageLine as o, checkConfinable as p, UsageLedger as r, totalTokens as s, parseCodexJsonLog as t, parsePricingOverride as u, sandboxWish as v };
