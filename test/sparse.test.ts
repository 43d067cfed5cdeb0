import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, requireBuiltCli, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

let repo: TempRepo | null = null;

beforeAll(async () => {
  await requireBuiltCli();
}, 120_000);

afterEach(() => {
  repo?.cleanup();
  repo = null;
});

describe('sparse checkouts', () => {
  it('gives a task only its cone on disk; the gate sees the whole merged tree and the work lands', async () => {
    repo = await tempRepo({
      files: {
        // The gate fails unless the folders outside the cone are there.
        'braid.yaml':
          'deps: none\nsparse: [apps/web, libs/ui]\ngate: test -f apps/api/main.js && test -f libs/db/db.js\n',
        'README.md': 'monorepo\n',
        'apps/web/index.js': 'web\n',
        'apps/api/main.js': 'api\n',
        'libs/ui/button.js': 'ui\n',
        'libs/db/db.js': 'db\n',
      },
    });
    const dir = repo.dir;
    // The agent edits in its cone and leaves it uncommitted: landing commits it (git add -A keeps the rest).
    const res = await runCli(dir, [
      'new',
      'web',
      '--agent',
      'shell',
      '--headless',
      '-p',
      'echo changed >> apps/web/index.js',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const wt = path.join(repo.parent, 'repo.braid', 'web');
    const on = (rel: string) => existsSync(path.join(wt, rel));
    for (const rel of ['README.md', 'braid.yaml', 'apps/web/index.js', 'libs/ui/button.js'])
      expect(on(rel), rel).toBe(true);
    for (const rel of ['apps/api', 'libs/db']) expect(on(rel), rel).toBe(false);

    await until('the agent to finish', async () => {
      const ls = await cliJson<{ tasks: Array<{ name: string; status: string }> }>(dir, ['ls']);
      return ls.tasks.find((t) => t.name === 'web')?.status === 'exited';
    });
    const land = await cliJson<{ landed: Array<{ name: string }>; rejected: unknown[] }>(dir, [
      'land',
      'web',
    ]);
    expect(land.rejected).toEqual([]);
    expect(land.landed.map((l) => l.name)).toEqual(['web']);
    expect(await repo.git('show', 'main:apps/web/index.js')).toBe('web\nchanged');
    // Nothing outside the cone was lost on the way.
    expect(await repo.git('show', 'main:apps/api/main.js')).toBe('api');
    expect(await repo.git('show', 'main:libs/db/db.js')).toBe('db');
    expect(readFileSync(path.join(dir, 'apps/api/main.js'), 'utf8')).toBe('api\n');

    // A plan's task gives its own cone, over braid.yaml's.
    const plan = path.join(repo.parent, 'plan.yaml');
    writeFileSync(
      plan,
      'tasks:\n  - { name: api, agent: shell, prompt: "echo more >> apps/api/main.js", sparse: [apps/api] }\n',
    );
    const ran = await runCli(dir, ['run', plan], { timeoutMs: 90_000 });
    expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
    const api = path.join(repo.parent, 'repo.braid', 'api');
    for (const rel of ['README.md', 'apps/api/main.js'])
      expect(existsSync(path.join(api, rel)), rel).toBe(true);
    for (const rel of ['apps/web', 'libs']) expect(existsSync(path.join(api, rel)), rel).toBe(false);
  }, 120_000);
});
