import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { provisionTask } from '../src/isolate/workspace/provision.js';
import type { Project } from '../src/project/project.js';
import { startSession, stopSession } from '../src/run/session/lifecycle.js';
import { refreshTaskStatus } from '../src/run/session/refresh.js';
import { listEvents } from '../src/store/events.js';
import { getTask } from '../src/store/tasks.js';
import { ROOT } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

const FAKE = path.join(ROOT, 'test/fixtures/fake-claude');
let repo: TempRepo;
let project: Project;

const YAML = [
  'deps: none',
  'ports: { names: [PORT], range: [4800, 4899], block: 2 }',
  'agents:',
  '  quiet: { command: ["sh", "-c", "echo ready; exec sleep 600"], status: screen, screen_idle_seconds: 1 }',
  '  mute: { command: ["sleep", "600"], status: hooks }',
  `  fakec: { command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}, "-p", "--output-format", "stream-json", "--verbose", "{prompt}"], status: hooks }`,
  '',
].join('\n');

async function startHeadless(name: string, agent: string, prompt = ''): Promise<void> {
  await provisionTask(project, { name, agent, prompt });
  await startSession(project, name, { headless: true });
}

beforeAll(async () => {
  repo = await tempRepo();
  // Agents started here inherit this: the fake Claude's transcripts stay in the temp folder.
  vi.stubEnv('CLAUDE_CONFIG_DIR', path.join(repo.parent, 'claude-config'));
  project = await projectFor(repo.dir, YAML);
});

afterAll(async () => {
  for (const name of ['s1', 'h1', 'h2', 'c1']) {
    const task = getTask(project.store, name);
    if (task) await stopSession(project, task).catch(() => {});
  }
  project?.close?.();
  repo?.cleanup();
  vi.unstubAllEnvs();
});

describe('session status refresh', () => {
  it('reads a screen agent as working while its output changes and idle once quiet long enough', async () => {
    await startHeadless('s1', 'quiet');
    const log = getTask(project.store, 's1')?.logPath as string;
    await until(
      'ready in the log of s1',
      () => existsSync(log) && readFileSync(log, 'utf8').includes('ready'),
    );
    const t0 = Date.now();
    const first = await refreshTaskStatus(project, 's1', t0);
    expect([first?.status, first?.statusSource]).toEqual(['working', 'screen']);
    const soon = await refreshTaskStatus(project, 's1', t0 + 500);
    expect(soon?.status).toBe('working');
    const later = await refreshTaskStatus(project, 's1', t0 + 1500);
    expect([later?.status, later?.statusSource]).toEqual(['idle', 'screen']);
    const trail = listEvents(project.store, { task: 's1' }).filter((e) => e.kind === 'status.changed');
    expect(trail.map((e) => [e.data.to, e.data.source])).toEqual([
      ['working', 'screen'],
      ['idle', 'screen'],
    ]);
  });

  it('notes a hooks agent that never reported, and records the exit code once stopped', async () => {
    await startHeadless('h1', 'mute');
    // The runner makes the log before it starts the agent.
    await until('the log of h1', () => existsSync(getTask(project.store, 'h1')?.logPath as string));
    const fresh = await refreshTaskStatus(project, 'h1');
    expect([fresh?.status, fresh?.statusDetail]).toEqual(['starting', null]);
    const silent = await refreshTaskStatus(project, 'h1', Date.now() + 60_000);
    expect(silent?.status).toBe('starting');
    expect(silent?.statusDetail).toContain('no hook events yet');
    await stopSession(project, getTask(project.store, 'h1') as NonNullable<ReturnType<typeof getTask>>);
    const ended = getTask(project.store, 'h1');
    expect(ended?.status).toBe('failed');
    expect(ended?.statusSource).toBe('process');
  });

  it('a headless session stopped right after its start ends, even before its runner could record', async () => {
    await startHeadless('h2', 'mute');
    await stopSession(project, getTask(project.store, 'h2') as NonNullable<ReturnType<typeof getTask>>);
    expect(getTask(project.store, 'h2')?.status).toBe('failed');
  });

  it('says why a headless Claude run failed, from its stream-json result', async () => {
    await startHeadless('c1', 'fakec', '@fail out of ideas');
    const failed = await until('c1 to be failed', async () => {
      const t = await refreshTaskStatus(project, 'c1');
      return t?.status === 'failed' ? t : undefined;
    });
    expect(failed.exitCode).toBe(1);
    expect(failed.statusDetail).toContain('error_during_execution');
  });
});
