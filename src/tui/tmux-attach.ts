/** How `braid ui` reaches a tmux session: switch the user's client when braid's server is theirs, else a client of its own. */
import path from 'node:path';

/** tmux's socket for `-L name`: $TMUX_TMPDIR (or /tmp), then tmux-UID, then the name. */
function socketPathOf(name: string, env: NodeJS.ProcessEnv): string {
  return path.join(env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, name);
}

/**
 * True when this process runs inside a tmux client of the server holding braid's sessions: then
 * `switch-client` works. Inside another server (braid on its own socket) it would fail with no client.
 */
export function insideSameTmux(socket: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  const current = env.TMUX?.split(',')[0];
  if (!current) return false;
  // Without -L, tmux itself uses the server named in $TMUX.
  if (!socket) return true;
  return path.resolve(current) === path.resolve(socketPathOf(socket, env));
}

/** The `-L` socket named in a tmux argv (`tmux -L NAME ...`), if any. */
export function socketOfArgv(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('-L');
  return i >= 0 ? argv[i + 1] : undefined;
}
