import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventLogPath } from '../src/orchestrate/supervisor/event-log.js';
import type { Project } from '../src/project/project.js';
import { appendEvent, listEvents } from '../src/store/events.js';
import { getTask } from '../src/store/tasks.js';
import { cliJson, ROOT, requireBuiltCli, runCli } from './helpers/cli.js';
import { closeProject, projectFor } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

/** A local HTTP receiver standing in for a Slack webhook and an ntfy server: every request kept. */
interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | null = null;
let received: Received[] = [];
let repo: TempRepo | null = null;
let project: Project | null = null;

async function receiver(): Promise<string> {
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.statusCode = req.url?.startsWith('/broken') ? 500 : 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const STUB_BIN = path.join(ROOT, 'test/fixtures/notify-bin');

function env(extra: Record<string, string> = {}) {
  return {
    BRAID_NO_SUPERVISOR: '0',
    BRAID_SUPERVISOR_NOTIFY_MS: '100',
    BRAID_SUPERVISOR_RADAR_MS: '60000',
    BRAID_SUPERVISOR_GRACE_MS: '60000',
    PATH: `${STUB_BIN}:${process.env.PATH}`,
    NOTIFY_SEND_LOG: path.join(repo?.parent ?? '/tmp', 'notify-send.log'),
    ...extra,
  };
}

async function cli(args: string[], e = env()) {
  const res = await runCli(repo?.dir ?? '/', args, { env: e });
  expect(res.code, res.stderr).toBe(0);
  return res;
}

const desktopShown = () => {
  const file = env().NOTIFY_SEND_LOG;
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string[])
    : [];
};

beforeAll(async () => {
  await requireBuiltCli();
}, 120_000);

afterEach(async () => {
  if (project) {
    await closeProject(project);
    project = null;
  }
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  repo?.cleanup();
  repo = null;
});

