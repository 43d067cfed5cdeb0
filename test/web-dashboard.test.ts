import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/exec/pid.js';
import type { Project } from '../src/project/project.js';
import { handleOf, startSession } from '../src/session/lifecycle.js';
import { getTask } from '../src/store/tasks.js';
import { saveSamples } from '../src/supervisor/samples.js';
import { startWebServer, type WebServer } from '../src/web/server.js';
import { provisionTask } from '../src/workspace/provision.js';
import { runCli } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';

const ARTIFACTS = path.resolve('test/artifacts');

let repo: TempRepo;
let project: Project;
let server: WebServer;
let browser: Browser;
let page: Page;

/** Two replies of a Claude Code transcript, a minute apart, as the chart reads them. */
function writeTranscript(file: string): void {
  const line = (i: number, at: string, input: number, output: number) =>
    JSON.stringify({
      type: 'assistant',
      timestamp: at,
      sessionId: 'sess-web',
      requestId: `req-${i}`,
      message: {
        id: `msg-${i}`,
        model: 'claude-sonnet-4-5-20250929',
        usage: { input_tokens: input, output_tokens: output },
      },
    });
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, '.000Z');
  writeFileSync(
    file,
    `${line(1, iso(now - 120_000), 1000, 200)}\n${line(2, iso(now - 60_000), 3000, 500)}\n`,
  );
}

