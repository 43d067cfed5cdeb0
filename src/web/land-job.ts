/** The dashboard's land action: one landing at a time, run in the background, its progress kept for late viewers. */
import { BraidError } from '../core/errors.js';
import type { LandReport } from '../land/report.js';
import type { LandJobState } from './protocol.js';

export type LandRunner = (name: string | null, onProgress: (line: string) => void) => Promise<LandReport>;

const MAX_LINES = 500;

export class LandJobs {
  private job: LandJobState | null = null;
  private nextId = 1;
  private readonly listeners = new Set<(job: LandJobState) => void>();

  constructor(private readonly runner: LandRunner) {}

  /** The running job, or the last one finished. */
  latest(): LandJobState | null {
    return this.job;
  }

  /** Every progress line and the end of each job; returns the unsubscribe function. */
  subscribe(listener: (job: LandJobState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts landing; refuses while another landing from this dashboard is still running. */
  start(task: string | null): LandJobState {
    if (this.job?.state === 'running')
      throw new BraidError(
        'E_LOCKED',
        `a landing is already running (${this.job.task ?? 'the queue'})`,
        'Wait for it to finish: its progress shows on the dashboard.',
      );
    const job: LandJobState = {
      id: this.nextId++,
      task,
      state: 'running',
      startedAt: Date.now(),
      endedAt: null,
      lines: [],
      result: null,
      error: null,
    };
    this.job = job;
    const progress = (line: string) => {
      job.lines.push(line);
      if (job.lines.length > MAX_LINES) job.lines.splice(0, job.lines.length - MAX_LINES);
      this.emit(job);
    };
    // Runs on after the HTTP reply: the page follows it over server-sent events.
    void this.runner(task, progress).then(
      (result) => this.finish(job, 'done', result, null),
      (err: Error) =>
        this.finish(
          job,
          'failed',
          null,
          err instanceof BraidError && err.hint ? `${err.message}\n${err.hint}` : err.message,
        ),
    );
    this.emit(job);
    return job;
  }

  /** Resolves when the current job (if any) has ended. */
  async idle(): Promise<void> {
    while (this.job?.state === 'running') await new Promise((r) => setTimeout(r, 50));
  }

  private finish(
    job: LandJobState,
    state: 'done' | 'failed',
    result: LandReport | null,
    error: string | null,
  ): void {
    job.state = state;
    job.result = result;
    job.error = error;
    job.endedAt = Date.now();
    this.emit(job);
  }

  private emit(job: LandJobState): void {
    for (const l of this.listeners) {
      try {
        l(job);
      } catch {
        // A broken stream must not stop the landing.
      }
    }
  }
}
