import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isProcessAlive } from '../src/exec/pid.js';
import { provisionTask } from '../src/isolate/workspace/provision.js';
import type { Project } from '../src/project/project.js';
import { startSession } from '../src/run/session/lifecycle.js';
import { handleOf } from '../src/run/session/reach.js';
import { appendEvent } from '../src/store/events.js';
import { saveSamples } from '../src/store/samples.js';
import { getTask, updateTask } from '../src/store/tasks.js';
import { startWebServer, type WebServer } from '../src/web/server.js';
import { ROOT, runCli } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';

const ARTIFACTS = path.resolve('test/artifacts');

let repo: TempRepo;
let project: Project;
let server: WebServer;
let browser: Browser;
let page: Page;

const FAKE = path.join(ROOT, 'test/fixtures/fake-claude');
/** fake-claude as a headless agent that fires Claude Code's hooks into `braid hook` (status: hooks). */
const FAKE_AGENT = [
  'agents:',
  '  fake:',
  `    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}, "--settings", "{settings}", "{permissions}", "--", "{prompt}"]`,
  `    headless_command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}, "-p", "--output-format", "stream-json", "--verbose", "--settings", "{settings}", "{permissions}", "--", "{prompt}"]`,
  '    status: hooks',
  '',
].join('\n');

/** What the confirm() dialogs asked, and how the next one is answered. */
const dialogs: string[] = [];
let dialogAnswer: 'accept' | 'dismiss' = 'accept';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  repo = await tempRepo({ files: { 'README.md': '# sample\n', 'app.js': 'console.log(1);\n' } });
  // The session's transcripts and the dashboard's reader meet in one private Claude config folder.
  vi.stubEnv('CLAUDE_CONFIG_DIR', path.join(repo.parent, 'claude'));
  mkdirSync(process.env.CLAUDE_CONFIG_DIR!);
  project = await projectFor(
    repo.dir,
    `ports: { names: [PORT], range: [4300, 4399], block: 1 }\n${FAKE_AGENT}`,
  );
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
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void (dialogAnswer === 'accept' ? dialog.accept() : dialog.dismiss());
  });
});

