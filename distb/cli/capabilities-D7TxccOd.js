import { n as __exportAll } from "./rolldown-runtime-DYf_mQCB.js";
import { r as run } from "./run-CAKlpui-.js";
import path from "node:path";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
// dist/core/cgroup-layout.js
/** Pure parsing of /proc/self/cgroup and /proc/self/mountinfo: where this process's cgroups live. */
/** `/proc/self/cgroup`: v1 controller (or '' for the v2 hierarchy) → this process's cgroup path. */
function parseProcCgroup(text) {
	const out = /* @__PURE__ */ new Map();
	for (const line of text.split("\n")) {
		const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
		if (!m) continue;
		if (m[2] === "") out.set("", m[3]);
		for (const c of m[2].split(",")) if (c) out.set(c, m[3]);
	}
	return out;
}
const unescapeMount = (s) => s.replace(/\\([0-7]{3})/g, (_, oct) => String.fromCharCode(Number.parseInt(oct, 8)));
function parseCgroupMounts(mountinfo) {
	const mounts = [];
	for (const line of mountinfo.split("\n")) {
		const [left, right] = line.split(" - ");
		if (!left || !right) continue;
		const fields = left.split(" ");
		const [fstype, , superOptions = ""] = right.split(" ");
		if (fstype !== "cgroup" && fstype !== "cgroup2") continue;
		const known = [
			"memory",
			"pids",
			"cpu",
			"cpuacct",
			"freezer",
			"cpuset",
			"blkio",
			"devices"
		];
		mounts.push({
			fstype,
			mountPoint: unescapeMount(fields[4]),
			root: unescapeMount(fields[3]),
			controllers: fstype === "cgroup" ? superOptions.split(",").filter((o) => known.includes(o)) : []
		});
	}
	return mounts;
}
/** The directory of our own cgroup in a hierarchy: mount point + our path below the mount's root. */
function ownCgroupDir(mount, ownPath) {
	let rel = ownPath;
	if (mount.root !== "/" && (rel === mount.root || rel.startsWith(`${mount.root}/`))) rel = rel.slice(mount.root.length);
	rel = rel.replace(/^\/+/, "").replace(/\/+$/, "");
	return rel ? `${mount.mountPoint}/${rel}` : mount.mountPoint;
}
/** A path segment safe as a cgroup directory name. */
function cgroupSegment(name) {
	return name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_") || "_";
}
// dist/isolate/sandbox/cgroup-probe.js
/** The controllers braid uses: limits (memory, cpu, pids), accounting (cpuacct), stopping (freezer). */
const V1_CONTROLLERS = [
	"memory",
	"cpu",
	"cpuacct",
	"pids",
	"freezer"
];
const V2_CONTROLLERS = [
	"memory",
	"cpu",
	"pids"
];
const read = (file) => {
	try {
		return readFileSync(file, "utf8");
	} catch {
		return "";
	}
};
const canWrite = (dir) => {
	try {
		accessSync(dir, constants.W_OK);
		return true;
	} catch {
		return false;
	}
};
const under = (dir, root) => dir === root || dir.startsWith(`${root}/`);
/**
* Which cgroup hierarchy braid can use: v2 where its controllers are delegated, v1 where writable,
* else none. With `root` (env BRAID_CGROUP_ROOT), only hierarchies mounted below it count.
*/
function probeCgroups(root = process.env.BRAID_CGROUP_ROOT || null) {
	const own = parseProcCgroup(read("/proc/self/cgroup"));
	const top = root ? path.resolve(root) : null;
	const mounts = parseCgroupMounts(read("/proc/self/mountinfo")).filter((m) => !top || under(m.mountPoint, top));
	if (mounts.length === 0) return none(`no cgroup filesystem is mounted ${top ? `below ${top}` : "(is /sys/fs/cgroup available?)"}`);
	const v2 = probeV2(mounts, own);
	if (v2.writable) return v2;
	const v1 = probeV1(mounts, own);
	if (v1.writable) return v1;
	return none([v2.reason, v1.reason].filter(Boolean).join("; "));
}
function none(reason) {
	return {
		version: "none",
		writable: false,
		controllers: [],
		bases: {},
		reason
	};
}
function probeV2(mounts, own) {
	const mount = mounts.find((m) => m.fstype === "cgroup2");
	const ownPath = own.get("");
	if (!mount || ownPath === void 0) return none("no cgroup v2 hierarchy");
	const dir = ownCgroupDir(mount, ownPath);
	const available = read(path.join(dir, "cgroup.controllers")).trim().split(/\s+/);
	const controllers = V2_CONTROLLERS.filter((c) => available.includes(c));
	if (controllers.length === 0) return none(`cgroup v2 at ${dir} offers none of ${V2_CONTROLLERS.join(", ")}`);
	if (!canWrite(dir) || !canWrite(path.join(dir, "cgroup.subtree_control"))) return {
		...none(`cgroup v2 at ${dir} is not delegated to this user (start braid under systemd-run --user --scope -p Delegate=yes)`),
		version: "v2",
		controllers
	};
	return {
		version: "v2",
		writable: true,
		controllers,
		bases: { unified: dir }
	};
}
function probeV1(mounts, own) {
	const bases = {};
	const seen = [];
	for (const c of V1_CONTROLLERS) {
		const mount = mounts.find((m) => m.fstype === "cgroup" && m.controllers.includes(c));
		const ownPath = own.get(c);
		if (!mount || ownPath === void 0) continue;
		seen.push(c);
		const dir = ownCgroupDir(mount, ownPath);
		if (existsSync(dir) && canWrite(dir)) bases[c] = dir;
	}
	const controllers = Object.keys(bases);
	if (seen.length === 0) return none("no cgroup v1 controllers mounted");
	if (controllers.length === 0) return {
		...none(`cgroup v1 controllers (${seen.join(", ")}) are not writable`),
		version: "v1"
	};
	const missing = seen.filter((c) => !controllers.includes(c));
	return {
		version: "v1",
		writable: true,
		controllers,
		bases,
		reason: missing.length ? `not writable: ${missing.join(", ")}` : void 0
	};
}
// dist/isolate/sandbox/capabilities.js
var capabilities_exports = /* @__PURE__ */ __exportAll({ detectCapabilities: () => detectCapabilities });
const firstLine = (s) => s.trim().split("\n")[0] ?? "";
/** What isolation this host offers; `braid doctor` prints it and `--sandbox`/limits check it. */
async function detectCapabilities() {
	const [bwrap, userns, socat] = await Promise.all([
		probeBwrap(),
		probeUserns(),
		probeSocat()
	]);
	const { bases: _bases, ...cgroup } = probeCgroups();
	return {
		bwrap,
		userns,
		socat,
		cgroup,
		networkAllowList: bwrap.ok && socat.ok ? { ok: true } : {
			ok: false,
			reason: [bwrap.reason, socat.reason].filter(Boolean).join("; ")
		}
	};
}
async function tryRun(command, args) {
	try {
		return await run(command, args, {
			cwd: "/",
			allowFailure: true,
			timeoutMs: 15e3
		});
	} catch (err) {
		return {
			code: null,
			stdout: "",
			stderr: err.message
		};
	}
}
async function probeBwrap() {
	const v = await tryRun("bwrap", ["--version"]);
	if (v.code !== 0) return {
		ok: false,
		reason: "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
	};
	const version = firstLine(v.stdout).replace(/^bubblewrap\s*/, "");
	const t = await tryRun("bwrap", [
		"--ro-bind",
		"/",
		"/",
		"--dev",
		"/dev",
		"--unshare-net",
		"--",
		"true"
	]);
	if (t.code === 0) return {
		ok: true,
		version
	};
	return {
		ok: false,
		version,
		reason: `bwrap cannot create a sandbox here: ${firstLine(t.stderr)} (enable unprivileged user namespaces, e.g. sysctl kernel.unprivileged_userns_clone=1, or an AppArmor profile for bwrap)`
	};
}
async function probeUserns() {
	if (readNumber("/proc/sys/user/max_user_namespaces") === 0) return {
		ok: false,
		reason: "user.max_user_namespaces is 0"
	};
	if (readNumber("/proc/sys/kernel/unprivileged_userns_clone") === 0) return {
		ok: false,
		reason: "kernel.unprivileged_userns_clone is 0"
	};
	if (readNumber("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") === 1) return {
		ok: false,
		reason: "AppArmor restricts unprivileged user namespaces (Ubuntu 24.04+)"
	};
	const probe = [
		"bwrap",
		"--unshare-user",
		"--ro-bind",
		"/",
		"/",
		"--",
		"true"
	];
	const asRoot = process.getuid?.() === 0;
	const t = asRoot ? await tryRun("runuser", [
		"-u",
		"nobody",
		"--",
		...probe
	]) : await tryRun(probe[0], probe.slice(1));
	if (t.code === 0) return {
		ok: true,
		version: asRoot ? "checked as user nobody" : void 0
	};
	return {
		ok: false,
		reason: `cannot create a user namespace: ${firstLine(t.stderr)}`
	};
}
async function probeSocat() {
	const v = await tryRun("socat", ["-V"]);
	if (v.code !== 0) return {
		ok: false,
		reason: "socat is not installed (apt-get install socat)"
	};
	return {
		ok: true,
		version: /socat version (\S+)/.exec(v.stdout)?.[1]
	};
}
function readNumber(file) {
	try {
		return Number(readFileSync(file, "utf8").trim());
	} catch {
		return null;
	}
}
export { cgroupSegment as i, detectCapabilities as n, probeCgroups as r, capabilities_exports as t };
