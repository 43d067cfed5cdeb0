import type { HookResponder } from '../agents/hook-responders.js';
import { markDelivered, noteMessage, undeliveredNotes } from './store.js';

// Stop-like events come as the turn ends: a headless agent exits before its model reads the context.
const NOTE_EVENTS = new Set(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse']);

/** Hands a Claude Code session the notes it has not seen, once each, as hook additionalContext. */
export const noteResponder: HookResponder = (task, event, _payload, ctx) => {
  if (!NOTE_EVENTS.has(event)) return null;
  const notes = ctx.store.tx(() => {
    const pending = undeliveredNotes(ctx.db, task.name);
    markDelivered(
      ctx.db,
      task.name,
      pending.map((n) => n.id),
      'context',
    );
    return pending;
  });
  return notes.length ? noteMessage(notes) : null;
};
