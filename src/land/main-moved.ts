import type { HookResponder } from '../run/agents/hook-responders.js';
import { listEvents } from '../store/events.js';
import { getTask, mergeTaskOptions } from '../store/tasks.js';

// Not on Stop: context there makes Claude Code continue the turn, one more model call for a notice that
// can wait for the agent's next tool use.
const TELL_EVENTS = new Set(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse']);

/**
 * Tells a live session, once, that its base branch moved under it (another task landed since it
 * started), so it merges the base before finishing rather than meeting the conflict in the queue.
 */
export const mainMovedResponder: HookResponder = (task, event, _payload, ctx) => {
  if (!TELL_EVENTS.has(event)) return null;
  return ctx.store.tx(() => {
    const current = getTask(ctx.store, task.name);
    if (!current) return null;
    const seen = typeof current.options.mainMovedSeen === 'number' ? current.options.mainMovedSeen : 0;
    const moves = listEvents(ctx.store, { kinds: ['main.moved'], afterId: seen, since: current.createdAt });
    if (moves.length === 0) return null;
    mergeTaskOptions(ctx.store, task.name, { mainMovedSeen: moves[moves.length - 1].id });
    const landed = moves
      .map((e) => e.data)
      .filter((m) => m.task !== task.name && (!current.base || m.branch === current.base));
    if (landed.length === 0) return null;
    const what = landed.map((m) => `task ${m.task} (${(m.to ?? '').slice(0, 10)})`).join(', ');
    const base = landed[0].branch ?? 'the base';
    return `braid: ${base} moved while you work: ${what} landed on it. Before you finish, merge ${base} into your branch if you touch the same files (braid radar shows where you overlap).`;
  });
};
