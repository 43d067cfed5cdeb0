/**
 * What an agent's hook runs (`braid hook <event>`, dispatched here by main.ts before any command is parsed).
 * Bundled on its own into one file (scripts/bundle.mjs): every tool use of every agent starts a node
 * process for it, and one module loads faster than the CLI's shared chunks.
 */
export { runHook } from './commands/hook-action.js';
