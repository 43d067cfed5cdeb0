import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../../core/errors.js';
import { builtModule } from '../../exec/built.js';
import { spawnDetached } from '../../exec/detached.js';
import { isProcessAlive, processStartTime } from '../../exec/pid.js';
import { terminateGroup } from '../../exec/process-group.js';
import { runnerSessionState } from './runner-state.js';
import type { LaunchSpec, Runtime, SessionHandle, SessionState, StopOptions } from './types.js';

export interface HeadlessOptions {
  /** The built runner script; defaults to dist/run/runtime/headless-runner.js of this package. */
  runnerPath?: string;
}

const CAPTURE_LINES = 100;

function defaultRunnerPath(): string {
  return builtModule('run/runtime/headless-runner.js');
}

/** Detached child processes logging to a file: for CI, scripts and machines without tmux. */
export class HeadlessRuntime implements Runtime {
  readonly kind = 'headless' as const;
  private readonly runnerPath: string;

  constructor(options: HeadlessOptions = {}) {
    this.runnerPath = options.runnerPath ?? defaultRunnerPath();
  }

  async start(spec: LaunchSpec): Promise<SessionHandle> {
    if (spec.argv.length === 0) throw new BraidError('E_SESSION', `task ${spec.task} has no command`);
    if (!existsSync(this.runnerPath)) {
      throw new BraidError(
        'E_SESSION',
        `the headless runner is missing at ${this.runnerPath}`,
        'Build braid first: npm run build',
      );
    }
    mkdirSync(path.dirname(spec.logPath), { recursive: true });
    mkdirSync(path.dirname(spec.exitPath), { recursive: true });
    const args = [this.runnerPath, spec.exitPath, spec.logPath, '--', ...spec.argv];
    const pid = await spawnDetached(process.execPath, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
    });
    return { runtime: 'headless', pid, pidStart: processStartTime(pid), logPath: spec.logPath };
  }

  async state(handle: SessionHandle, exitPath: string): Promise<SessionState> {
    return runnerSessionState(handle, exitPath);
  }

  async send(): Promise<void> {
    throw new BraidError(
      'E_SESSION',
      'headless sessions take no input',
      'Start the task in tmux (without --headless) to talk to it.',
    );
  }

  async sendKeys(): Promise<void> {
    return this.send();
  }

  /** The log's last lines: the closest thing a headless session has to a screen. */
  async capture(handle: SessionHandle): Promise<string> {
    if (!handle.logPath) return '';
    try {
      const lines = readFileSync(handle.logPath, 'utf8').split('\n');
      return lines.slice(-CAPTURE_LINES - 1).join('\n');
    } catch {
      return '';
    }
  }

  async stop(handle: SessionHandle, opts: StopOptions): Promise<void> {
    const pid = handle.pid;
    if (!pid) return;
    // A live process under our pid must be our runner; a leaderless group can only be ours
    // (Linux never hands out a pid that still names a process group).
    const leaderAlive = isProcessAlive(pid);
    if (leaderAlive && !isProcessAlive(pid, handle.pidStart)) return;
    await terminateGroup(pid, opts.termMs ?? 5_000);
  }

  async remove(handle: SessionHandle): Promise<void> {
    await this.stop(handle, { termMs: 0 });
  }

  attachArgv(): string[] | null {
    return null;
  }
}
