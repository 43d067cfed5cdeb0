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
export class LiveProgress {
  private drawn = 0;
  private last: string[] = [];

  constructor(
    private readonly out: Pick<NodeJS.WriteStream, 'write' | 'columns' | 'isTTY'>,
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
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private draw(lines: string[]): void {
    this.last = lines;
    const width = this.out.columns || 120;
    for (const l of lines) this.out.write(`${l.slice(0, width - 1)}\n`);
    this.drawn = lines.length;
  }
}
