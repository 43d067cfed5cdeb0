/** One line of words per event, as `braid run`'s progress, the TUI and the supervisor's log show them. */
import type { BraidEvent } from './events.js';
import { describeDenials } from './refusals.js';

const short = (commit: string) => commit.slice(0, 10);
const firstLine = (text: string) => text.split('\n')[0];

/** What happened, in one line; null for events nobody reads as words (each hook, a radar rescan). */
export function eventLine(e: BraidEvent): string | null {
  const who = e.task ?? '(braid)';
  switch (e.kind) {
    case 'hook.received':
    case 'radar.rescanned':
      return null;
    case 'status.changed':
      return `${who}: ${e.data.from} → ${e.data.to}${e.data.detail ? ` (${firstLine(e.data.detail)})` : ''}`;
    case 'session.started':
      return `${who}: session started (${e.data.runtime}${e.data.backend === 'container' ? ' in a container' : ''}${e.data.resume ? ', resumed' : ''})`;
    case 'session.revived':
      return `${who}: back after a restart (${e.data.runtime}, ${e.data.resume ? 'conversation resumed' : 'started afresh'})`;
    case 'session.revive-failed':
      return `${who}: could not bring its session back: ${e.data.reason}`;
    case 'session.reattached':
      return `${who}: re-attached to its running pod${e.data.pod ? ` ${e.data.pod}` : ''} (the agent was not restarted)`;
    case 'session.confine-note':
      return `${who}: ${e.data.note}`;
    case 'agent.permission-denied':
      return `${who}: refused ${describeDenials(e.data.denials)}`;
    case 'limit.hit':
      return `${who}: ${e.data.agent} hit its usage limit; resumes at ${new Date(e.data.resetAt).toISOString()}`;
    case 'limit.start-held':
      return `${who}: start held until ${e.data.agent}'s limit resets at ${new Date(e.data.resetAt).toISOString()}`;
    case 'limit.resumed':
      return `${who}: limit reset, ${e.data.typed ? 'told to continue' : e.data.resume ? 'resumed' : 'started'}`;
    case 'budget.raised':
      return `${who}: budget raised to $${e.data.taskUsd.toFixed(2)}${e.data.resumed ? ', resumed' : ''}`;
    case 'budget.warned':
      return `${who}: budget warning: ${e.data.reason}`;
    case 'budget.stopping':
      return `${who}: stopping for budget: ${e.data.reason}`;
    case 'budget.stopped': {
      const kept = e.data.worktree ? ` (work kept in ${e.data.worktree})` : '';
      return e.data.byAgent
        ? `${who}: stopped for budget: ${e.data.reason}${kept}`
        : `${who}: stopped${kept}`;
    }
    case 'plan.task-started':
      return `${who}: started`;
    case 'plan.task-state': {
      const landedAs = e.data.commit ? ` ${short(e.data.commit)}` : '';
      return `${who}: ${e.data.state}${landedAs}${e.data.detail ? `: ${e.data.detail}` : ''}`;
    }
    case 'plan.task-adopted':
      return `${who}: adopted from the earlier run (${e.data.status})`;
    case 'plan.task-revived':
      return `${who}: its session died without an exit record (a reboot?): ${e.data.resume ? 'resumed' : 'restarted'}`;
    case 'plan.task-revive-failed':
      return `${who}: could not restart its lost session: ${e.data.reason}`;
    case 'plan.task-start-failed':
      return `${who}: could not start: ${e.data.reason}`;
    case 'plan.task-skipped':
      return `${who}: skipped (${e.data.reason})`;
    case 'plan.task-rejected':
      return `${who}: rejected (${e.data.reason})`;
    case 'plan.task-handed-back':
      return `${who}: conflict in ${e.data.files.join(', ')}, handed back to its agent to resolve`;
    case 'plan.landing':
      return `landing ${e.data.tasks.join(', ')}`;
    case 'plan.interrupted':
      return `waiting for the landing of ${e.data.landing.join(', ')} to finish`;
    case 'land.queued':
      return `${who}: queued to land`;
    case 'land.landed':
      return `${who}: landed ${short(e.data.commit)}`;
    case 'land.batch-started':
      return `gating ${e.data.tasks.join(', ')} as one batch`;
    case 'land.batch':
      return `batch of ${e.data.size} gated in ${e.data.runs} run${e.data.runs === 1 ? '' : 's'}: ${e.data.landed} landed${e.data.green ? '' : ', red'}`;
    case 'land.gate-run':
      return `${who}: gate ${e.data.passed ? 'passed' : 'failed'} on ${short(e.data.commit)}${e.data.without?.length ? ` (without ${e.data.without.join(', ')})` : ''}`;
    case 'land.gate-flaky':
      return `${who}: flaky gate on ${short(e.data.commit)} (failed, then passed)`;
    case 'land.rejected':
      return `${who}: not landed: ${firstLine(e.data.reason)}`;
    case 'land.conflict':
      return `${who}: conflict in ${e.data.files.join(', ')}${e.data.after ? ' (after a hand-back)' : ''}`;
    case 'land.handed-back':
      return `${who}: conflict in ${e.data.files.join(', ')} handed back to its agent`;
    case 'land.typed-into-session':
      return `${who}: conflict typed into its session`;
    case 'land.handback-waiting':
      return `${who}: conflict waits for its headless run to end`;
    case 'land.resolver-started':
      return `${who}: the agent resumes to resolve the conflict`;
    case 'land.committed-uncommitted':
      return `${who}: uncommitted work committed before landing`;
    case 'main.moved':
      return `${e.data.branch} moved to ${short(e.data.to)} (${e.data.task} landed)`;
  }
}
