#!/usr/bin/env node
/**
 * `proxy-launcher --socket S [--allow D]… [--resolve HOST=ADDR]… -- COMMAND ARGS…`
 * Serves the allow-list proxy on S for exactly as long as COMMAND (the bwrap sandbox) runs, then
 * removes S and exits with COMMAND's status. One process per sandboxed session, no daemon to reap.
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { runInherited } from '../../exec/inherit.js';
import { PROXY_DIR_PREFIX, startNetworkProxy } from './network-proxy.js';

interface LauncherArgs {
  socket: string;
  allow: string[];
  resolve: Record<string, string>;
  command: string[];
}

function parseLauncherArgs(argv: string[]): LauncherArgs {
  const out: LauncherArgs = { socket: '', allow: [], resolve: {}, command: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.command = argv.slice(i + 1);
      break;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${a} needs a value`);
    if (a === '--socket') out.socket = value;
    else if (a === '--allow') out.allow.push(value);
    else if (a === '--resolve') {
      const eq = value.indexOf('=');
      if (eq < 1) throw new Error(`--resolve wants HOST=ADDRESS, got ${value}`);
      out.resolve[value.slice(0, eq).toLowerCase()] = value.slice(eq + 1);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!out.socket || out.command.length === 0) {
    throw new Error('usage: proxy-launcher --socket PATH [--allow DOMAIN]… -- COMMAND ARGS…');
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseLauncherArgs(process.argv.slice(2));
  const proxy = await startNetworkProxy({
    allow: args.allow,
    socketPath: args.socket,
    resolve: args.resolve,
  });
  try {
    const [command, ...rest] = args.command;
    const exit = await runInherited(command, rest, { cwd: process.cwd() });
    // A shell's convention for "killed by signal N".
    return exit.code ?? 128 + (exit.signal ? constants.signals[exit.signal] : 0);
  } finally {
    await proxy.close();
    // sandboxArgv makes a private folder per session for the socket; never remove anything else.
    const dir = path.dirname(args.socket);
    if (path.basename(dir).startsWith(PROXY_DIR_PREFIX)) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`braid proxy-launcher: ${err.message}\n`);
    process.exit(125);
  },
);
