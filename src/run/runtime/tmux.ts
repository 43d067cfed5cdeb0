import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../../core/errors.js';
import { RECORD_EXIT_LINES } from '../../core/exit-recorder.js';
import { isProcessAlive, processStartTime } from '../../exec/pid.js';
import { terminateGroup, waitUntil } from '../../exec/process-group.js';
import { ProcessError } from '../../exec/run.js';
import { readExitRecord, writeExitRecord } from './exit-record.js';
import { escapeTmuxFormat, TmuxClient, tmuxBase } from './tmux-client.js';
import type {
  LaunchSpec,
  PaneInfo,
  Runtime,
  SendOptions,
  SessionHandle,
  SessionState,
  StateHint,
  StopOptions,
} from './types.js';

export interface TmuxOptions {
  /** Socket name (`tmux -L`); defaults to BRAID_TMUX_SOCKET, else tmux's default server. */
  socket?: string;
}

/** Holds a fresh pane until the real command replaces it with remain-on-exit already set. */
const PLACEHOLDER = ['sleep', '2147483647'];
const TILED_WINDOW = 'tasks';
/** Between the keys of a graceful stop: long enough for the agent to read each key on its own. */
const GRACE_KEY_GAP_MS = 300;
const GRACE_ROUNDS = 2;
/** How long a typed text gets to show on the pane before Enter goes anyway (a program that does not echo it). */
const ECHO_WAIT_MS = 3_000;
/** How much of a typed text's end must show: a long one wraps or scrolls, its end is what was read last. */
const ECHO_TAIL_CHARS = 24;

/** One tmux session per repository; '.' and ':' mean something in tmux targets. */
export function tmuxSessionName(repoName: string): string {
  return `braid-${repoName.replace(/[.:]/g, '_')}`;
}

/** tmux hands a single-word command to the shell; `env --` makes it an exec like the rest. */
/**
 * The pane runs the agent under the exit recorder (core/exit-recorder.ts): tmux 3.3 can lose a dead pane's
 * status when pipe-pane is attached. argv stays "$@".
 */
const EXIT_RECORDER = RECORD_EXIT_LINES.join('\n');

