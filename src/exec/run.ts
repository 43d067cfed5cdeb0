import { type ChildProcess, spawn } from 'node:child_process';
import { BraidError } from '../core/errors.js';
import { CappedOutput, cutNote, DEFAULT_MAX_BUFFER, splitLines } from './output.js';
import { groupAlive, signalGroup } from './process-group.js';

export interface RunOptions {
  /** Always explicit: nothing in braid relies on process.cwd(). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Replaces the inherited environment instead of extending it. */
  replaceEnv?: boolean;
  input?: string | Buffer;
  timeoutMs?: number;
  /** Resolve with the exit code instead of throwing when the command fails. */
  allowFailure?: boolean;
  /** Called for each line of combined output as it arrives (progress, logs). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Keep raw stdout bytes (binary-safe) in `stdoutBuffer`. */
  binary?: boolean;
  /**
   * Runs the command as the leader of its own process group; a timeout (or the leader's exit)
   * ends the whole group, so grandchildren holding the pipes cannot keep the run alive.
   */
  processGroup?: boolean;
  /** With processGroup: how long the group gets after SIGTERM before SIGKILL (default 2 s). */
  killGraceMs?: number;
  /** Called with the pid once the process runs (with processGroup it is also the group id). */
  onSpawn?: (pid: number) => void;
  /**
   * Most bytes of each stream kept in memory (default 64 MiB): stdout keeps its start, stderr its
   * end; onLine still sees every line. Cut stdout without onLine is an error (callers parse it).
   */
  maxBuffer?: number;
}

export interface RunResult {
  command: string;
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBuffer?: Buffer;
  /** Set when more than maxBuffer came: says which stream lost how much. */
  outputCut?: string;
}

/** A command that ran and failed: carries what is needed to explain it. */
export class ProcessError extends BraidError {
  readonly result: RunResult;
  constructor(result: RunResult, hint?: string) {
    const shown = [result.command, ...result.args].map(quoteForDisplay).join(' ');
    const why = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
    const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
    const cut = result.outputCut ? ` (${result.outputCut})` : '';
    super('E_PROCESS', `${shown} ${why}${cut}${tail ? `:\n${tail}` : ''}`, hint, result);
    this.result = result;
  }
}

/** For messages only: never used to build a command. */
export function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** After the command exited, how long output may stay quiet before run() stops waiting for the pipes. */
const PIPE_QUIET_MS = 300;
/** After the command exited, the longest run() waits for pipes a leftover process keeps writing to. */
const PIPE_MAX_WAIT_MS = 5_000;

