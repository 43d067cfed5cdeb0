import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/exec/run.js';

export interface TmuxServer {
  /** Socket name, as `tmux -L`. */
  socket: string;
  /** Environment for braid: BRAID_TMUX_SOCKET set, TMUX removed. */
  env: NodeJS.ProcessEnv;
  /** Runs one tmux command on this server and returns its trimmed stdout. */
  run(args: string[]): Promise<string>;
  kill(): Promise<void>;
}

/** A private tmux server per test file, never the user's: unique socket, TMUX unset. */
export function tmuxServer(): TmuxServer {
  const socket = `braid-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, BRAID_TMUX_SOCKET: socket };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return {
    socket,
    env,
    async run(args) {
      const res = await run('tmux', ['-L', socket, ...args], { cwd: '/', env, replaceEnv: true });
      return res.stdout.trim();
    },
    async kill() {
      const opts = { cwd: '/', env, replaceEnv: true, allowFailure: true };
      // braid's pane wrapper ignores SIGHUP (to record the exit), so kill-server alone leaves it and
      // its agent running: end each pane's process group (a pane is a session of its own) first.
      const panes = await run('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], opts);
      for (const pid of panes.stdout
        .split('\n')
        .map(Number)
        .filter((n) => n > 0)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await run('tmux', ['-L', socket, 'kill-server'], opts);
      // tmux leaves the socket file behind; it lives where `-L` puts it.
      const socketDir = path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
      for (const file of [socket, `${socket}.lock`]) rmSync(path.join(socketDir, file), { force: true });
    },
  };
}

/**
 * A terminal for a test to type into and read: a detached session of its own on `server`, 120×30, in `cwd`,
 * running `argv` (given as tmux takes it after `--`), with `env` lines (`NAME=value`) set for it.
 */
export async function openTerminal(
  server: TmuxServer,
  name: string,
  cwd: string,
  argv: string[],
  env: string[] = [],
): Promise<void> {
  const size = ['-x', '120', '-y', '30'];
  await server.run([
    'new-session',
    '-d',
    '-s',
    name,
    ...size,
    '-c',
    cwd,
    ...env.flatMap((e) => ['-e', e]),
    '--',
    ...argv,
  ]);
}
