import { eventLine } from '../../core/event-lines.js';
import { type BraidEvent, isKind } from '../../core/events.js';
import { formatDuration, table } from '../../core/format.js';
import type { ProgressView } from './runner.js';

/** The live block: one line per task (state, session status, elapsed, tokens, cost), then the queue. */
export function renderProgress(view: ProgressView): string[] {
  const rows = view.tasks.map((t) => [
    t.name,
    t.state === 'running' && t.status ? `running (${t.status})` : t.state,
    t.elapsedMs === null ? '-' : formatDuration(t.elapsedMs),
    t.tokens === null ? '-' : String(t.tokens),
    t.costUsd === null ? '-' : `$${t.costUsd.toFixed(4)}`,
  ]);
  const counts = new Map<string, number>();
  for (const t of view.tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
  return [
    ...table(['TASK', 'STATE', 'TIME', 'TOKENS', 'COST'], rows).split('\n'),
    `queue: ${view.queue.length ? view.queue.join(', ') : '(empty)'}`,
    `${formatDuration(view.elapsedMs)} elapsed; ${summary}`,
  ];
}

/** The block is redrawn only on a terminal: in a log file or a pipe it would be a flood of escapes. */
export function isLiveTerminal(out: Pick<NodeJS.WriteStream, 'isTTY'>): boolean {
  return out.isTTY === true;
}

/**
 * Redraws the progress block in place on a terminal; event lines scroll above it.
 * Off a terminal nothing is redrawn: only the event lines (state changes) are appended.
 */
/** The terminal the block is drawn on (process.stderr), as much of it as the block uses. */
export type ProgressTerminal = Pick<
  NodeJS.WriteStream,
  'write' | 'columns' | 'isTTY' | 'moveCursor' | 'cursorTo' | 'clearScreenDown'
>;

export class LiveProgress {
  private drawn = 0;
  private last: string[] = [];

  constructor(
    private readonly out: ProgressTerminal,
    private readonly live = isLiveTerminal(out),
  ) {}

  event(line: string): void {
    if (!this.live) {
      this.out.write(`${line}\n`);
      return;
    }
    this.clear();
    this.out.write(`${line}\n`);
    this.draw(this.last);
  }

  update(view: ProgressView): void {
    if (!this.live) return;
    const lines = renderProgress(view);
    this.clear();
    this.draw(lines);
  }

  /** Leaves the last block on screen, with the cursor below it. */
  finish(): void {
    this.drawn = 0;
  }

  private clear(): void {
    // Up to the first line of the block, then erase to the end of the screen.
    if (this.drawn > 0) {
      this.out.moveCursor(0, -this.drawn);
      this.out.cursorTo(0);
      this.out.clearScreenDown();
    }
    this.drawn = 0;
  }

  private draw(lines: string[]): void {
    this.last = lines;
    const width = this.out.columns || 120;
    for (const l of lines) this.out.write(`${l.slice(0, width - 1)}\n`);
    this.drawn = lines.length;
  }
}

/**
 * The event lines of a run's progress: the run's own `plan.*` events, and its tasks' budget warnings
 * and stops and refused tool uses, whoever recorded them. Null for every other event.
 */
export function progressLine(e: BraidEvent, runId: string, tasks: ReadonlySet<string>): string | null {
  if (e.kind.startsWith('plan.')) return (e.data as { runId?: string }).runId === runId ? eventLine(e) : null;
  if (!e.task || !tasks.has(e.task)) return null;
  const shown = isKind(e, 'budget.warned', 'budget.stopping', 'budget.stopped', 'agent.permission-denied');
  return shown ? eventLine(e) : null;
}
