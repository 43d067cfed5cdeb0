import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnDetached } from '../src/exec/detached.js';
import { isProcessAlive } from '../src/exec/pid.js';
import { signalGroup } from '../src/exec/process-group.js';
import type { RunReport } from '../src/orchestrate/plan/report.js';
import { openOperations } from '../src/store/journal.js';
import { CLI, requireBuiltCli, runCli } from './helpers/cli.js';
import { gitEnv, type PlanRepo, planRepo, planYaml, snapshot, storeOf } from './helpers/plan-run.js';
import { until } from './helpers/wait.js';

let ctx: PlanRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

/** Starts `braid run` in its own process group, as a terminal would. */
function runInBackground(p: PlanRepo, file: string): Promise<number> {
  return spawnDetached(process.execPath, [CLI, 'run', file], {
    cwd: p.repo.dir,
    env: { ...process.env, ...gitEnv, ...p.env, NO_COLOR: '1' },
  });
}

async function runAgain(p: PlanRepo, file: string) {
  const res = await runCli(p.repo.dir, ['run', file, '--json'], { env: p.env, timeoutMs: 90_000 });
  const report = JSON.parse(res.stdout || '{}') as RunReport;
  return { res, outcome: (name: string) => report.tasks?.find((t) => t.name === name)?.outcome };
}

describe('braid run after a reboot', () => {
  it('restarts a session that died with the machine (no exit record) and completes the plan', async () => {
    const p = await planRepo();
    ctx = p;
    // victim works until the test has brought the machine down (its restart then finds the release).
    const release = path.join(p.repo.parent, 'release-victim');
    const file = p.plan(
      planYaml([
        { name: 'victim', script: `@waitfile ${release} ;; @write v.txt v ;; @commit v` },
        { name: 'after', script: '@write a.txt a ;; @commit a', needs: ['victim'] },
      ]),
    );
    const runner = await runInBackground(p, file);
    const agentPid = await until(
      'victim working',
      async () => (await snapshot(p.repo.dir)).byName.get('victim')?.pid,
    );
    // The machine goes down: braid run and the session's whole process group die at once.
    signalGroup(runner, 'SIGKILL');
    signalGroup(agentPid, 'SIGKILL');
    await until('the session is gone', async () => !isProcessAlive(agentPid));
    const lost = (await snapshot(p.repo.dir)).byName.get('victim');
    expect(lost && existsSync(lost.worktree)).toBe(true);
    writeFileSync(release, '');

    const { res, outcome } = await runAgain(p, file);
    expect(res.code, res.stderr).toBe(0);
    expect(outcome('victim')).toBe('landed');
    expect(outcome('after')).toBe('landed');
    const after = await snapshot(p.repo.dir);
    expect(after.events('victim', 'session.started')).toHaveLength(2);
    expect(after.events('victim', 'plan.task-revived')).toHaveLength(1);
    expect(await p.repo.git('show', 'main:v.txt')).toBe('v');
    expect(await p.repo.git('show', 'main:a.txt')).toBe('a');
  });

  it('killed in the middle of provisioning, the next run finishes the task', async () => {
    const p = await planRepo();
    ctx = p;
    // The setup step waits for the test's release: the task stays in provisioning until it was killed there.
    const release = path.join(p.repo.parent, 'release-setup');
    const config = p.env.BRAID_CONFIG as string;
    const setup = `while [ ! -e '${release}' ]; do sleep 0.05; done`;
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('deps: none', `deps: install\nsetup: [${JSON.stringify(setup)}]`),
    );
    const file = p.plan(planYaml([{ name: 'halfway', script: '@write h.txt h ;; @commit h' }]));
    const runner = await runInBackground(p, file);
    await until('halfway provisioning, its journal entry open', async () => {
      const task = (await snapshot(p.repo.dir)).byName.get('halfway');
      // Past the worktree step, inside the slow setup.
      if (task?.status !== 'provisioning' || !existsSync(task.worktree)) return false;
      const store = await storeOf(p.repo.dir);
      try {
        return openOperations(store, 'halfway').some((op) => op.doneSteps.includes('worktree'));
      } finally {
        store.close();
      }
    });
    signalGroup(runner, 'SIGKILL');
    await until('braid run gone', async () => !isProcessAlive(runner));
    writeFileSync(release, '');

    const { res, outcome } = await runAgain(p, file);
    expect(res.code, res.stderr).toBe(0);
    expect(outcome('halfway')).toBe('landed');
    expect(await p.repo.git('show', 'main:h.txt')).toBe('h');
    const store = await storeOf(p.repo.dir);
    try {
      expect(openOperations(store, 'halfway')).toEqual([]);
    } finally {
      store.close();
    }
  });
});
