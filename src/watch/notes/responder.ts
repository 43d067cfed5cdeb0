import type { HookResponder } from '../../run/agents/hook-responders.js';
import { markDelivered, undeliveredNotes } from '../../store/notes.js';
import { noteMessage } from './message.js';

// Not on Stop: context there makes Claude Code continue the turn, one more model call for a notice that
// can wait for the agent's next tool use.
const NOTE_EVENTS = new Set(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse']);

/** Hands a Claude Code session the notes it has not seen, once each, as hook additionalContext. */
export const noteResponder: HookResponder = (task, event, _payload, ctx) => {
  if (!NOTE_EVENTS.has(event)) return null;
  const notes = ctx.store.tx(() => {
    const pending = undeliveredNotes(ctx.store, task.name);
    markDelivered(
      ctx.store,
      task.name,
      pending.map((n) => n.id),
      'context',
    );
    return pending;
  });
  return notes.length ? noteMessage(notes) : null;
};
