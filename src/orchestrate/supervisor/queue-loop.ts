import type { LandContext } from '../../land/context.js';
import { defaultLandHooks } from '../../land/hooks.js';
import { processQueue } from '../../land/land.js';
import type { Project } from '../../project/project.js';
import { activeEntries } from '../../store/queue.js';
import type { EventLog } from './event-log.js';

/** Entries handed back to their agent are re-checked this often (their branch may have a fix). */
const WAITING_AGENT_CHECK_MS = 30_000;

/** The landing queue: processed under the queue lock, only when something is queued. */
export class QueueLoop {
  private lastWaitingCheck = 0;

  constructor(
    private readonly project: Project,
    private readonly log: EventLog,
  ) {}

  /** True when the queue still has work (keeps the supervisor alive). */
  hasWork(): boolean {
    return activeEntries(this.project.store).length > 0;
  }

  async pass(): Promise<void> {
    const entries = activeEntries(this.project.store);
    const ready = entries.some((e) => e.state !== 'waiting_agent');
    const waiting = entries.some((e) => e.state === 'waiting_agent');
    const now = Date.now();
    if (!ready && !(waiting && now - this.lastWaitingCheck >= WAITING_AGENT_CHECK_MS)) return;
    if (waiting) this.lastWaitingCheck = now;
    const ctx: LandContext = {
      repo: this.project.repo,
      config: this.project.config,
      store: this.project.store,
      ...defaultLandHooks(this.project),
    };
    const res = await processQueue(ctx);
    if (!res.ran || res.outcomes.length === 0) return;
    this.log.append({
      kind: 'queue.processed',
      landed: res.outcomes.filter((o) => o.state === 'landed').map((o) => o.task),
      rejected: res.outcomes.filter((o) => o.state !== 'landed').map((o) => o.task),
    });
  }
}
