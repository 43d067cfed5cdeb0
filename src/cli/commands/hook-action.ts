import { HOOK_RESPONDERS } from '../../orchestrate/hook-responders.js';
import { receiveHook } from '../../run/agents/hook-receiver.js';
import { editsFiles, rescanAfterEdit } from '../../watch/radar/hook.js';

/** Give up on a payload that never ends: the agent waits for this hook. */
const STDIN_TIMEOUT_MS = 2_000;

/**
 * `braid hook <event>`: records the payload on stdin and prints what the agent should be told. Runs on
 * every tool use of every agent, so main.ts calls it without loading commander or any other command.
 */
export async function runHook(event: string): Promise<void> {
  const stdin = await readStdin(STDIN_TIMEOUT_MS);
  const payload = parseJson(stdin);
  const edits = editsFiles(event, payload);
  const outcome = await receiveHook({ event, stdin, env: process.env, cwd: process.cwd() }, HOOK_RESPONDERS);
  if (outcome.output) process.stdout.write(`${outcome.output}\n`);
  if (outcome.task && outcome.commonDir && edits) {
    // Awaits only the start of a detached rescan: findings go out on the agent's next hook; a radar failure must never reach the agent.
    await rescanAfterEdit(
      outcome.commonDir,
      typeof payload.cwd === 'string' ? payload.cwd : process.cwd(),
      outcome.task,
    ).catch(() => {});
  }
  // Whatever happened, the agent must carry on.
  process.exitCode = 0;
}

function readStdin(timeoutMs: number): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      process.stdin.removeAllListeners();
      process.stdin.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, timeoutMs);
    process.stdin.on('data', (d: Buffer) => chunks.push(d));
    process.stdin.on('end', done);
    process.stdin.on('error', done);
  });
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}