/** `braid hook <event>` as a separate process, the way Claude Code fires it from the task's worktree. */
function fireHook(cwd: string, task: string, event: string, payload: Record<string, unknown>) {
  const body = { session_id: 'sess-web', cwd, hook_event_name: event, ...payload };
  return runCli(cwd, ['hook', event], { env: { BRAID_TASK: task }, input: JSON.stringify(body) });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  repo = await tempRepo({ files: { 'README.md': '# sample\n', 'app.js': 'console.log(1);\n' } });
  project = await projectFor(repo.dir, 'ports: { names: [PORT], range: [4300, 4399], block: 1 }\n');
  await provisionTask(project, { name: 'alpha', prompt: 'clean task' });
  const beta = await provisionTask(project, { name: 'beta', prompt: 'task with work' });
  writeFileSync(path.join(beta.worktree, 'app.js'), 'console.log("changed");\n');
  writeFileSync(path.join(beta.worktree, 'notes.txt'), 'brand new file\n');
  const delta = await provisionTask(project, { name: 'delta', prompt: 'finished task' });
  writeFileSync(path.join(delta.worktree, 'feature.txt'), 'landed feature\n');
  await g(delta.worktree, 'add', '-A');
  await g(delta.worktree, 'commit', '-qm', 'delta: add feature');
  await provisionTask(project, { name: 'gamma', agent: 'shell', prompt: 'sleep 600', headless: true });
  await startSession(project, 'gamma', { headless: true });
  server = await startWebServer(project, { live: { pollMs: 200, radarMs: 1000, refreshMs: 1000 } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox'],
    headless: true,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await server?.landIdle();
  await browser?.close();
  await server?.close();
  const gamma = project && getTask(project.store.db, 'gamma');
  const pid = gamma ? handleOf(gamma)?.pid : null;
  if (pid && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  project?.close();
  repo?.cleanup();
});

const row = (task: string) => page.locator(`#overview tr[data-task="${task}"]`);
const statusOf = (task: string) => row(task).locator('[data-role="status"]');

describe('web dashboard in Chromium', () => {
  it('loads with the token and shows the tasks with their ports; refuses the page without it', async () => {
    const context = await browser.newContext();
    const anonymous = await context.newPage();
    const denied = await anonymous.goto(`http://127.0.0.1:${server.port}/`);
    expect(denied?.status()).toBe(401);
    const api = await anonymous.goto(`http://127.0.0.1:${server.port}/api/snapshot`);
    expect(api?.status()).toBe(401);
    await context.close();

    const res = await page.goto(server.url);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar for the cookie
    await statusOf('alpha').waitFor();
    expect(await statusOf('beta').textContent()).toBe('idle');
    const portLink = row('alpha').locator('a[href^="http://127.0.0.1:43"]');
    expect(await portLink.getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:43\d\d\/$/);
    // beta and delta both touch the tree: the radar matrix has a row per live task.
    await page.locator('#radar table.matrix td[data-pair="beta|delta"]').waitFor();
  });

  it('shows a status change fired by the agent hook without a reload, and charts its transcript', async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    const alpha = getTask(project.store.db, 'alpha');
    const transcript = path.join(repo.parent, 'sess-web.jsonl');
    writeTranscript(transcript);
    const cwd = alpha?.worktree ?? repo.dir;
    await fireHook(cwd, 'alpha', 'SessionStart', { source: 'startup', transcript_path: transcript });
    await fireHook(cwd, 'alpha', 'UserPromptSubmit', { transcript_path: transcript, prompt: 'go' });
    await fireHook(cwd, 'alpha', 'Notification', {
      transcript_path: transcript,
      notification_type: 'permission_prompt',
      message: 'Claude needs your permission to use Bash',
    });
    await row('alpha').locator('[data-role="status"]', { hasText: 'waiting' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.locator('#charts path[data-task="alpha"]').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-overview.png'), fullPage: true });
  });

  it('charts a task without transcripts from the samples the supervisor stored', async () => {
    const now = Date.now();
    const tokens = (n: number) => ({ input: n, output: n / 10, cacheCreation: 0, cacheRead: 0 });
    // Three passes of the supervisor's usage loop: the first goes to the history (a row a minute), the last is the latest.
    for (const [i, n] of [1000, 4000, 9000].entries()) {
      const at = now - (2 - i) * 1000;
      const sample = {
        task: 'beta',
        at,
        rssBytes: 1e6,
        cpuPercent: 1,
        processes: 1,
        tokens: tokens(n),
        costUsd: n / 1e4,
      };
      saveSamples(project.store.db, [sample]);
    }
    const snap = await (await page.request.get(`http://127.0.0.1:${server.port}/api/snapshot`)).json();
    const beta = snap.series.find((s: { task: string }) => s.task === 'beta');
    expect(beta.source).toBe('history');
    expect(beta.points.map((p: { tokens: number }) => p.tokens)).toEqual([1100, 9900]);
    expect(beta.points.map((p: { at: number }) => p.at)).toEqual([now - 2000, now]);
    expect(beta.points.at(-1).costUsd).toBeCloseTo(0.9);
    const line = page.locator('#charts path[data-task="beta"]').first();
    await line.waitFor();
    expect(await line.getAttribute('data-source')).toBe('history');
    expect(await line.getAttribute('data-points')).toBe('2');
  });

  it('opens a task page with its diff against the base, uncommitted and untracked included', async () => {
    await row('beta').locator('td.name a').click();
    await page.locator('#diff', { hasText: 'notes.txt' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/task/beta');
    const diff = (await page.locator('#diff').textContent()) ?? '';
    expect(diff).toContain('+console.log("changed");');
    expect(diff).toContain('+brand new file');
    expect(await page.locator('#overview').isHidden()).toBe(true);
    // The page and `braid diff` share one implementation.
    const cli = await runCli(repo.dir, ['diff', 'beta']);
    expect(cli.stdout.trim()).toBe(diff.trim());
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-task-diff.png'), fullPage: true });
    await page.locator('#detail a[href="#"]').click();
    await row('delta').waitFor();
  });

  it('lands a task after confirmation: main moves, progress and the queue show it', async () => {
    const before = await repo.git('rev-parse', 'main');
    await row('delta').locator('button[data-action="land"]').click();
    await page.locator('#land[data-state="done"]').waitFor();
    expect(await page.locator('#land-log').textContent()).toContain('landed delta');
    expect(await repo.git('rev-parse', 'main')).not.toBe(before);
    expect(await repo.git('show', 'main:feature.txt')).toBe('landed feature');
    await page.locator('#queue .stage[data-stage="landed"] .card[data-task="delta"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-landed.png'), fullPage: true });
  });

  it('stops a running agent after confirmation: its process is gone', async () => {
    const pid = handleOf(getTask(project.store.db, 'gamma')!)?.pid ?? null;
    expect(pid !== null && isProcessAlive(pid)).toBe(true);
    await row('gamma').locator('button[data-action="stop"]').click();
    await row('gamma')
      .locator('[data-role="status"]', { hasText: /exited|failed/ })
      .waitFor();
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('removes a clean task after confirmation and refuses one with unlanded work', async () => {
    const gamma = getTask(project.store.db, 'gamma');
    await row('gamma').locator('button[data-action="rm"]').click();
    await row('gamma').waitFor({ state: 'detached' });
    expect(getTask(project.store.db, 'gamma')).toBeNull();
    expect(existsSync(gamma?.worktree ?? '')).toBe(false);

    await row('beta').locator('button[data-action="rm"]').click();
    await page.locator('#error', { hasText: 'not on main' }).waitFor();
    expect(getTask(project.store.db, 'beta')).not.toBeNull();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-rm-refused.png'), fullPage: true });
  });
});
