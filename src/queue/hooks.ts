import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Task } from '../core/task.js';
import type { Project } from '../project/project.js';
import { getRuntime } from '../runtime/index.js';
import { sleep } from '../runtime/process-group.js';
import {
  handleOf,
  refreshSession,
  sessionPaths,
  startSession,
  stopSessionForRemoval,
} from '../session/lifecycle.js';
import { appendEvent, listEvents } from '../store/tasks.js';
import { cloneNodeModules, decideDeps } from '../workspace/deps.js';
import { taskEnvironment } from '../workspace/env.js';
import { GATE_LESSEE, leasePorts } from '../workspace/ports.js';
import { removeTask } from '../workspace/remove.js';
import { runSetup } from '../workspace/setup.js';
import type { LandContext } from './context.js';

/** How often one task's conflicts go back to its agent before braid stops asking and reports them. */
export const MAX_HAND_BACKS = 2;

/** How long a hand-back waits for a live headless run to end before the task is left in conflict. */
export const HEADLESS_HANDBACK_WAIT_MS = 10 * 60_000;

export type LandHooks = Pick<LandContext, 'removeTask' | 'handBack' | 'leaseEnv' | 'prepareGate'>;

/** The queue's callbacks as `braid land`, `braid run` and the supervisor use them. */
export function defaultLandHooks(project: Project, say: (line: string) => void = () => {}): LandHooks {
  return {
    removeTask: async (name) => {
      await removeTask(project, name, { stopSession: (t) => stopSessionForRemoval(project, t) });
      say(`${name}: worktree removed after landing (land.cleanup)`);
    },
    handBack: (task, message) => handBackToAgent(project, task, message, say),
    leaseEnv: async (name) => {
      // The gate gets ports of its own: the task's dev server may still hold the task's.
      const ports = await leasePorts(project.store, GATE_LESSEE, project.config.ports);
      return taskEnvironment(project.repo, { name }, ports);
    },
    prepareGate: (dir) => prepareGateDependencies(project, dir, say),
  };
}

/**
 * Gives a conflict to the task's agent: typed into its live tmux session, or as a new run that
 * resumes the agent's session (headless or ended). False when it cannot be delivered or was tried enough.
 */
export async function handBackToAgent(
  project: Project,
  task: Task,
  message: string,
  say: (line: string) => void = () => {},
  headlessWaitMs = HEADLESS_HANDBACK_WAIT_MS,
): Promise<boolean> {
  const tries = listEvents(project.store.db, { task: task.name }).filter(
    (e) => e.kind === 'land.handed-back',
  ).length;
  if (tries >= MAX_HAND_BACKS) return false;
  try {
    const current = (await refreshSession(project, task.name)) ?? task;
    const handle = handleOf(current);
    // A task nobody ran an agent for (work committed by hand) is the user's to resolve.
    if (!handle) return false;
    // Asked of the runtime: while landing, the task's status says `landing`, not whether its agent runs.
    const exitPath = sessionPaths(project, task.name).exitPath;
    const alive = async () => (await getRuntime(handle.runtime).state(handle, exitPath)).alive;
    if (handle.runtime === 'tmux' && (await alive())) {
      // One line: a newline typed into an agent's prompt would send the message half-written.
      await getRuntime('tmux').send(handle, message.replace(/\s*\n\s*/g, ' '));
      appendEvent(project.store.db, task.name, 'land.typed-into-session', {});
      say(`${task.name}: conflict handed back to its session`);
      return true;
    }
    if (await alive()) {
      // A headless run cannot take input: wait for it to end, then resume it with the conflict.
      say(`${task.name}: waiting for its headless run to end to hand the conflict back`);
      appendEvent(project.store.db, task.name, 'land.handback-waiting', { runtime: handle.runtime });
      const deadline = Date.now() + headlessWaitMs;
      while (await alive()) {
        if (Date.now() >= deadline) return false;
        await sleep(250); // a liveness check reads /proc and the exit record: no need to spin
      }
    }
    await startSession(project, task.name, { resume: true, prompt: message });
    appendEvent(project.store.db, task.name, 'land.resolver-started', { resume: !!current.agentSessionId });
    say(`${task.name}: conflict handed back; the agent resumes to resolve it`);
    return true;
  } catch (err) {
    say(`${task.name}: could not hand the conflict back: ${(err as Error).message}`);
    return false;
  }
}

/** Dependencies of the pooled gate worktree, redone only when its lockfile changes. */
async function prepareGateDependencies(project: Project, dir: string, say: (line: string) => void) {
  const { config, repo } = project;
  const decision = decideDeps(config, repo.root, dir);
  if (decision.action === 'none') return;
  const marker = path.join(dir, 'node_modules', '.braid-deps');
  const key = `${decision.action}:${lockfileHash(dir)}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === key) return;
  rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  if (decision.action === 'clone') {
    say(`gate: cloning node_modules (${decision.reason})`);
    await cloneNodeModules(repo.root, dir);
  } else if (config.setup.length) {
    say(`gate: running setup (${decision.reason})`);
    await runSetup({
      commands: config.setup,
      cwd: dir,
      env: taskEnvironment(repo, { name: GATE_LESSEE }, {}),
      logPath: path.join(repo.commonDir, 'braid', 'logs', 'gate-setup.log'),
      timeoutSeconds: config.setup_timeout,
    });
  } else return;
  if (existsSync(path.dirname(marker))) writeFileSync(marker, key);
}

function lockfileHash(dir: string): string {
  const hash = createHash('sha256');
  for (const name of ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'package.json']) {
    const file = path.join(dir, name);
    if (existsSync(file)) hash.update(name).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}
