import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { QueueEntry } from '../core/queue-plan.js';
import type { Task } from '../core/task.js';
import { cloneNodeModules, decideDeps } from '../isolate/workspace/deps.js';
import { taskEnvironment } from '../isolate/workspace/env.js';
import { GATE_LESSEE, gateLessee, leasePorts } from '../isolate/workspace/ports.js';
import { removeTask } from '../isolate/workspace/remove.js';
import { runSetup } from '../isolate/workspace/setup.js';
import type { Project } from '../project/project.js';
import { refreshSession, startSession, stopSessionForRemoval } from '../run/session/lifecycle.js';
import { handleOf, sessionAlive, typeIntoSession } from '../run/session/reach.js';
import type { Store } from '../store/db.js';
import { appendEvent, listEvents } from '../store/events.js';
import { updateEntry } from '../store/queue.js';
import { updateTask } from '../store/tasks.js';
import type { LandContext } from './context.js';

/** How often one task's conflicts go back to its agent before braid stops asking and reports them. */
const MAX_HAND_BACKS = 2;

export type LandHooks = Pick<
  LandContext,
  'removeTask' | 'handBack' | 'resumeWaiting' | 'leaseEnv' | 'prepareGate'
>;

/** The queue's callbacks as `braid land`, `braid run` and the supervisor use them. */
export function defaultLandHooks(project: Project, say: (line: string) => void = () => {}): LandHooks {
  return {
    removeTask: async (name) => {
      await removeTask(project, name, { stopSession: (t) => stopSessionForRemoval(project, t) });
      say(`${name}: worktree removed after landing (land.cleanup)`);
    },
    handBack: (task, message) => handBackToAgent(project, task, message, say),
    resumeWaiting: (entries) => resumeWaitingHandBacks(project, entries, say),
    leaseEnv: async (name, slot = 0) => {
      // Each gate slot gets ports of its own: the task's dev server may still hold the task's.
      const ports = await leasePorts(project.store, gateLessee(slot), project.config.ports);
      return taskEnvironment(project.repo, { name }, ports);
    },
    prepareGate: (dir) => prepareGateDependencies(project, dir, say),
  };
}

/**
 * Gives a conflict to the task's agent: typed into its live tmux session, or as a new run that
 * resumes the agent's session once it has ended (a live headless run cannot take input: the
 * hand-back waits for it without holding the queue, see resumeWaitingHandBacks). False when it
 * cannot be delivered or was tried enough.
 */
async function handBackToAgent(
  project: Project,
  task: Task,
  message: string,
  say: (line: string) => void = () => {},
): Promise<boolean> {
  const tries = listEvents(project.store, { task: task.name, kinds: ['land.handed-back'] }).length;
  if (tries >= MAX_HAND_BACKS) return false;
  try {
    const current = (await refreshSession(project, task.name)) ?? task;
    const handle = handleOf(current);
    // A task nobody ran an agent for (work committed by hand) is the user's to resolve.
    if (!handle) return false;
    // Asked of the runtime: while landing, the task's status says `landing`, not whether its agent runs.
    const alive = () => sessionAlive(project, task.name, handle);
    if (handle.runtime === 'tmux' && (await alive())) {
      // One line: a newline typed into an agent's prompt would send the message half-written.
      await typeIntoSession(handle, message.replace(/\s*\n\s*/g, ' '));
      appendEvent(project.store, task.name, 'land.typed-into-session', {});
      say(`${task.name}: conflict handed back to its session`);
      return true;
    }
    if (await alive()) {
      // The entry waits (waiting_agent) and the queue moves on; the next queue pass after the run ends resumes it.
      appendEvent(project.store, task.name, 'land.handback-waiting', { runtime: handle.runtime });
      say(`${task.name}: conflict handed back; its headless run is resumed with it once it ends`);
      return true;
    }
    await startSession(project, task.name, { resume: true, prompt: message });
    appendEvent(project.store, task.name, 'land.resolver-started', { resume: !!current.agentSessionId });
    say(`${task.name}: conflict handed back; the agent resumes to resolve it`);
    return true;
  } catch (err) {
    say(`${task.name}: could not hand the conflict back: ${(err as Error).message}`);
    return false;
  }
}

const HAND_BACK_DELIVERY = [
  'land.handback-waiting',
  'land.resolver-started',
  'land.typed-into-session',
] as const;

/** True when the task's last hand-back still waits for its headless run to end (not delivered yet). */
export function handBackPending(store: Store, task: string): boolean {
  const last = listEvents(store, { task, kinds: HAND_BACK_DELIVERY }).at(-1);
  return last?.kind === 'land.handback-waiting';
}

/** Resumes each waiting hand-back whose headless run has ended with its conflict (the entry's reason). */
async function resumeWaitingHandBacks(
  project: Project,
  entries: readonly QueueEntry[],
  say: (line: string) => void = () => {},
): Promise<void> {
  const store = project.store;
  for (const entry of entries) {
    if (entry.state !== 'waiting_agent' || !handBackPending(store, entry.task)) continue;
    try {
      const task = await refreshSession(project, entry.task);
      if (!task) continue;
      const handle = handleOf(task);
      if (handle && (await sessionAlive(project, task.name, handle))) continue;
      await startSession(project, task.name, { resume: true, prompt: entry.reason ?? '' });
      appendEvent(store, task.name, 'land.resolver-started', { resume: !!task.agentSessionId, waited: true });
      say(`${task.name}: its headless run ended; the agent resumes to resolve the conflict`);
    } catch (err) {
      // Nothing else would deliver it: the conflict is the user's now.
      const reason = `conflicts in ${entry.conflictFiles.join(', ')}: the agent could not be resumed with them (${(err as Error).message}); resolve by hand, then braid land ${entry.task}`;
      store.tx(() => {
        updateEntry(store, entry.id, { state: 'conflict', reason });
        updateTask(store, entry.task, { status: 'conflict', statusDetail: reason });
        appendEvent(store, entry.task, 'land.conflict', { files: entry.conflictFiles, after: 'hand-back' });
      });
      say(`${entry.task}: ${reason}`);
    }
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
