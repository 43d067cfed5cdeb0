/** One hook event taken in, as `braid hook <event>` does and as a pod's keeper does for its hooks: recorded, answered, rescanned. */
import { parsePayload, receiveHook } from '../run/agents/hook-receiver.js';
import { editsFiles, rescanAfterEdit } from '../watch/radar/hook.js';
import { HOOK_RESPONDERS } from './hook-responders.js';

/** What to print for the agent (hook JSON), or null. Never throws: whatever happened, the agent carries on. */
export async function takeHook(
  event: string,
  stdin: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string | null> {
  const payload = parsePayload(stdin);
  const edits = editsFiles(event, payload);
  const outcome = await receiveHook({ event, stdin, env, cwd }, HOOK_RESPONDERS);
  if (outcome.task && outcome.commonDir && edits) {
    // Awaits only the start of a detached rescan: findings go out on the agent's next hook; a radar failure must never reach the agent.
    await rescanAfterEdit(
      outcome.commonDir,
      typeof payload.cwd === 'string' ? payload.cwd : cwd,
      outcome.task,
    ).catch(() => {});
  }
  return outcome.output;
}
