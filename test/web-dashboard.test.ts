import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../src/project/project.js';
import { getTask, updateTask } from '../src/store/tasks.js';
import { startWebServer, type WebServer } from '../src/web/server.js';
import { provisionTask } from '../src/workspace/provision.js';
import { projectFor } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

const ARTIFACTS = path.resolve('test/artifacts');

let repo: TempRepo;
let project: Project;
/** A second connection to the store, as a fake agent's hook process would have. */
let agentSide: Project;
let server: WebServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  repo = await tempRepo({ files: { 'README.md': '# sample\n', 'app.js': 'console.log(1);\n' } });
  project = await projectFor(repo.dir, 'ports: { names: [PORT], range: [4300, 4399], block: 1 }\n');
  agentSide = await projectFor(repo.dir);
  await provisionTask(project, { name: 'alpha', prompt: 'clean task' });
  const beta = await provisionTask(project, { name: 'beta', prompt: 'task with work' });
  writeFileSync(path.join(beta.worktree, 'app.js'), 'console.log(2);\n');
  writeFileSync(path.join(beta.worktree, 'notes.txt'), 'brand new file\n');
  server = await startWebServer(project, { live: { pollMs: 200, radarMs: 1000 } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox'],
    headless: true,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  agentSide?.close();
  project?.close();
  repo?.cleanup();
});

const statusOf = (task: string) => page.locator(`tr[data-task="${task}"] [data-role="status"]`);

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
    const portLink = page.locator('tr[data-task="alpha"] a[href^="http://127.0.0.1:43"]');
    expect(await portLink.getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:43\d\d\/$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-tasks.png'), fullPage: true });
  });

  it('shows a status change written by another process without a reload', async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    updateTask(agentSide.store.db, 'alpha', {
      status: 'waiting',
      statusSource: 'hook',
      statusDetail: 'Allow Bash?',
    });
    await page.locator('tr[data-task="alpha"] [data-role="status"]', { hasText: 'waiting' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  it('shows a task diff with untracked files', async () => {
    await page.locator('tr[data-task="beta"] td.name a').click();
    await page.locator('#diff', { hasText: 'notes.txt' }).waitFor();
    const diff = (await page.locator('#diff').textContent()) ?? '';
    expect(diff).toContain('+console.log(2);');
    expect(diff).toContain('+brand new file');
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-task-diff.png'), fullPage: true });
  });

  it('removes a clean task after confirmation and refuses one with unlanded work', async () => {
    const alpha = getTask(project.store.db, 'alpha');
    await page.locator('tr[data-task="alpha"] button[data-action="rm"]').click();
    await page.locator('tr[data-task="alpha"]').waitFor({ state: 'detached' });
    expect(getTask(project.store.db, 'alpha')).toBeNull();
    expect(existsSync(alpha?.worktree ?? '')).toBe(false);

    await page.locator('tr[data-task="beta"] button[data-action="rm"]').click();
    await page.locator('#error', { hasText: 'not on main' }).waitFor();
    expect(getTask(project.store.db, 'beta')).not.toBeNull();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-rm-refused.png'), fullPage: true });
  });
});
