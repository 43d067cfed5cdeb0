import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLiveTerminal, LiveProgress, renderProgress } from '../src/orchestrate/plan/progress.js';
import type { TaskReport } from '../src/orchestrate/plan/report.js';
import { runTotals } from '../src/orchestrate/plan/report.js';
import type { ProgressView } from '../src/orchestrate/plan/runner.js';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import { type PlanRepo, planRepo, planYaml, snapshot } from './helpers/plan-run.js';

/** A stream that records what was written and where the cursor was sent, a terminal or not as asked. */
function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const record = (s: string) => chunks.push(s) > 0;
  return {
    isTTY,
    columns: 80,
    write: (s: string) => record(s),
    moveCursor: (dx: number, dy: number) => record(`<move ${dx},${dy}>`),
    cursorTo: (x: number) => record(`<column ${x}>`),
    clearScreenDown: () => record('<erase down>'),
    text: () => chunks.join(''),
  };
}

/** Back to the first line of a six-line block, then erase to the end of the screen. */
const ERASE_BLOCK = '<move 0,-6><column 0><erase down>';

const view: ProgressView = {
  elapsedMs: 75_000,
  tasks: [
    { name: 'alpha', state: 'landed', status: 'landed', elapsedMs: 42_000, tokens: 1234, costUsd: 0.0123 },
    { name: 'beta', state: 'running', status: 'working', elapsedMs: 9_000, tokens: 50, costUsd: null },
    { name: 'gamma', state: 'pending', status: null, elapsedMs: null, tokens: null, costUsd: null },
  ],
  queue: ['delta'],
};

describe('live progress', () => {
  it('renders one line per task with its state, elapsed time, tokens and cost, then the queue', () => {
    const lines = renderProgress(view);
    expect(lines[0]).toMatch(/^TASK\s+STATE\s+TIME\s+TOKENS\s+COST$/);
    expect(lines[1]).toMatch(/^alpha\s+landed\s+42s\s+1234\s+\$0\.0123$/);
    expect(lines[2]).toMatch(/^beta\s+running \(working\)\s+9s\s+50\s+-$/);
    expect(lines[3]).toMatch(/^gamma\s+pending\s+-\s+-\s+-$/);
    expect(lines[4]).toBe('queue: delta');
    expect(lines[5]).toBe('1m15s elapsed; 1 landed, 1 running, 1 pending');
    expect(renderProgress({ ...view, queue: [] })[4]).toBe('queue: (empty)');
  });

  it('on a terminal redraws the block in place, with event lines scrolling above it', () => {
    const out = fakeStream(true);
    const display = new LiveProgress(out);
    display.update(view);
    const first = out.text();
    expect(first).toContain('alpha');
    expect(first).not.toMatch(/<(move|column|erase)/);
    display.event('beta: started');
    display.update({ ...view, queue: [] });
    const after = out.text().slice(first.length);
    // Up six lines and erase, then the event, then the block again (twice: after the event, after the update).
    expect(after.startsWith(ERASE_BLOCK)).toBe(true);
    expect(after).toContain('beta: started\n');
    expect(after.split(ERASE_BLOCK)).toHaveLength(3);
    expect(after.endsWith('queue: (empty)\n1m15s elapsed; 1 landed, 1 running, 1 pending\n')).toBe(true);
  });

  it('off a terminal is quiet: no block, no escapes, only the event lines', () => {
    const out = fakeStream(false);
    expect(isLiveTerminal(out)).toBe(false);
    const display = new LiveProgress(out);
    display.update(view);
    display.event('alpha: landed');
    display.update(view);
    display.finish();
    expect(out.text()).toBe('alpha: landed\n');
  });
});

const report = (name: string, tokens: number | null, costUsd: number | null): TaskReport => ({
  name,
  outcome: 'landed',
  reason: null,
  durationMs: null,
  tokens: tokens === null ? null : { input: tokens, output: 10, cacheCreation: 0, cacheRead: 5 },
  costUsd,
  landedCommit: null,
  refused: null,
});

describe('report figures', () => {
  it('sums durations, tokens and cost; the speed-up is task time over wall time', () => {
    const started = 1_000_000;
    const memory = {
      startedAt: new Map([
        ['a', started],
        ['b', started + 1_000],
        ['c', started - 5_000], // adopted from an earlier run: only its time in this one counts
        ['d', started + 2_000], // still running: no end, no time
      ]),
      finishedAt: new Map([
        ['a', started + 10_000],
        ['b', started + 9_000],
        ['c', started + 3_000],
      ]),
    };
    const reports = [
      report('a', 100, 0.5),
      report('b', null, null),
      report('c', 200, 0.25),
      report('d', 1, null),
    ];
    const res = runTotals(reports, memory, started, started + 10_000);
    expect(res.wallMs).toBe(10_000);
    expect(res.totals.taskMs).toBe(10_000 + 8_000 + 3_000);
    expect(res.totals.speedup).toBeCloseTo(2.1, 10);
    expect(res.totals.tokens).toBe(115 + 215 + 16);
    expect(res.totals.costUsd).toBeCloseTo(0.75, 10);
    const none = runTotals([report('b', null, null)], { startedAt: new Map(), finishedAt: new Map() }, 0, 5);
    expect(none.totals).toEqual({ tokens: 0, costUsd: null, taskMs: 0, speedup: null });
  });
});

describe('braid run --max-parallel', () => {
  let ctx: PlanRepo | null = null;
  afterEach(async () => {
    await ctx?.cleanup();
    ctx = null;
  });

  it('never has more than N tasks running at once, by the recorded start and end times', async () => {
    await requireBuiltCli();
    ctx = await planRepo();
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    // Each task checks in, then waits until two have: the first two run together, whatever the load.
    const checkIns = path.join(ctx.repo.parent, 'check-ins');
    mkdirSync(checkIns);
    const meet = (name: string) =>
      `touch '${checkIns}/${name}'; while [ "$(ls '${checkIns}' | wc -l)" -lt 2 ]; do sleep 0.05; done`;
    const tasks = names.map((name) => ({
      name,
      script: `@run ${meet(name)} ;; @write ${name}.txt x ;; @commit ${name}`,
    }));
    // The flag wins over the plan's own limit.
    const file = ctx.plan(planYaml(tasks, 'max_parallel: 4\nland: manual'));
    const res = await runCli(ctx.repo.dir, ['run', file, '--max-parallel', '2'], {
      env: ctx.env,
      timeoutMs: 90_000,
    });
    expect(res.code, res.stderr).toBe(0);
    const { events } = await snapshot(ctx.repo.dir);
    const spans = names.map((name) => {
      const started = events(name, 'session.started')[0]?.at;
      const ended = events(name, 'plan.task-state').find((e) => e.data.state === 'done')?.at;
      expect(started, name).toBeDefined();
      expect(ended, name).toBeDefined();
      return { started: started as number, ended: ended as number };
    });
    const runningAt = (t: number) => spans.filter((s) => s.started <= t && s.ended > t).length;
    const most = Math.max(...spans.map((s) => runningAt(s.started)));
    expect(most).toBe(2);
  });
});
