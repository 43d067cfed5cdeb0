/**
 * Usage limits across the fleet: no new session of a limited agent starts before its reset (`braid new`
 * and plans hold the start), and at the reset the supervisor resumes the limited sessions, staggered.
 */

import type { Task } from '../core/task.js';
import { agentLimitedUntil, dueForRestart, type LimitedTask, limitDetail } from '../core/usage-limit.js';
import type { Project } from '../project/project.js';
import { getAgent } from '../run/agents/registry.js';
import { startSession } from '../run/session/lifecycle.js';
import { handleOf, pressKeys, sessionAlive, typeIntoSession } from '../run/session/reach.js';
import { setProcessStatus } from '../run/session/refresh.js';
import { appendEvent } from '../store/events.js';
import { getTask, listTasks, updateTask } from '../store/tasks.js';

/** What a session resumed after its limit is told. */
const LIMIT_CONTINUE_PROMPT = 'braid: your usage limit has reset. Continue the task where you left off.';

/** Between two starts after a reset, so many sessions due at once do not all hit the fresh limit. */
const DEFAULT_STAGGER_MS = 15_000;

export function staggerFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BRAID_LIMIT_STAGGER_MS);
  return env.BRAID_LIMIT_STAGGER_MS && Number.isFinite(n) && n >= 0 ? n : DEFAULT_STAGGER_MS;
}

interface LimitMemo {
  resetAt?: number;
  hitAt?: number;
  /** The session never started: it was held for another task's limit. */
  held?: boolean;
}

function limitedTasks(tasks: readonly Task[]): LimitedTask[] {
  return tasks
    .filter((t) => t.status === 'limited')
    .map((t) => ({
      name: t.name,
      agent: t.agent,
      resetAt: (t.options.limit as LimitMemo | undefined)?.resetAt ?? 0,
    }));
}

/** Until when new sessions of this agent wait (ms since epoch), or null when they may start. */
function limitedUntil(project: Project, agent: string, now = Date.now()): number | null {
  return agentLimitedUntil(limitedTasks(listTasks(project.store)), agent, now);
}

/**
 * Starts the task's session, unless its agent is limited: then the start is held (the task is `limited`
 * with the reset time) and the supervisor makes it at the reset. Returns the reset time when held.
 */
export async function startOrHold(project: Project, name: string): Promise<number | null> {
  const task = getTask(project.store, name);
  const until = task ? limitedUntil(project, task.agent) : null;
  if (!task || until === null) {
    await startSession(project, name);
    return null;
  }
  const detail = `start held: ${limitDetail(until)}`;
  setProcessStatus(project.store, task, 'limited', detail, {
    options: { ...task.options, limit: { resetAt: until, held: true } },
  });
  appendEvent(project.store, name, 'limit.start-held', { resetAt: until, agent: task.agent });
  return until;
}

/** The supervisor's loop: resumes limited sessions (and held starts) once their reset has come. */
export class LimitLoop {
  private lastStartAt: number | null = null;

  constructor(
    private readonly project: Project,
    private readonly staggerMs: number,
  ) {}

  async pass(now = Date.now()): Promise<string[]> {
    const due = dueForRestart(
      limitedTasks(listTasks(this.project.store)),
      now,
      this.lastStartAt,
      this.staggerMs,
    );
    for (const name of due) {
      this.lastStartAt = Date.now();
      await this.resume(name);
    }
    return due;
  }

  /** What the agent shows at its limit is closed first (Claude Code's menu), else the words go into it. */
  private dismissKeys(agent: string): string[] {
    try {
      return getAgent(agent, this.project.config).limitDismissKeys ?? [];
    } catch {
      return [];
    }
  }

  private async resume(name: string): Promise<void> {
    const { store } = this.project;
    const task = getTask(store, name);
    if (task?.status !== 'limited') return;
    const memo = (task.options.limit ?? {}) as LimitMemo;
    const options = { ...task.options, limit: undefined };
    const handle = handleOf(task);
    try {
      // An interactive session still at its prompt is told to go on; an ended one resumes by its id.
      if (handle && !memo.held && (await sessionAlive(this.project, name, handle))) {
        updateTask(store, name, { status: 'working', statusSource: 'process', statusDetail: null, options });
        await pressKeys(handle, this.dismissKeys(task.agent));
        await typeIntoSession(handle, LIMIT_CONTINUE_PROMPT);
        appendEvent(store, name, 'limit.resumed', { resume: true, typed: true });
        return;
      }
      const resume = !memo.held && !!task.agentSessionId;
      updateTask(store, name, { options });
      await startSession(this.project, name, { resume, resumeFollowUp: LIMIT_CONTINUE_PROMPT });
      appendEvent(store, name, 'limit.resumed', { resume, typed: false });
    } catch (err) {
      const reason = `could not resume after the limit: ${(err as Error).message}`;
      setProcessStatus(store, task, 'failed', reason, { options });
    }
  }
}
