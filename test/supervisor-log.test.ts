import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventLogPath, type LoggedEvent, readEventLog } from '../src/orchestrate/supervisor/event-log.js';
import { openProject, type Project } from '../src/project/project.js';
import { appendEvent } from '../src/store/events.js';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import { closeProject } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

/** A real detached supervisor with a short reconcile loop, kept alive while the test writes events. */
const ENV = {
  BRAID_NO_SUPERVISOR: '0',
  BRAID_SUPERVISOR_RECONCILE_MS: '150',
  BRAID_SUPERVISOR_RADAR_MS: '60000',
  BRAID_SUPERVISOR_GRACE_MS: '60000',
};

let repo: TempRepo;
let project: Project | null = null;

beforeAll(async () => {
  await requireBuiltCli();
}, 120_000);

afterEach(async () => {
  if (project) {
    await closeProject(project);
    project = null;
  }
  repo?.cleanup();
});

const logged = (p: Project): Array<LoggedEvent & Record<string, unknown>> =>
  readEventLog(eventLogPath(p.repo.commonDir)) as Array<LoggedEvent & Record<string, unknown>>;

async function waitLogged(p: Project, partial: Record<string, unknown>) {
  const match = (e: Record<string, unknown>) => Object.entries(partial).every(([k, v]) => e[k] === v);
  await until(`a logged ${JSON.stringify(partial)}`, () => logged(p).some(match), 15_000);
  return logged(p).filter(match);
}

async function cli(args: string[]) {
  const res = await runCli(repo.dir, args, { env: ENV });
  expect(res.code, res.stderr).toBe(0);
}

describe("the supervisor's log", () => {
  it('relays the union events in words, once each, across a restart; hooks and status changes stay out', async () => {
    repo = await tempRepo();
    const p = await openProject(repo.dir, {});
    project = p;
    await cli(['up', '--json']);
    appendEvent(p.store, 't1', 'budget.warned', { reason: 'task used 85 %' });
    await waitLogged(p, { kind: 'budget.warned', task: 't1', line: 't1: budget warning: task used 85 %' });
    // Earlier supervisors' readers know budget lines by this shape.
    await waitLogged(p, { kind: 'budget', message: 't1: budget warning: task used 85 %' });

    // Recorded while no supervisor runs: the next one goes on where this one stopped.
    await cli(['down', '--json']);
    appendEvent(p.store, 't1', 'hook.received', { event: 'Stop' });
    appendEvent(p.store, 't1', 'land.rejected', { reason: 'the gate failed' });
    await cli(['up', '--json']);
    const rejected = await waitLogged(p, { kind: 'land.rejected', task: 't1' });
    expect(rejected).toEqual([expect.objectContaining({ line: 't1: not landed: the gate failed' })]);
    expect(logged(p).filter((e) => e.kind === 'budget.warned')).toHaveLength(1);
    expect(logged(p).filter((e) => e.kind === 'hook.received')).toEqual([]);
  }, 60_000);
});
