import { takeHook } from '../../orchestrate/hook-intake.js';

/** Give up on a payload that never ends: the agent waits for this hook. */
const STDIN_TIMEOUT_MS = 2_000;

/**
 * `braid hook <event>`: records the payload on stdin and prints what the agent should be told. Runs on
 * every tool use of every agent, so main.ts calls it without loading commander or any other command.
 */
export async function runHook(event: string): Promise<void> {
  const stdin = await readStdin(STDIN_TIMEOUT_MS);
  const output = await takeHook(event, stdin, process.env, process.cwd());
  if (output) process.stdout.write(`${output}\n`);
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