describe('notifications', () => {
  it('tells the webhook, ntfy and the desktop about each chosen event once, across a restart', async () => {
    const url = await receiver();
    repo = await tempRepo();
    const p = await projectFor(
      repo.dir,
      `notify:\n  webhook: ${url}/hook/T0/secret\n  ntfy: ${url}/topic-secret\n  desktop: true\n` +
        '  events: [waiting, landed, budget]\n',
    );
    project = p;

    const test = await runCli(repo.dir, ['notify', '--test', '--json'], { env: env() });
    expect(test.code, test.stderr).toBe(0);
    expect(JSON.parse(test.stdout).results).toEqual([
      expect.objectContaining({ channel: 'webhook', target: `${url}/***`, ok: true, error: null }),
      expect.objectContaining({ channel: 'ntfy', target: `${url}/***`, ok: true }),
      expect.objectContaining({ channel: 'desktop', target: 'notify-send', ok: true }),
    ]);
    expect(received.map((r) => r.path).sort()).toEqual(['/hook/T0/secret', '/topic-secret']);
    expect(desktopShown()).toEqual([
      ['--app-name=braid', 'braid repo: test', 'A test notification from braid in repo.'],
    ]);
    received = [];

    await cli(['up', '--json']);
    const waiting = appendEvent(p.store, 't1', 'status.changed', {
      from: 'working',
      to: 'waiting',
      source: 'hook',
      detail: 'Claude needs your permission to use Bash',
    });
    appendEvent(p.store, 't1', 'status.changed', {
      from: 'working',
      to: 'failed',
      source: 'hook',
      detail: null,
    });
    const landed = appendEvent(p.store, 't2', 'land.landed', { commit: 'c0ffee1234567890', mainBefore: 'x' });
    await until('two webhook and two ntfy requests', () => received.length >= 4, 15_000);
    await until('two desktop notifications', () => desktopShown().length >= 3, 15_000);

    const hooks = received.filter((r) => r.path.startsWith('/hook')).map((r) => JSON.parse(r.body));
    expect(hooks).toEqual([
      expect.objectContaining({
        text: `braid repo: t1 needs input\nt1 needs input: Claude needs your permission to use Bash`,
        event: 'waiting',
        task: 't1',
        repo: 'repo',
        eventId: waiting,
      }),
      expect.objectContaining({
        event: 'landed',
        task: 't2',
        eventId: landed,
        message: 't2 landed (c0ffee1234)',
      }),
    ]);
    const ntfy = received.filter((r) => r.path === '/topic-secret');
    expect(ntfy.map((r) => [r.body, r.headers.title])).toEqual([
      ['t1 needs input: Claude needs your permission to use Bash', 'braid repo: t1 needs input'],
      ['t2 landed (c0ffee1234)', 'braid repo: t2 landed'],
    ]);
    expect(desktopShown().slice(1)).toEqual([
      [
        '--app-name=braid',
        'braid repo: t1 needs input',
        't1 needs input: Claude needs your permission to use Bash',
      ],
      ['--app-name=braid', 'braid repo: t2 landed', 't2 landed (c0ffee1234)'],
    ]);

    // Recorded while no supervisor runs: the next one tells it, and nothing twice.
    await cli(['down', '--json']);
    const budget = appendEvent(p.store, 't3', 'status.changed', {
      from: 'exited',
      to: 'paused',
      source: 'process',
      detail: 'budget: task spent $5.20 of $5.00',
    });
    await cli(['up', '--json']);
    await until('the budget notification', () => received.length >= 6, 15_000);
    const ids = received.filter((r) => r.path.startsWith('/hook')).map((r) => JSON.parse(r.body).eventId);
    expect(ids).toEqual([waiting, landed, budget]);
    const list = await cliJson<{ deliveries: Array<{ state: string; eventId: number }> }>(
      repo.dir,
      ['notify'],
      env(),
    );
    expect(list.deliveries).toHaveLength(9);
    expect(list.deliveries.every((d) => d.state === 'sent')).toBe(true);
  }, 90_000);

  it('tells a headless run that ended on a usage limit as limited, never as failed first', async () => {
    const url = await receiver();
    repo = await tempRepo();
    const p = await projectFor(repo.dir, `notify:\n  webhook: ${url}/hook\n  events: [failed, limited]\n`);
    project = p;
    await cli(['up', '--json']);
    // The run's last word is Claude's result for a usage limit, then it exits 1: no hook told the limit.
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const result = JSON.stringify({
      type: 'result',
      subtype: 'error_during_execution',
      is_error: true,
      result: `Claude AI usage limit reached|${reset}`,
    });
    await cli(['new', 'capped', '--agent', 'shell', '--headless', '-p', `echo '${result}'; exit 1`]);

    type Deliveries = { deliveries: Array<{ state: string; event: string; task: string | null }> };
    const sent = await until(
      'the limited notification sent',
      async () => {
        const list = await cliJson<Deliveries>(repo?.dir ?? '', ['notify'], env());
        return list.deliveries.some((d) => d.event === 'limited' && d.state === 'sent') && list.deliveries;
      },
      30_000,
    );
    // A failed on the way would have been recorded before the limit (its event comes first).
    expect(sent.map((d) => [d.task, d.event])).toEqual([['capped', 'limited']]);
    const task = getTask(p.store, 'capped');
    expect(task).toMatchObject({ status: 'limited', exitCode: 1 });
    const statuses = listEvents(p.store, { task: 'capped', kinds: ['status.changed'] }).map((e) => e.data.to);
    expect(statuses).not.toContain('failed');
    expect(received.map((r) => JSON.parse(r.body).event)).toEqual(['limited']);
  }, 90_000);

  it('retries a failing endpoint, then records the failure without the secret; braid carries on', async () => {
    repo = await tempRepo();
    // A port nobody listens on: the server above, closed again, frees its own.
    const refused = await receiver();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
    const live = await receiver();
    const p = await projectFor(
      repo.dir,
      `notify:\n  webhook: ${live}/broken/secret-path\n  ntfy: ${refused}/topic-secret\n`,
    );
    project = p;
    const e = env({ BRAID_NOTIFY_RETRY_MS: '50' });
    await cli(['up', '--json'], e);
    appendEvent(p.store, 't1', 'status.changed', {
      from: 'working',
      to: 'waiting',
      source: 'hook',
      detail: null,
    });

    const failed = await until(
      'both deliveries recorded as failed',
      async () => {
        const r = await cliJson<{ deliveries: Array<Record<string, unknown>> }>(
          repo?.dir ?? '',
          ['notify', '--failed'],
          e,
        );
        return r.deliveries.length === 2 && r.deliveries;
      },
      30_000,
    );
    expect(failed).toEqual([
      expect.objectContaining({
        channel: 'ntfy',
        state: 'failed',
        attempts: 4,
        lastError: expect.stringMatching(/ECONNREFUSED|fetch failed/),
      }),
      expect.objectContaining({
        channel: 'webhook',
        state: 'failed',
        attempts: 4,
        lastError: 'HTTP 500 Internal Server Error',
      }),
    ]);
    expect(received.filter((r) => r.path === '/broken/secret-path')).toHaveLength(4);
    const log = readFileSync(eventLogPath(p.repo.commonDir), 'utf8');
    expect(log).toContain('"kind":"notify.failed"');
    expect(log).not.toContain('secret');

    // braid is unaffected: the supervisor still runs and still serves the next event.
    const up = await cliJson<{ started: boolean }>(repo.dir, ['up'], e);
    expect(up.started).toBe(false);
    const test = await runCli(repo.dir, ['notify', '--test', '--json'], { env: e });
    expect(test.code).toBe(1);
    const results = JSON.parse(test.stdout).results as Array<{ channel: string; ok: boolean; error: string }>;
    expect(results.map((r) => [r.channel, r.ok])).toEqual([
      ['webhook', false],
      ['ntfy', false],
    ]);
    expect(JSON.stringify(results)).not.toContain('secret');
  }, 90_000);
});