function execArgv(argv: string[]): string[] {
  return ['sh', '-c', EXIT_RECORDER, 'braid-session', ...argv];
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const PANE_FORMAT =
  '#{pane_id}|#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}|#{pane_pid}|#{window_activity}';

function parsePane(line: string): [string, PaneInfo] {
  const [id, dead, status, signal, pid, activity] = line.trim().split('|');
  return [
    id,
    {
      dead: dead === '1',
      status: status ? Number(status) : null,
      signal: signal || null,
      pid: pid ? Number(pid) : null,
      activityAt: activity ? Number(activity) : null,
    },
  ];
}

/** Interactive sessions: tmux owns the processes, braid only addresses panes by id. */
export class TmuxRuntime implements Runtime {
  readonly kind = 'tmux' as const;
  readonly client: TmuxClient;

  constructor(options: TmuxOptions = {}) {
    this.client = new TmuxClient(options.socket ?? (process.env.BRAID_TMUX_SOCKET || undefined));
  }

  async start(spec: LaunchSpec): Promise<SessionHandle> {
    if (spec.argv.length === 0) throw new BraidError('E_SESSION', `task ${spec.task} has no command`);
    mkdirSync(path.dirname(spec.logPath), { recursive: true });
    mkdirSync(path.dirname(spec.exitPath), { recursive: true });
    const session = tmuxSessionName(spec.repoName);
    const pane =
      spec.layout === 'tiled'
        ? await this.tiledPane(session, spec.task)
        : await this.windowPane(session, spec.task);
    try {
      await this.client.run(['set-option', '-w', '-t', pane, 'remain-on-exit', 'on']);
      const pipe = escapeTmuxFormat(`cat >> ${shellQuote(spec.logPath)}`);
      await this.client.run(['pipe-pane', '-o', '-t', pane, pipe]);
      const env = { ...spec.env, BRAID_EXIT_FILE: spec.exitPath };
      const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
      const cwd = escapeTmuxFormat(spec.cwd);
      await this.client.run(
        ['respawn-pane', '-k', '-t', pane, '-c', cwd, ...envArgs, '--', ...execArgv(spec.argv)],
        { cwd: spec.cwd },
      );
    } catch (err) {
      await this.client.run(['kill-pane', '-t', pane], { allowFailure: true });
      throw err;
    }
    const info = await this.paneInfo(pane);
    const pid = info?.pid ?? null;
    return { runtime: 'tmux', pid, pidStart: pid ? processStartTime(pid) : null, target: pane };
  }

  /** Creates the repository's session, or joins it when another start won the race. */
  private async newSessionPane(session: string, windowName: string): Promise<string | null> {
    const args = ['new-session', '-d', '-P', '-F', '#{pane_id}', '-s', session, '-n', windowName];
    const res = await this.client.run([...args, '--', ...PLACEHOLDER], { allowFailure: true });
    if (res.code === 0) return res.stdout.trim();
    if (/duplicate session/.test(res.stderr)) return null;
    throw new ProcessError(res, 'Check that tmux works: tmux new-session -d');
  }

  private async windowPane(session: string, name: string): Promise<string> {
    const created = await this.newSessionPane(session, name);
    if (created) return created;
    const args = ['new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`, '-n', name];
    return this.client.out([...args, '--', ...PLACEHOLDER]);
  }

  private async tiledPane(session: string, task: string): Promise<string> {
    const window = `=${session}:${TILED_WINDOW}`;
    let pane = await this.newSessionPane(session, TILED_WINDOW);
    if (!pane) {
      // Re-tile first so the split finds room even when the window is crowded.
      await this.client.run(['select-layout', '-t', window, 'tiled'], { allowFailure: true });
      const split = ['split-window', '-d', '-P', '-F', '#{pane_id}', '-t', window];
      const res = await this.client.run([...split, '--', ...PLACEHOLDER], { allowFailure: true });
      if (res.code === 0) pane = res.stdout.trim();
      else if (/can't find window/.test(res.stderr)) {
        const add = ['new-window', '-d', '-P', '-F', '#{pane_id}', '-t', `=${session}:`];
        pane = await this.client.out([...add, '-n', TILED_WINDOW, '--', ...PLACEHOLDER]);
      } else throw new ProcessError(res);
      await this.client.run(['select-layout', '-t', window, 'tiled'], { allowFailure: true });
    }
    await this.client.run(['select-pane', '-t', pane, '-T', task], { allowFailure: true });
    return pane;
  }

  /** Null when the pane (or the whole server) is gone. */
  async paneInfo(target: string): Promise<PaneInfo | null> {
    const res = await this.client.run(['display-message', '-p', '-t', target, PANE_FORMAT], {
      allowFailure: true,
    });
    // A missing pane is not an error to display-message: it prints empty formats.
    const [id, info] = parsePane(res.stdout);
    if (res.code !== 0 || id !== target) return null;
    return info;
  }

  /** Every pane of the server in one tmux call (empty when no server runs). */
  async allPanes(): Promise<Map<string, PaneInfo>> {
    const res = await this.client.run(['list-panes', '-a', '-F', PANE_FORMAT], { allowFailure: true });
    if (res.code !== 0) return new Map();
    return new Map(res.stdout.split('\n').filter(Boolean).map(parsePane));
  }

  /**
   * The handle's pane, or null when it is gone or is another session's: a new tmux server numbers its
   * panes from %0 again, so after a reboot an old handle's id may name a pane some other task now runs in.
   */
  private async ownPane(handle: SessionHandle): Promise<PaneInfo | null> {
    const info = handle.target ? await this.paneInfo(handle.target) : null;
    return info && isOwnPane(handle, info) ? info : null;
  }

  async state(handle: SessionHandle, exitPath: string, hint: StateHint = {}): Promise<SessionState> {
    const known = hint.panes && handle.target ? hint.panes.get(handle.target) : undefined;
    // A pane missing from a snapshot may be newer than it: ask tmux itself.
    let info = known && isOwnPane(handle, known) ? known : await this.ownPane(handle);
    // tmux marks a pane dead on the pty's EOF, a moment before the recorder's file or tmux's status exist.
    const unknown = () => info?.dead && info.status === null && !info.signal && !readExitRecord(exitPath);
    for (let i = 0; i < 40 && unknown(); i++) {
      await new Promise((r) => setTimeout(r, 25));
      info = await this.ownPane(handle);
    }
    if (!info) {
      return { alive: false, exitCode: readExitRecord(exitPath)?.exitCode ?? null, pid: handle.pid };
    }
    if (!info.dead) return { alive: true, exitCode: null, pid: info.pid, activityAt: info.activityAt };
    const recorded = readExitRecord(exitPath);
    // Keep the outcome on disk so it survives the window being removed.
    if (!recorded) {
      const record = { exitCode: info.status, signal: info.signal, endedAt: new Date().toISOString() };
      writeExitRecord(exitPath, record);
    }
    return { alive: false, exitCode: info.status ?? recorded?.exitCode ?? null, pid: info.pid };
  }

  private target(handle: SessionHandle): string {
    if (!handle.target) throw new BraidError('E_SESSION', 'this session has no tmux pane recorded');
    return handle.target;
  }

  async send(handle: SessionHandle, text: string, opts: SendOptions = {}): Promise<void> {
    const pane = this.target(handle);
    if (!(await this.ownPane(handle))) throw new BraidError('E_SESSION', `tmux pane ${pane} is gone`);
    if (text) await this.client.run(['send-keys', '-l', '-t', pane, '--', text]);
    if (opts.enter === false) return;
    // Enter only once the program has read the text (its screen shows it): text and Enter that reach a busy
    // agent in one read are a paste to Claude Code, and the prompt stays in its input box unsent.
    if (text) await waitUntil(() => this.shows(pane, text), ECHO_WAIT_MS);
    await this.client.run(['send-keys', '-t', pane, 'Enter']);
  }

  /** Whether the pane's screen holds the end of `text` (wrapped lines joined, spaces ignored). */
  private async shows(pane: string, text: string): Promise<boolean> {
    const res = await this.client.run(['capture-pane', '-p', '-J', '-t', pane], { allowFailure: true });
    const squeeze = (s: string) => s.replace(/\s+/g, '');
    return res.code !== 0 || squeeze(res.stdout).includes(squeeze(text).slice(-ECHO_TAIL_CHARS));
  }

  async sendKeys(handle: SessionHandle, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const pane = this.target(handle);
    if (!(await this.ownPane(handle))) throw new BraidError('E_SESSION', `tmux pane ${pane} is gone`);
    await this.client.run(['send-keys', '-t', pane, '--', ...keys]);
  }

  async capture(handle: SessionHandle): Promise<string> {
    if (!(await this.ownPane(handle)))
      throw new BraidError('E_SESSION', `tmux pane ${handle.target} is gone`);
    const res = await this.client.run(['capture-pane', '-p', '-J', '-S', '-100', '-t', this.target(handle)], {
      allowFailure: true,
    });
    if (res.code !== 0) throw new BraidError('E_SESSION', `tmux pane ${handle.target} is gone`);
    return res.stdout;
  }

  async stop(handle: SessionHandle, opts: StopOptions): Promise<void> {
    this.target(handle); // throws when no pane was recorded
    const gone = async () => (await this.ownPane(handle))?.dead ?? true;
    const info = await this.ownPane(handle);
    if (!info) return;
    if (info.dead) {
      // Leftover background children keep the dead leader's group (and so its number) alive;
      // a live process under that pid is a newcomer, not ours.
      if (info.pid && !isProcessAlive(info.pid)) await terminateGroup(info.pid, opts.termMs ?? 5_000);
      return;
    }
    // Twice: keys that come while the agent is between states (its turn ending, a hook running) can be lost.
    for (let round = 0; opts.graceKeys?.length && round < GRACE_ROUNDS; round++) {
      // One key at a time, read apart: ESC with another key in the same read is one Alt key (ESC C-c is
      // Alt-Ctrl-C), so Claude Code never saw its Esc and Ctrl-C and was killed by SIGTERM instead.
      for (const key of opts.graceKeys) {
        await this.sendKeys(handle, [key]);
        if (await waitUntil(gone, GRACE_KEY_GAP_MS)) return;
      }
      if (await waitUntil(gone, opts.graceMs ?? 3_000)) return;
    }
    // tmux starts each pane's command as a session leader: its pid names the process group.
    if (info.pid) await terminateGroup(info.pid, opts.termMs ?? 5_000);
    await waitUntil(gone, 5_000);
  }

  async remove(handle: SessionHandle): Promise<void> {
    if (!handle.target || !(await this.ownPane(handle))) return;
    await this.client.run(['kill-pane', '-t', handle.target], { allowFailure: true });
  }

  /** attach-session from a plain terminal, switch-client from inside tmux; both select the pane. */
  attachArgv(handle: SessionHandle, insideTmux: boolean): string[] | null {
    if (!handle.target) return null;
    const verb = insideTmux ? 'switch-client' : 'attach-session';
    return [...tmuxBase(this.client.socket), verb, '-t', handle.target];
  }
}

/** Whether `info` is the pane the handle started: its process is the one recorded (unknown either side: assumed). */
function isOwnPane(handle: SessionHandle, info: PaneInfo): boolean {
  return !handle.pid || !info.pid || info.pid === handle.pid;
}
