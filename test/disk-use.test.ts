import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { provisionTask } from '../src/isolate/workspace/provision.js';
import { DiskLoop } from '../src/orchestrate/supervisor/disk-loop.js';
import { openStore } from '../src/store/db.js';
import { diskUses } from '../src/store/disk.js';
import { updateTask } from '../src/store/tasks.js';
import { cliJson } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { repoPerTest, startShellTask } from './helpers/shell-task.js';
import { until } from './helpers/wait.js';

const makeRepo = repoPerTest();

const MB = 1024 * 1024;
interface LsTask {
  name: string;
  status: string;
  diskBytes: number | null;
  diskMeasuredAt: number | null;
}

describe('disk use', () => {
  it('ls --fresh measures each worktree (node_modules too), ls and stats show the figure, gc reports what it frees', async () => {
    const repo = await makeRepo({ files: { 'braid.yaml': 'deps: none\n', 'README.md': 'x\n' } });
    const dir = repo.dir;
    const script =
      'mkdir -p node_modules/pkg && head -c 3000000 /dev/urandom > node_modules/pkg/blob && touch done';
    const wt = await startShellTask(repo, 'big', script);
    await until('the blob written', () => existsSync(path.join(wt, 'done')));

    const before = Date.now();
    const fresh = await cliJson<{ tasks: LsTask[] }>(dir, ['ls', '--fresh']);
    const big = fresh.tasks.find((t) => t.name === 'big');
    expect(big?.diskBytes).toBeGreaterThanOrEqual(3_000_000);
    expect(big?.diskBytes).toBeLessThan(50 * MB);
    expect(big?.diskMeasuredAt).toBeGreaterThanOrEqual(before);
    // Without --fresh: the recorded figure, not a new walk.
    const cached = await cliJson<{ tasks: LsTask[] }>(dir, ['ls']);
    expect(cached.tasks.find((t) => t.name === 'big')).toMatchObject({
      diskBytes: big?.diskBytes,
      diskMeasuredAt: big?.diskMeasuredAt,
    });
    const stats = await cliJson<{
      tasks: Array<{ name: string; diskBytes: number }>;
      total: { diskBytes: number };
    }>(dir, ['stats']);
    expect(stats.tasks.find((t) => t.name === 'big')?.diskBytes).toBe(big?.diskBytes);
    expect(stats.total.diskBytes).toBe(big?.diskBytes);

    // A worktree no task owns: gc backs it up, removes it and says how much that freed.
    const orphan = path.join(repo.parent, 'repo.braid', 'orphan');
    await repo.git('worktree', 'add', '-q', '-b', 'braid/orphan', orphan, 'main');
    writeFileSync(path.join(orphan, 'leftover.bin'), Buffer.alloc(2_000_000, 7));
    // A landed task still on disk is reclaimable by braid rm, which gc names but never runs.
    const store = openStore(path.join(dir, '.git'));
    updateTask(store, 'big', { status: 'landed' });
    store.close();
    const gc = await cliJson<{
      actions: Array<{ kind: string; target: string; bytes?: number }>;
      reclaimedBytes: number;
      reclaimable: Array<{ task: string; bytes: number; how: string }>;
    }>(dir, ['gc']);
    const removed = gc.actions.find((a) => a.kind === 'orphan-worktree');
    expect(removed?.target).toBe(orphan);
    expect(removed?.bytes).toBeGreaterThanOrEqual(2_000_000);
    expect(gc.reclaimedBytes).toBe(removed?.bytes);
    expect(existsSync(orphan)).toBe(false);
    expect(gc.reclaimable).toEqual([
      expect.objectContaining({ task: 'big', how: 'braid rm big', bytes: expect.any(Number) }),
    ]);
    expect(gc.reclaimable[0].bytes).toBeGreaterThanOrEqual(
      statSync(path.join(wt, 'node_modules/pkg/blob')).size,
    );
  }, 90_000);

  it("the supervisor's disk loop measures each task once per interval and keeps the figure in the store", async () => {
    const repo = await makeRepo({ files: { 'braid.yaml': 'deps: none\n', 'README.md': 'x\n' } });
    const project = await projectFor(repo.dir);
    try {
      const task = await provisionTask(project, { name: 'measured' });
      writeFileSync(path.join(task.worktree, 'data.bin'), Buffer.alloc(1_500_000, 1));
      const loop = new DiskLoop(project, 60_000);
      await loop.pass();
      const first = diskUses(project.store).get('measured');
      expect(first?.bytes).toBeGreaterThanOrEqual(1_500_000);
      // Measured less than an interval ago: the next pass leaves it.
      writeFileSync(path.join(task.worktree, 'more.bin'), Buffer.alloc(1_500_000, 2));
      await loop.pass();
      expect(diskUses(project.store).get('measured')).toEqual(first);
      // Past the interval it measures again.
      await new DiskLoop(project, 0).pass();
      expect(diskUses(project.store).get('measured')?.bytes).toBeGreaterThanOrEqual(3_000_000);
    } finally {
      project.close();
    }
  });
});
