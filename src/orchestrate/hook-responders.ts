/**
 * What `braid hook` may tell an agent, composed from above: each stage brings its own responder and
 * the hook receiver (run/agents) knows none of them. Run in this order; their texts are joined.
 */
import { mainMovedResponder } from '../land/main-moved.js';
import type { HookResponder } from '../run/agents/hook-responders.js';
import { migrationLockResponder } from '../run/agents/migration-lock.js';
import { noteResponder } from '../watch/notes/responder.js';
import { radarResponder } from '../watch/radar/hook.js';

export const HOOK_RESPONDERS: readonly HookResponder[] = [
  noteResponder,
  migrationLockResponder,
  radarResponder,
  mainMovedResponder,
];