afterAll(async () => {
  await server?.landIdle();
  await browser?.close();
  await server?.close();
  for (const name of ['gamma', 'epsilon']) {
    const task = project && getTask(project.store, name);
    const pid = task ? handleOf(task)?.pid : null;
    if (!pid || !isProcessAlive(pid)) continue;
    try {
      process.kill(-pid, 'SIGKILL'); // headless sessions lead their own process group
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
  project?.close();
  repo?.cleanup();
  vi.unstubAllEnvs();
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

    // The client runs without a script error or a refused load (the console shows both).
    const problems: string[] = [];
    const onError = (err: Error) => problems.push(err.message);
    const onConsole = (msg: import('playwright-core').ConsoleMessage) => {
      if (msg.type() === 'error') problems.push(msg.text());
    };
    page.on('pageerror', onError);
    page.on('console', onConsole);
    const res = await page.goto(server.url);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar for the cookie
    await statusOf('alpha').waitFor();
    expect(await statusOf('beta').textContent()).toBe('idle');
    const portLink = row('alpha').locator('a[href^="http://127.0.0.1:43"]');
    expect(await portLink.getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:43\d\d\/$/);
    // beta and delta both touch the tree: the radar matrix has a row per live task.
    await page.locator('#radar table.matrix td[data-pair="beta|delta"]').waitFor();
    expect(await page.locator('#radar').textContent()).toContain(
      '. no overlap (independent) · - the task itself',
    );
    // Counts in the right number: beta changed two files, delta one file in one commit.
    expect(await row('beta').textContent()).toContain('2 files');
    expect(await row('delta').textContent()).toContain('1 file, 1 commit');
    // A shell task whose command runs is working, not starting.
    await row('gamma').locator('[data-role="status"]', { hasText: 'working' }).waitFor();
    page.off('pageerror', onError);
    page.off('console', onConsole);
    expect(problems).toEqual([]);
  });

  it('shows a browser notification when a task begins waiting, once "notify" is ticked', async () => {
    const context = await browser.newContext({ permissions: ['notifications'] });
    // Headless Chromium shows nothing: a stand-in records what the page asks to show.
    await context.addInitScript(() => {
      const shown: string[] = [];
      (window as unknown as { shown: string[] }).shown = shown;
      (window as unknown as { Notification: unknown }).Notification = class {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        constructor(title: string, options?: { body?: string }) {
          shown.push(`${title} | ${options?.body ?? ''}`);
        }
      };
    });
    const tab = await context.newPage();
    await tab.goto(server.url);
    await tab.locator('#overview tr[data-task="alpha"] [data-role="status"]').waitFor();
    await tab.locator('#notify').check();
    const before = getTask(project.store, 'alpha');
    updateTask(project.store, 'alpha', { status: 'waiting', statusDetail: 'Claude needs your permission' });
    try {
      await tab.waitForFunction(() => (window as unknown as { shown: string[] }).shown.length > 0);
      expect(await tab.evaluate(() => (window as unknown as { shown: string[] }).shown)).toEqual([
        'braid: alpha needs input | Claude needs your permission',
      ]);
    } finally {
      updateTask(project.store, 'alpha', {
        status: before?.status,
        statusDetail: before?.statusDetail ?? null,
      });
      await context.close();
    }
  });

  it('follows a real agent without a reload: its hook status, RAM, cost, chart and log tail', async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    // fake-claude, headless: tokens into its transcript, an idle prompt through its Notification hook, then it sits.
    // (A permission prompt in a headless run is a refusal, not a wait: nobody could answer it.)
    const script = [
      '@tokens 3000 500',
      '@say epsilon is at work',
      '@notify idle_prompt Claude is waiting for your input',
      '@sleep 600000',
    ].join('\n');
    const res = await runCli(repo.dir, ['new', 'epsilon', '--agent', 'fake', '--headless', '-p', script], {
      env: { CLAUDE_CONFIG_DIR: process.env.CLAUDE_CONFIG_DIR },
    });
    expect(res.code, res.stderr).toBe(0);
    await row('epsilon').locator('[data-role="status"]', { hasText: 'idle' }).waitFor();
    // 3000 input and 500 output tokens of claude-sonnet-4-5 at $3 and $15 per million: $0.0165.
    await row('epsilon').locator('[data-role="cost"]', { hasText: '$0.02' }).waitFor();
    expect(await row('epsilon').locator('[data-role="tokens"]').textContent()).toBe('3.5k');
    await row('epsilon').locator('[data-role="rss"]', { hasText: /MB$/ }).waitFor();
    const rss = (await row('epsilon').locator('[data-role="rss"]').textContent()) ?? '';
    // A node process: tens of MB, never the "–" of a task without a live process.
    expect(Number.parseFloat(rss)).toBeGreaterThan(5);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.locator('#charts path[data-task="epsilon"]').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-overview.png'), fullPage: true });

    await row('epsilon').locator('td.name a').click();
    await page.locator('#log', { hasText: 'epsilon is at work' }).waitFor();
    expect(await page.locator('#log-path').textContent()).toBe(getTask(project.store, 'epsilon')?.logPath);
    await page.locator('#detail a[href="#"]').click();
    await row('delta').waitFor();
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
      saveSamples(project.store, [sample]);
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
    // A refusal its agent met (as `braid hook` or the end of a headless run records it).
    appendEvent(project.store, 'beta', 'agent.permission-denied', {
      denials: [{ tool: 'Bash', target: 'git push origin main' }],
    });
    await row('beta').locator('td.name a').click();
    await page.locator('#task-meta', { hasText: 'refused: Bash (git push origin main)' }).waitFor();
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

  it('does nothing when the confirmation is dismissed: no request, main and every task as they were', async () => {
    const main = await repo.git('rev-parse', 'main');
    const gammaPid = handleOf(getTask(project.store, 'gamma')!)?.pid ?? null;
    const posts: string[] = [];
    const onRequest = (r: import('playwright-core').Request) => {
      if (r.method() === 'POST') posts.push(r.url());
    };
    page.on('request', onRequest);
    const asked = dialogs.length;
    dialogAnswer = 'dismiss';
    try {
      await row('delta').locator('button[data-action="land"]').click();
      await row('alpha').locator('button[data-action="rm"]').click();
      await row('gamma').locator('button[data-action="stop"]').click();
      // A click's fetch starts within its own task; one more round trip through the page lets it show.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    } finally {
      dialogAnswer = 'accept';
      page.off('request', onRequest);
    }
    expect(dialogs.slice(asked)).toEqual([
      'Land delta onto main?',
      'Remove alpha (worktree and branch)?',
      'Stop the agent of gamma?',
    ]);
    expect(posts).toEqual([]);
    expect(await repo.git('rev-parse', 'main')).toBe(main);
    expect(existsSync(getTask(project.store, 'alpha')?.worktree ?? '')).toBe(true);
    expect(gammaPid !== null && isProcessAlive(gammaPid)).toBe(true);
    expect(await page.locator('#land').isHidden()).toBe(true);
  });

  it('lands a task after confirmation: main moves, progress and the queue show it', async () => {
    const before = await repo.git('rev-parse', 'main');
    const asked = dialogs.length;
    await row('delta').locator('button[data-action="land"]').click();
    await page.locator('#land[data-state="done"]').waitFor();
    expect(dialogs.slice(asked)).toEqual(['Land delta onto main?']);
    expect(await page.locator('#land-log').textContent()).toContain('landed delta');
    expect(await repo.git('rev-parse', 'main')).not.toBe(before);
    expect(await repo.git('show', 'main:feature.txt')).toBe('landed feature');
    await page.locator('#queue .stage[data-stage="landed"] .card[data-task="delta"]').waitFor();
    // The queue's health under the pipeline, from the same read model.
    expect(await page.locator('#queue-health [data-health="depth"] b').textContent()).toBe('0');
    expect(await page.locator('#queue-health [data-health="slots busy"] b').textContent()).toMatch(/^0\/\d$/);
    expect(await page.locator('#queue-health [data-health="runs per landed"] b').textContent()).toMatch(
      /^\d/,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-landed.png'), fullPage: true });
  });

  it('stops a running agent after confirmation: its process is gone', async () => {
    const pid = handleOf(getTask(project.store, 'gamma')!)?.pid ?? null;
    expect(pid !== null && isProcessAlive(pid)).toBe(true);
    await row('gamma').locator('button[data-action="stop"]').click();
    await row('gamma')
      .locator('[data-role="status"]', { hasText: /exited|failed/ })
      .waitFor();
    expect(isProcessAlive(pid)).toBe(false);
    // Nothing left to stop: the button is gone, remove stays.
    await row('gamma').locator('button[data-action="stop"]').waitFor({ state: 'detached' });
    expect(await row('gamma').locator('button[data-action="rm"]').count()).toBe(1);
  });

  it('removes a clean task after confirmation and refuses one with unlanded work', async () => {
    const gamma = getTask(project.store, 'gamma');
    await row('gamma').locator('button[data-action="rm"]').click();
    await row('gamma').waitFor({ state: 'detached' });
    expect(getTask(project.store, 'gamma')).toBeNull();
    expect(existsSync(gamma?.worktree ?? '')).toBe(false);

    await row('beta').locator('button[data-action="rm"]').click();
    await page.locator('#error', { hasText: 'not on main' }).waitFor();
    expect(getTask(project.store, 'beta')).not.toBeNull();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-rm-refused.png'), fullPage: true });
  });
});
