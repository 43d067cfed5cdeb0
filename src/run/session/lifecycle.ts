import { rmSync } from 'node:fs';
import path from 'node:path';
import { backendOfOptions } from '../../core/backend.js';
import type { BraidConfig } from '../../core/config.js';
import { BraidError } from '../../core/errors.js';
import { LIVE_STATUSES, type Task } from '../../core/task.js';
import { builtModule } from '../../exec/built.js';
import { sandboxWish } from '../../isolate/sandbox/policy-from-config.js';
import { migrationEnv, taskEnvironment } from '../../isolate/workspace/env.js';
import { repairBeforeStart } from '../../isolate/workspace/finish-provision.js';
import { braidDir } from '../../isolate/workspace/paths.js';
import type { Project } from '../../project/project.js';
import { appendEvent } from '../../store/events.js';
import { taskPorts } from '../../store/ports.js';
import { getTask, mergeTaskOptions, updateTask } from '../../store/tasks.js';
import { writeClaudeSettings } from '../agents/claude-settings.js';
import { checkInstalled, getAgent } from '../agents/registry.js';
import type { AgentAdapter, LaunchContext } from '../agents/types.js';
import { backendFor, backendOf } from '../runtime/backend.js';
import { confineLaunch, killTaskCgroup, removeTaskCgroup } from './confine.js';
import { containerBraidCommand, containerLaunch, containerSessionEnv } from './container-launch.js';
import { kubeLaunch, kubeSessionEnv, podAgentSettings } from './kube-launch.js';
import { handleOf, sessionPaths } from './reach.js';
import { refreshTaskStatus } from './refresh.js';
import { checkedSessionCwd } from './workdir.js';

/** The argv that runs this very braid, for hooks and detached helpers (braid need not be on PATH). */
export function braidCommand(): string[] {
  const main = builtModule('cli/main.js');
  return [process.execPath, main];
}

export interface StartOptions {
  headless?: boolean;
  /** Resume the agent's earlier session (Claude Code: --resume with the recorded id). */
  resume?: boolean;
  /** A follow-up message instead of the task's prompt (a conflict hand-back, a note). */
  prompt?: string;
  /** Told only when the agent's conversation is resumed; a fresh start gets the task's prompt. */
  resumeFollowUp?: string;
  env?: NodeJS.ProcessEnv;
  /** Told what a repair before the start did (a provision finished, a removal completed). */
  onProgress?: (message: string) => void;
}

/** Starts (or resumes) the task's agent in tmux or headless, with the task's environment and hooks. */
export async function startSession(
  project: Project,
  name: string,
  options: StartOptions = {},
): Promise<Task> {
  const { store, repo, config } = project;
  // A provision or removal a killed braid left half-done is finished first (journal), then the start.
  const repaired = await repairBeforeStart(project, name, options.onProgress);
  if (repaired) options.onProgress?.(repaired);
  const task = getTask(store, name);
  if (!task) throw new BraidError('E_NO_TASK', `no task named '${name}'`, 'See the tasks with braid ls.');
  if (task.status === 'provisioning' || (task.status === 'failed' && task.options.deps === undefined)) {
    throw new BraidError(
      'E_SESSION',
      `task '${name}' is not provisioned`,
      `Remove it (braid rm ${name}) and create it again.`,
    );
  }
  const handle = handleOf(task);
  const runtimeKind = options.headless === undefined ? task.runtime : options.headless ? 'headless' : 'tmux';
  if (handle && LIVE_STATUSES.includes(task.status)) {
    const state = await backendOf(handle).status(handle, sessionPaths(project, name).exitPath);
    if (state.alive)
      throw new BraidError(
        'E_SESSION',
        `task '${name}' already has a running session`,
        `Attach with braid attach ${name}.`,
      );
  }
  const backendKind = backendOfOptions(task.options);
  const inContainer = backendKind === 'container';
  const inPod = backendKind === 'kubernetes';
  const agent = getAgent(task.agent, config);
  // Inside a container or a pod the agent is the image's: PATH here says nothing about it.
  if (!inContainer && !inPod) await checkInstalled(agent, options.env ?? process.env);
  // A pod's hooks post to braid's endpoint; their settings file is written inside the pod.
  const podSettings = inPod && agent.statusMode === 'hooks' ? podAgentSettings(name) : null;
  const settingsPath = podSettings
    ? podSettings.path
    : agent.statusMode === 'hooks'
      ? await writeClaudeSettings({
          dir: path.join(braidDir(repo.commonDir), 'agents', name),
          task: name,
          braidCommand: inContainer ? containerBraidCommand(braidCommand()[1]) : braidCommand(),
        })
      : null;
  const permissions = permissionInputs(config, task);
  const argv = launchArgv(
    agent,
    task,
    runtimeKind,
    settingsPath,
    options,
    config.budget?.task_usd,
    permissions,
  );
  const policy = agent.policy?.({ ...permissions, headless: runtimeKind === 'headless' });
  const dbEnv = (task.options.databaseEnv as Record<string, string> | undefined) ?? {};
  const taskEnv = taskEnvironment(repo, task, taskPorts(store, name), {
    ...migrationEnv(config),
    ...dbEnv,
    ...policy?.env,
  });
  const env = inContainer
    ? containerSessionEnv(project, taskEnv, options.env)
    : inPod
      ? kubeSessionEnv(project, taskEnv, options.env)
      : taskEnv;
  const paths = sessionPaths(project, name);
  const backend = backendFor(backendKind);
  if (handle)
    await backendOf(handle)
      .remove(handle)
      .catch(() => {});
  // The last run's outcome must not be read as this run's.
  rmSync(paths.exitPath, { force: true });
  const cwd = checkedSessionCwd(task, config);
  // A container or a pod is its own confinement (namespaces, limits): bubblewrap and cgroups are for local sessions.
  const confined =
    inContainer || inPod
      ? { argv, env, cleanup: async () => {} }
      : await confineLaunch(project, task, { argv, env, cwd });
  const started = await backend
    .start({
      task: name,
      repoName: repo.name,
      cwd,
      argv: confined.argv,
      env: confined.env,
      ...paths,
      layout: config.layout,
      mode: runtimeKind,
      container: inContainer ? containerLaunch(project, task) : undefined,
      kube: inPod
        ? kubeLaunch(project, task, { cwd, env, settings: podSettings?.settings ?? null })
        : undefined,
    })
    .catch(async (err) => {
      await confined.cleanup().catch(() => {});
      throw err;
    });
  updateTask(store, name, {
    runtime: runtimeKind,
    status: 'starting',
    statusSource: 'process',
    statusDetail: null,
    exitCode: null,
    pid: started.pid,
    logPath: paths.logPath,
  });
  // Claude Code files transcripts under the folder it started in: usage looks there.
  // A new session is no longer the one someone asked to stop.
  mergeTaskOptions(store, name, {
    session: started,
    sessionCwd: cwd === task.worktree ? null : cwd,
    stopRequested: undefined,
  });
  appendEvent(store, name, 'session.started', {
    runtime: runtimeKind,
    backend: backendKind,
    argv0: argv[0],
    resume: !!options.resume,
    permissions: policy?.summary ?? null,
  });
  return getTask(store, name) as Task;
}

