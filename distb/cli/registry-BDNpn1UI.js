import { t as BraidError } from "./errors-wmBuLZod.js";
import { v as claudePolicy, y as describeClaudePolicy } from "./config-file-CkoDHq_W.js";
import { n as worktreeCommonDir, r as claudeConfigDir, t as gitWritablePaths } from "./git-paths-CQVZgD_Z.js";
import path from "node:path";
import { accessSync, constants, readFileSync, statSync } from "node:fs";
// dist/run/agents/aider.js
const message = (prompt) => prompt ? [`--message=${prompt}`] : [];
/** Nobody answers aider's questions in a headless run: yes to all; interactive sessions ask the user. */
function policy({ headless }) {
	return headless ? {
		args: ["--yes-always"],
		env: {},
		summary: "--yes-always (headless: every question answered yes)"
	} : {
		args: [],
		env: {},
		summary: "the user's own aider settings"
	};
}
/** aider: works on one message; headless runs answer every question with yes. */
const aiderAgent = {
	name: "aider",
	binary: "aider",
	installHint: "Install aider: pipx install aider-chat",
	statusMode: "screen",
	interactive: (ctx) => ["aider", ...message(ctx.prompt)],
	headless: (ctx) => [
		"aider",
		...policy({ headless: true }).args,
		"--no-pretty",
		...message(ctx.prompt)
	],
	policy,
	gracefulStop: {
		keys: ["C-c", "C-d"],
		signal: "SIGTERM"
	}
};
// dist/run/agents/claude-status-file.js
const STATES = /* @__PURE__ */ new Set([
	"idle",
	"busy",
	"waiting",
	"shell"
]);
/**
* Reads Claude Code's status file for the process `pid`, or null when there is none or it is unreadable.
* Internal and undocumented, but it covers interrupts (Esc), which fire no hook.
*/
function readClaudeStatusFile(pid, env = process.env) {
	const file = path.join(claudeConfigDir(env), "sessions", `${pid}.json`);
	try {
		const writtenAt = statSync(file).mtimeMs;
		const data = JSON.parse(readFileSync(file, "utf8"));
		if (typeof data.status !== "string" || !STATES.has(data.status)) return null;
		const waitingFor = typeof data.waitingFor === "string" ? data.waitingFor : null;
		return {
			state: data.status,
			waitingFor,
			writtenAt
		};
	} catch {
		return null;
	}
}
// dist/run/agents/types.js
/** A prompt that starts with '-' would be read as an option: end the options first. */
function promptArgs(prompt) {
	if (!prompt) return [];
	return prompt.startsWith("-") ? ["--", prompt] : [prompt];
}
// dist/run/agents/claude.js
function settingsArgs(ctx) {
	return ctx.settingsPath ? ["--settings", ctx.settingsPath] : [];
}
/** Claude Code's flags for braid's permission policy (also for custom commands that take them). */
function claudeAgentPolicy(inputs) {
	const p = claudePolicy(inputs);
	return {
		args: [...p.mode ? ["--permission-mode", p.mode] : [], ...p.allowedTools.length ? ["--allowedTools", ...p.allowedTools] : []],
		env: p.env,
		summary: describeClaudePolicy(p)
	};
}
/** Permission flags, then the prompt after `--`: --allowedTools takes every value up to the next option. */
function policyAndPrompt(ctx, headless) {
	const args = ctx.permissions ? claudeAgentPolicy({
		...ctx.permissions,
		headless
	}).args : [];
	if (!ctx.prompt) return args;
	return args.length ? [
		...args,
		"--",
		ctx.prompt
	] : promptArgs(ctx.prompt);
}
/** `claude -p` with stream-json (which requires --verbose): its result event carries cost and usage. */
function headlessArgv(ctx, session) {
	const budget = ctx.maxBudgetUsd !== void 0 ? ["--max-budget-usd", String(ctx.maxBudgetUsd)] : [];
	return [
		"claude",
		"-p",
		"--output-format",
		"stream-json",
		"--verbose",
		...settingsArgs(ctx),
		...budget,
		...session,
		...policyAndPrompt(ctx, true)
	];
}
/** Claude Code: status from hooks (braid's settings file is merged with the user's own). */
const claudeAgent = {
	name: "claude",
	binary: "claude",
	installHint: "Install Claude Code: npm install -g @anthropic-ai/claude-code",
	statusMode: "hooks",
	interactive(ctx) {
		const session = ctx.sessionId ? ["--session-id", ctx.sessionId] : [];
		return [
			"claude",
			...settingsArgs(ctx),
			...session,
			...policyAndPrompt(ctx, false)
		];
	},
	headless(ctx) {
		return headlessArgv(ctx, ctx.sessionId ? ["--session-id", ctx.sessionId] : []);
	},
	statusFile: readClaudeStatusFile,
	resume(ctx, sessionId) {
		return [
			"claude",
			...settingsArgs(ctx),
			"--resume",
			sessionId,
			...policyAndPrompt(ctx, false)
		];
	},
	headlessResume(ctx, sessionId) {
		return headlessArgv(ctx, ["--resume", sessionId]);
	},
	policy: claudeAgentPolicy,
	gracefulStop: {
		keys: [
			"Escape",
			"C-c",
			"C-c"
		],
		signal: "SIGTERM"
	}
};
// dist/run/agents/codex.js
/**
* What `git commit` writes outside a linked worktree (the common git dir's objects, refs, logs and
* the worktree's admin folder), as `--add-dir`: Codex's workspace-write sandbox mounts the
* worktree's git folder read-only, so without these a task could edit but never commit.
*/
function gitDirArgs(worktree) {
	const common = worktreeCommonDir(worktree);
	return common ? gitWritablePaths(worktree, common).flatMap((dir) => ["--add-dir", dir]) : [];
}
function headlessPermissions(settings, ctx) {
	const mode = settings.headless_sandbox_mode ?? settings.sandbox_mode ?? "workspace-write";
	return [
		"--sandbox",
		mode,
		...mode === "workspace-write" ? gitDirArgs(ctx.worktree) : []
	];
}
function interactivePermissions(settings, ctx) {
	const mode = settings.sandbox_mode;
	return [
		...mode ? ["--sandbox", mode] : [],
		...settings.approval_policy ? ["--ask-for-approval", settings.approval_policy] : [],
		...mode === "workspace-write" ? gitDirArgs(ctx.worktree) : []
	];
}
/** OpenAI Codex CLI: no hooks braid can use, so status comes from the screen. */
function codexAgentWith(settings) {
	return {
		name: "codex",
		binary: "codex",
		installHint: "Install Codex: npm install -g @openai/codex",
		statusMode: "screen",
		interactive: (ctx) => [
			"codex",
			...interactivePermissions(settings, ctx),
			...promptArgs(ctx.prompt)
		],
		headless: (ctx) => [
			"codex",
			"exec",
			"--json",
			...headlessPermissions(settings, ctx),
			...promptArgs(ctx.prompt)
		],
		resume: (ctx, sessionId) => [
			"codex",
			"resume",
			...interactivePermissions(settings, ctx),
			sessionId,
			...promptArgs(ctx.prompt)
		],
		headlessResume: (ctx, sessionId) => [
			"codex",
			"exec",
			"--json",
			...headlessPermissions(settings, ctx),
			"resume",
			sessionId,
			...promptArgs(ctx.prompt)
		],
		policy: ({ headless }) => {
			const mode = headless ? settings.headless_sandbox_mode ?? settings.sandbox_mode ?? "workspace-write" : settings.sandbox_mode;
			const gitDirs = mode === "workspace-write" ? " + the task's git folders (--add-dir)" : "";
			const approval = !headless && settings.approval_policy ? ` --ask-for-approval ${settings.approval_policy}` : "";
			return {
				args: [],
				env: {},
				summary: mode ? `--sandbox ${mode}${gitDirs}${approval}${headless ? " (exec never asks)" : ""}` : "the user's own Codex settings"
			};
		},
		gracefulStop: {
			keys: ["C-c", "C-c"],
			signal: "SIGTERM"
		}
	};
}
const codexAgent = codexAgentWith({});
// dist/run/agents/custom.js
const SHELLS = /* @__PURE__ */ new Set([
	"sh",
	"bash",
	"dash",
	"zsh",
	"ksh",
	"fish"
]);
/** The element a template holds where Claude Code's permission flags from braid's policy go. */
const PERMISSIONS = "{permissions}";
/**
* An agent from braid.yaml `agents.<name>`: argv templates where `{prompt}`, `{worktree}`, `{settings}`
* and `{session_id}` are filled in inside their own element, so the prompt stays one argument; an
* element `{permissions}` becomes Claude Code's permission flags (`--permission-mode`, `--allowedTools`).
*/
function customAgent(name, cfg, base) {
	const command = cfg.command;
	if (!command?.length) throw new BraidError("E_CONFIG", `agents.${name} in braid.yaml has no command`, `Give the command as an array, e.g. agents: { ${name}: { command: ["my-agent", "{prompt}"] } }.`);
	const headlessCommand = cfg.headless_command ?? command;
	for (const template of [
		command,
		headlessCommand,
		cfg.resume_command,
		cfg.headless_resume_command
	]) if (template) refuseShellSplice(name, template);
	const withSession = (template, headless) => template ? (ctx, sessionId) => fillTemplate(template, {
		...ctx,
		sessionId
	}, headless) : void 0;
	const takesPermissions = [
		command,
		headlessCommand,
		cfg.resume_command,
		cfg.headless_resume_command
	].some((t) => t?.includes(PERMISSIONS));
	return {
		name,
		binary: command[0],
		installHint: base?.binary === command[0] ? base.installHint : `Install ${command[0]}, or fix agents.${name}.command in braid.yaml.`,
		statusMode: cfg.status ?? base?.statusMode ?? "screen",
		screenIdleMs: screenIdleMs(cfg) ?? base?.screenIdleMs,
		interactive: (ctx) => fillTemplate(command, ctx, false),
		headless: (ctx) => fillTemplate(headlessCommand, ctx, true),
		resume: withSession(cfg.resume_command, false),
		headlessResume: withSession(cfg.headless_resume_command, true),
		policy: takesPermissions ? claudeAgentPolicy : void 0,
		gracefulStop: base?.gracefulStop ?? {
			keys: ["C-c"],
			signal: "SIGTERM"
		}
	};
}
function screenIdleMs(cfg) {
	return cfg.screen_idle_seconds === void 0 ? void 0 : cfg.screen_idle_seconds * 1e3;
}
/** Replaces placeholders element by element; never joins elements into a string. */
function fillTemplate(template, ctx, headless = false) {
	const flags = ctx.permissions ? claudeAgentPolicy({
		...ctx.permissions,
		headless
	}).args : [];
	const values = {
		"{prompt}": ctx.prompt,
		"{worktree}": ctx.worktree,
		"{settings}": ctx.settingsPath ?? "",
		"{session_id}": ctx.sessionId ?? ""
	};
	return template.flatMap((arg) => arg === PERMISSIONS ? flags : [Object.entries(values).reduce((acc, [key, value]) => acc.split(key).join(value), arg)]);
}
function refuseShellSplice(name, template) {
	if (!SHELLS.has(path.basename(template[0]))) return;
	if (template.slice(1).some((arg) => arg !== "{prompt}" && arg.includes("{prompt}"))) throw new BraidError("E_CONFIG", `agents.${name}.command puts {prompt} inside a shell script, where the prompt would run as code`, `Pass it as its own argument and read it as "$1": ["sh", "-c", "my-agent \\"$1\\"", "sh", "{prompt}"].`);
}
// dist/run/agents/registry.js
const BUILTIN_AGENTS = {
	claude: claudeAgent,
	codex: codexAgent,
	aider: aiderAgent,
	shell: {
		name: "shell",
		binary: "sh",
		installHint: "Install a POSIX shell (sh) and put it on PATH.",
		statusMode: "process",
		interactive: (ctx) => ctx.prompt ? [
			"sh",
			"-c",
			ctx.prompt
		] : ["sh", "-i"],
		headless: (ctx) => [
			"sh",
			"-c",
			ctx.prompt || "true"
		],
		policy: () => ({
			args: [],
			env: {},
			summary: "the prompt runs as a shell command: nothing to grant"
		}),
		gracefulStop: {
			keys: ["C-c"],
			signal: "SIGTERM"
		}
	}
};
/** The adapter for `name`: braid.yaml `agents.<name>` first (a command there overrides a built-in). */
function getAgent(name, config) {
	const builtin = Object.hasOwn(BUILTIN_AGENTS, name) ? BUILTIN_AGENTS[name] : void 0;
	const entry = Object.hasOwn(config.agents, name) ? config.agents[name] : void 0;
	if (entry?.command || entry && !builtin) return customAgent(name, entry, builtin);
	if (builtin && entry) {
		const configured = name === "codex" ? codexAgentWith(entry) : builtin;
		const idle = screenIdleMs(entry) ?? configured.screenIdleMs;
		return {
			...configured,
			statusMode: entry.status ?? configured.statusMode,
			screenIdleMs: idle
		};
	}
	if (builtin) return builtin;
	const known = [.../* @__PURE__ */ new Set([...Object.keys(BUILTIN_AGENTS), ...Object.keys(config.agents)])].sort();
	throw new BraidError("E_CONFIG", `unknown agent '${name}'`, `Use one of ${known.join(", ")}, or define it in braid.yaml: agents: { ${name}: { command: ["${name}", "{prompt}"] } }.`);
}
/** Throws E_AGENT_MISSING with the install hint when the agent's binary cannot be run. */
async function checkInstalled(adapter, env = process.env) {
	if (findExecutable(adapter.binary, env)) return;
	throw new BraidError("E_AGENT_MISSING", `${adapter.binary} (agent '${adapter.name}') is not installed or not on PATH`, adapter.installHint);
}
/** The absolute path `binary` resolves to on env.PATH (or itself when it holds a '/'), or null. */
function findExecutable(binary, env = process.env) {
	if (binary.includes("/")) return isExecutableFile(binary) ? binary : null;
	for (const dir of (env.PATH ?? "").split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, binary);
		if (isExecutableFile(candidate)) return candidate;
	}
	return null;
}
function isExecutableFile(file) {
	try {
		accessSync(file, constants.X_OK);
		return statSync(file).isFile();
	} catch {
		return false;
	}
}
export { checkInstalled as n, getAgent as r, BUILTIN_AGENTS as t };
