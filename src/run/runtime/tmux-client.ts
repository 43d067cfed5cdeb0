import { type RunResult, run } from '../../exec/run.js';

/**
 * tmux splits its argv into commands at arguments ending in ';'. A literal trailing ';' is
 * written '\;' (tmux turns a trailing '\;' back into ';'), so user data never ends a command.
 */
function escapeTmuxArg(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

/** tmux expands #{…} formats in start directories and pipe commands: '##' is a literal '#'. */
export function escapeTmuxFormat(text: string): string {
  return text.replace(/#/g, '##');
}

/** The argv prefix that reaches braid's tmux server (`tmux -L NAME` when a socket is set). */
export function tmuxBase(socket: string | undefined): string[] {
  return socket ? ['tmux', '-L', socket] : ['tmux'];
}

export interface TmuxCallOptions {
  cwd?: string;
  allowFailure?: boolean;
}

/** Runs one tmux command on braid's server; every argument is escaped against ';' splitting. */
export class TmuxClient {
  constructor(readonly socket: string | undefined) {}

  async run(args: string[], options: TmuxCallOptions = {}): Promise<RunResult> {
    const [command, ...prefix] = tmuxBase(this.socket);
    return run(command, [...prefix, ...args.map(escapeTmuxArg)], {
      cwd: options.cwd ?? '/',
      allowFailure: options.allowFailure,
      timeoutMs: 30_000,
    });
  }

  /** stdout of a command that must succeed, trimmed. */
  async out(args: string[], options: TmuxCallOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.trim();
  }
}