/** What decides the agent's permissions for this task: braid.yaml's agent entry, the sandbox, the gate. */
function permissionInputs(config: BraidConfig, task: Task): NonNullable<LaunchContext['permissions']> {
  const entry = Object.hasOwn(config.agents, task.agent) ? config.agents[task.agent] : undefined;
  return {
    sandboxed: !!sandboxWish(config, task.options, task.worktree),
    asRoot: process.getuid?.() === 0,
    settings: { permission_mode: entry?.permission_mode, allowed_tools: entry?.allowed_tools },
    gate: config.gate,
    setup: config.setup,
  };
}

function launchArgv(
  agent: AgentAdapter,
  task: Task,
  runtime: 'tmux' | 'headless',
  settingsPath: string | null,
  options: StartOptions,
  maxBudgetUsd: number | undefined,
  permissions: LaunchContext['permissions'],
): string[] {
  const ctx: LaunchContext = {
    prompt: options.prompt ?? task.prompt ?? '',
    worktree: task.worktree,
    settingsPath,
    // Only a resume reuses the agent's recorded id: a fresh start with it would clash with the old session.
    sessionId: options.resume ? task.agentSessionId : null,
    maxBudgetUsd,
    permissions,
  };
  const id = options.resume ? task.agentSessionId : null;
  // A resumed session already holds the task's prompt: only a follow-up message is passed.
  const resumed = { ...ctx, prompt: options.prompt ?? options.resumeFollowUp ?? '' };
  if (id && runtime === 'tmux' && agent.resume) return agent.resume(resumed, id);
  if (id && runtime === 'headless' && agent.headlessResume) return agent.headlessResume(resumed, id);
  return runtime === 'headless' ? agent.headless(ctx) : agent.interactive(ctx);
}

/** Stops the agent gracefully (its own keys), then SIGTERM, then SIGKILL; the worktree stays. */
export async function stopSession(project: Project, task: Task): Promise<void> {
  const handle = handleOf(task);
  if (!handle) return;
  // Asked to stop, it stays stopped: braid up does not take it for a session lost in a reboot.
  mergeTaskOptions(project.store, task.name, { stopRequested: Date.now() });
  const backend = backendOf(handle);
  let graceKeys: string[] | undefined;
  try {
    graceKeys = getAgent(task.agent, project.config).gracefulStop?.keys;
  } catch {
    graceKeys = undefined;
  }
  await backend.stop(handle, { graceKeys, graceMs: 3000, termMs: 3000 });
  await killTaskCgroup(getTask(project.store, task.name) ?? task);
  await refreshSession(project, task.name);
}

/** Reads the session's liveness, exit code and (agents without hooks) screen into the task's status. */
export async function refreshSession(project: Project, name: string): Promise<Task | null> {
  return refreshTaskStatus(project, name);
}

/** Before a task's worktree goes: its session is stopped and its tmux window closed. */
export async function stopSessionForRemoval(project: Project, task: Task): Promise<void> {
  const handle = handleOf(task);
  if (!handle) return;
  await stopSession(project, task);
  await backendOf(handle).remove(handle);
  await removeTaskCgroup(getTask(project.store, task.name) ?? task);
}