/** The one way braid spawns a process: argument array, explicit cwd, a timeout, typed errors. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    const env = options.replaceEnv ? options.env : { ...process.env, ...options.env };
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: options.processGroup === true,
      });
    } catch (err) {
      reject(spawnFailure(command, err));
      return;
    }
    const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    const out = new CappedOutput(maxBuffer, 'head');
    const err = new CappedOutput(maxBuffer, 'tail');
    let timedOut = false;
    let settled = false;
    let lastOutputAt = Date.now();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const group = options.processGroup && child.pid !== undefined ? child.pid : null;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    // SIGTERM first so well-behaved tools clean up; SIGKILL for whatever is left after the grace.
    const endGroup = (pgid: number) => {
      if (graceTimer) return;
      signalGroup(pgid, 'SIGTERM');
      graceTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), options.killGraceMs ?? 2_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      if (group !== null) endGroup(group);
      else child.kill('SIGKILL');
    }, timeoutMs);
    if (group !== null) {
      options.onSpawn?.(group);
    } else if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const flushes = options.onLine
      ? [
          splitLines(child.stdout!, (l) => options.onLine!(l, 'stdout')),
          splitLines(child.stderr!, (l) => options.onLine!(l, 'stderr')),
        ]
      : [];
    child.stdout!.on('data', (d: Buffer) => {
      lastOutputAt = Date.now();
      out.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => {
      lastOutputAt = Date.now();
      err.push(d);
    });
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(spawnFailure(command, e));
    });
    child.on('exit', (code, signal) => {
      // The leader is done: what it left running in the background must not outlive it.
      if (group !== null) endGroup(group);
      if (settled) return;
      // A leftover process (outside the group, or without one) may hold the pipes open for good:
      // once what the command wrote has been read, stop waiting for them.
      const exitedAt = Date.now();
      const waitForPipes = () => {
        const now = Date.now();
        if (now - lastOutputAt < PIPE_QUIET_MS && now - exitedAt < PIPE_MAX_WAIT_MS) {
          drainTimer = setTimeout(waitForPipes, PIPE_QUIET_MS);
          return;
        }
        // One more poll phase first: output already in the pipe is read before we let go.
        setImmediate(() => {
          if (settled) return;
          if (Date.now() - lastOutputAt < PIPE_QUIET_MS && Date.now() - exitedAt < PIPE_MAX_WAIT_MS) {
            drainTimer = setTimeout(waitForPipes, PIPE_QUIET_MS);
            return;
          }
          for (const flush of flushes) flush();
          child.stdout!.destroy();
          child.stderr!.destroy();
          finish(code, signal);
        });
      };
      drainTimer = setTimeout(waitForPipes, PIPE_QUIET_MS);
    });
    child.on('close', (code, signal) => finish(code, signal));

    function finish(code: number | null, signal: NodeJS.Signals | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      // Pipes closed but something of the group ignored SIGTERM: it had its grace.
      if (group !== null && groupAlive(group)) signalGroup(group, 'SIGKILL');
      const stdoutBuffer = out.buffer();
      const cut = cutNote(out.dropped, err.dropped, maxBuffer);
      const result: RunResult = {
        command,
        args,
        code,
        signal,
        stdout: stdoutBuffer.toString('utf8'),
        stderr: err.buffer().toString('utf8'),
        stdoutBuffer: options.binary ? stdoutBuffer : undefined,
        ...(cut ? { outputCut: cut } : {}),
      };
      const shown = `${command} ${args.join(' ')}`;
      if (timedOut) {
        reject(
          new BraidError(
            'E_TIMEOUT',
            `${shown} did not finish within ${Math.round(timeoutMs / 1000)} s${cut ? ` (${cut})` : ''}`,
            'Raise the timeout or check what the command waits for.',
            result,
          ),
        );
      } else if (code !== 0 && !options.allowFailure) {
        reject(new ProcessError(result));
      } else if (out.dropped && !options.onLine) {
        // A caller that parses stdout must not get a silently shortened one.
        reject(
          new BraidError(
            'E_PROCESS',
            `${shown} wrote more than maxBuffer allows: ${cut}`,
            'Raise maxBuffer for this command, or read its output with onLine.',
            result,
          ),
        );
      } else {
        resolve(result);
      }
    }
    child.stdin!.on('error', () => {}); // a command that exits without reading its input is not an error
    child.stdin!.end(options.input ?? '');
  });
}

function spawnFailure(command: string, err: unknown): BraidError {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') {
    return new BraidError(
      'E_TOOL_MISSING',
      `${command} is not installed (or not on PATH)`,
      toolHint(command),
    );
  }
  return new BraidError('E_PROCESS', `could not start ${command}: ${e?.message ?? String(err)}`);
}

const TOOL_HINTS: Record<string, string> = {
  git: 'Install git 2.38 or newer (Debian: apt-get install git).',
  tmux: 'Install tmux (Debian: apt-get install tmux), or start the task with --headless.',
  bwrap: 'Install bubblewrap (Debian: apt-get install bubblewrap).',
  claude: 'Install Claude Code: npm install -g @anthropic-ai/claude-code',
  codex: 'Install Codex: npm install -g @openai/codex',
  aider: 'Install aider: pipx install aider-chat',
};

export function toolHint(command: string): string {
  return TOOL_HINTS[command] ?? `Install ${command} or put it on PATH.`;
}

/**
 * `sh -c command` with its stderr joined to its stdout, as a terminal shows them: one pipe keeps the
 * order they were written in (a test runner's summary after its failures). The command is an argument, never spliced.
 */
export function shellArgsOneStream(command: string): string[] {
  return ['-c', 'exec 2>&1; exec sh -c "$1"', 'sh', command];
}
