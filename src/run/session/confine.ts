import { homedir } from 'node:os';
import { BraidError } from '../../core/errors.js';
import type { Task } from '../../core/task.js';
import { type SandboxLaunch, sandboxArgv } from '../../isolate/sandbox/bwrap.js';
import { detectCapabilities } from '../../isolate/sandbox/capabilities.js';
import { probeCgroups } from '../../isolate/sandbox/cgroup-probe.js';
import {
  createTaskCgroup,
  openTaskCgroup,
  type TaskCgroup,
  type TaskCgroupRef,
} from '../../isolate/sandbox/cgroups.js';
import { execInCgroupArgv } from '../../isolate/sandbox/exec-in-cgroup.js';
import { limitsWish, type SandboxWish, sandboxWish } from '../../isolate/sandbox/policy-from-config.js';
import { braidDir } from '../../isolate/workspace/paths.js';
import type { Project } from '../../project/project.js';
import { appendEvent } from '../../store/events.js';
import { mergeTaskOptions } from '../../store/tasks.js';

export interface Launch {
  argv: string[];
  env: Record<string, string>;
  /** Where the session starts (its workdir); the sandbox starts there too. Default: the worktree. */
  cwd?: string;
}

export interface ConfinedLaunch extends Launch {
  /** The task's cgroup, recorded in the task's options as `cgroup`; null without limits. */
  cgroup: TaskCgroupRef | null;
  sandboxed: boolean;
  /** What could not be applied and was skipped (e.g. no cgroups here): worth telling the user. */
  notes: string[];
  /** Undoes what a launch that never started left behind: the proxy folder, the cgroup. */
  cleanup(): Promise<void>;
}

/**
 * Wraps a session's argv: bubblewrap per `--sandbox`/`--readonly`/`sandbox:`, then the task's
 * cgroup per `limits:` as the outermost layer, so the proxy, bwrap and the agent all count.
 */
export async function confineLaunch(project: Project, task: Task, launch: Launch): Promise<ConfinedLaunch> {
  const home = launch.env.HOME ?? process.env.HOME ?? homedir();
  const wish = sandboxWish(project.config, task.options, task.worktree, home);
  const notes: string[] = [];
  let argv = launch.argv;
  let env = launch.env;
  let sandbox: SandboxLaunch | null = null;
  if (wish) {
    await requireSandboxSupport(wish);
    sandbox = sandboxArgv(argv, {
      worktree: wish.readonly ? project.repo.root : task.worktree,
      gitCommonDir: project.repo.commonDir,
      branch: task.branch,
      // Status hooks write braid's own state; nothing else of the repository's admin folder.
      writable: [braidDir(project.repo.commonDir), ...wish.writable],
      network: wish.network,
      home,
      hide: wish.hide,
      read: wish.read,
      agent: task.agent,
      readonlyAll: wish.readonly,
      chdir: launch.cwd,
    });
    argv = sandbox.argv;
    env = { ...env, ...sandbox.env };
  }
  let group: TaskCgroup | null = null;
  try {
    group = await taskCgroupFor(project, task, notes);
  } catch (err) {
    sandbox?.cleanup?.();
    throw err;
  }
  const stale = refOf(task);
  // limits were dropped since the last start: do not leave the old cgroup behind.
  if (!group && stale)
    await openTaskCgroup({ ref: stale })
      .remove()
      .catch(() => {});
  if (group) argv = execInCgroupArgv(group.procsFiles, argv);
  if (group || task.options.cgroup)
    mergeTaskOptions(project.store, task.name, { cgroup: group?.ref ?? null });
  for (const note of notes) appendEvent(project.store, task.name, 'session.confine-note', { note });
  return {
    argv,
    env,
    cgroup: group?.ref ?? null,
    sandboxed: !!wish,
    notes,
    async cleanup() {
      sandbox?.cleanup?.();
      await group?.remove();
    },
  };
}

/**
 * Fails before provisioning when the task would be sandboxed on a host that cannot sandbox, or
 * needs limits (`limits.required`) where no cgroup is usable; returns notes on what will be skipped.
 */
export async function checkConfinable(project: Project, options: Task['options']): Promise<string[]> {
  const wish = sandboxWish(project.config, options, project.repo.root);
  if (wish) await requireSandboxSupport(wish);
  const limits = limitsWish(project.config);
  if (!limits) return [];
  const support = probeCgroups();
  if (support.writable) return [];
  if (limits.required) throw noCgroups(support.reason);
  return [`limits not applied: no writable cgroup hierarchy (${support.reason ?? 'none found'})`];
}

const noCgroups = (reason: string | undefined) =>
  new BraidError(
    'E_LIMITS',
    `limits.required is set, but this host has no writable cgroup hierarchy: ${reason ?? 'none found'}`,
    'Run braid where cgroups are delegated (cgroup v2: systemd-run --user --scope -p Delegate=yes; v1: a writable hierarchy), or set limits.required: false to run without limits; braid doctor shows what is available.',
  );

async function requireSandboxSupport(wish: SandboxWish): Promise<void> {
  const caps = await detectCapabilities();
  if (!caps.bwrap.ok) {
    const why = [caps.bwrap.reason, caps.userns.ok ? '' : caps.userns.reason].filter(Boolean).join('; ');
    throw new BraidError(
      'E_SANDBOX',
      `this host cannot run a sandbox: ${why}`,
      'Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow unprivileged user namespaces; braid doctor shows what is available. Or run without --sandbox.',
    );
  }
  if (typeof wish.network === 'object' && !caps.socat.ok) {
    throw new BraidError(
      'E_SANDBOX',
      `a network allow-list needs socat: ${caps.socat.reason}`,
      'Install socat (apt-get install socat), or set sandbox.network to none or all in braid.yaml.',
    );
  }
}

/** Creates the task's cgroup when `limits:` asks; without cgroups: a note, or E_LIMITS when required. */
async function taskCgroupFor(project: Project, task: Task, notes: string[]): Promise<TaskCgroup | null> {
  const wish = limitsWish(project.config);
  if (!wish) return null;
  const support = probeCgroups();
  if (!support.writable) {
    if (wish.required) throw noCgroups(support.reason);
    notes.push(`limits not applied: no writable cgroup hierarchy (${support.reason ?? 'none found'})`);
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

const refOf = (task: Task) => (task.options.cgroup as TaskCgroupRef | null | undefined) ?? null;

/** Kills everything left in the task's cgroup: daemons started with setsid too. */
export async function killTaskCgroup(task: Task): Promise<void> {
  const ref = refOf(task);
  if (ref) await openTaskCgroup({ ref }).killAll();
}

/** Kills what is left and deletes the task's cgroup (on braid rm). */
export async function removeTaskCgroup(task: Task): Promise<void> {
  const ref = refOf(task);
  if (ref) await openTaskCgroup({ ref }).remove();
}

/** Memory and CPU (percent of one core over `windowMs`) from the task's cgroup; null without one. */
export async function taskCgroupUsage(
  task: Task,
  windowMs = 100,
): Promise<{ memoryBytes: number | null; cpuPercent: number | null } | null> {
  const ref = refOf(task);
  if (!ref) return null;
  const group = openTaskCgroup({ ref });
  const before = group.stats();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, windowMs));
  const after = group.stats();
  const elapsedNs = Number(process.hrtime.bigint() - t0);
  const cpuPercent =
    before.cpuUsageNs === null || after.cpuUsageNs === null
      ? null
      : Math.round(((after.cpuUsageNs - before.cpuUsageNs) / elapsedNs) * 1000) / 10;
  return { memoryBytes: after.memoryBytes, cpuPercent };
}
