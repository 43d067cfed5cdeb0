/**
 * Entry point of a headless session: `node headless-runner.js <exitPath> <logPath> -- argv…`.
 * Runs as the leader of its own process group (braid starts it detached), runs the agent in
 * the same group with output to the log, and records how the agent ended.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { runToFd } from '../../exec/detached.js';
import { writeExitRecord } from './exit-record.js';

async function main(args: string[]): Promise<number> {
  const [exitPath, logPath, sep, command, ...rest] = args;
  if (!exitPath || !logPath || sep !== '--' || !command) {
    process.stderr.write('usage: headless-runner <exitPath> <logPath> -- command [args…]\n');
    return 2;
  }
  // A stop signals the whole group: the runner outlives the agent to record its exit.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => {});
  mkdirSync(path.dirname(logPath), { recursive: true });
  const fd = openSync(logPath, 'a');
  let exitCode: number | null;
  let signal: string | null = null;
  try {
    const ended = await runToFd(command, rest, { cwd: process.cwd(), env: process.env, fd });
    exitCode = ended.code;
    signal = ended.signal;
  } catch (err) {
    writeSync(fd, `braid: could not start ${command}: ${(err as Error).message}\n`);
    exitCode = 127;
  }
  closeSync(fd);
  writeExitRecord(exitPath, { exitCode, signal, endedAt: new Date().toISOString() });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
