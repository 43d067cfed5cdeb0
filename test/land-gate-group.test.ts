import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liveGroupMembers } from '../src/exec/process-group.js';
import { enqueueTasks, processQueue } from '../src/land/land.js';
import { getTask } from '../src/store/tasks.js';
import { type LandFixture, landFixture } from './helpers/land.js';

let fx: LandFixture;
afterEach(() => fx?.close());

/** Live (non-zombie) members of a process group. */
const groupMembers = (pgid: number): number[] => liveGroupMembers(pgid) ?? [];

describe('the gate process group', () => {
  it('a gate that outlives its timeout is ended with all its children, and the task is rejected for it', async () => {
    fx = await landFixture({
      config: { gate_timeout: 1 },
      // On the hanging candidate: background and foreground sleepers that hold the output pipes.
      gateExtra: `if grep -qs HANG *.txt; then
  read -r _ _ _ _ pgrp _ < /proc/$$/stat
  echo "$pgrp" >> "$(dirname "$0")/groups"
  sleep 600 & sleep 600
fi`,
    });
    await fx.addTask('hang', { 'h.txt': 'HANG\n' });
    const before = await fx.repo.git('rev-parse', 'main');

    enqueueTasks(fx.ctx, ['hang']);
    const res = await processQueue(fx.ctx);

    if (!res.ran) throw new Error('queue lock unexpectedly held');
    expect(res.outcomes[0]).toMatchObject({ task: 'hang', state: 'rejected' });
    expect(res.outcomes[0].reason).toMatch(/^the gate timed out after 1 s on the candidate, twice/);
    expect(getTask(fx.ctx.store, 'hang')!.statusDetail).toMatch(/timed out/);
    expect(await fx.repo.git('rev-parse', 'main')).toBe(before);
    const groups = readFileSync(path.join(fx.repo.parent, 'groups'), 'utf8').trim().split('\n');
    expect(groups).toHaveLength(2); // tried, retried
    for (const g of groups) expect(groupMembers(Number(g))).toEqual([]);
    const log = readFileSync(res.outcomes[0].gateLog!, 'utf8');
    expect(log).toMatch(/timed out after 1 s/);
    // Main alone passed: the task, not main, is blamed.
    expect(fx.gateRuns().map((r) => r.passed)).toEqual([true]);
  });
});
