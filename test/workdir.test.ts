import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson, runCli } from './helpers/cli.js';
import { repoPerTest, startShellTask } from './helpers/shell-task.js';
import { until } from './helpers/wait.js';

const makeRepo = repoPerTest();

const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim() : '');

describe('workdir', () => {
  it("starts the agent in braid.yaml's workdir or the task's own, and refuses one outside the worktree", async () => {
    const repo = await makeRepo({
      files: {
        'braid.yaml': 'deps: none\nworkdir: packages/api\n',
        'packages/api/index.js': 'api\n',
        'packages/web/index.js': 'web\n',
      },
    });
    const dir = repo.dir;
    const start = (name: string, extra: string[] = []) => startShellTask(repo, name, 'pwd > here.txt', extra);
    const api = await start('api');
    const web = await start('web', ['--workdir', 'packages/web']);
    await until(
      'both sessions wrote where they started',
      () => read(path.join(api, 'packages/api/here.txt')) && read(path.join(web, 'packages/web/here.txt')),
    );
    expect(read(path.join(api, 'packages/api/here.txt'))).toBe(path.join(api, 'packages/api'));
    expect(read(path.join(web, 'packages/web/here.txt'))).toBe(path.join(web, 'packages/web'));

    const refused = (name: string, workdir: string) =>
      runCli(dir, ['new', name, '--agent', 'shell', '--headless', '-p', 'true', '--workdir', workdir]);
    const out = await refused('out', '../..');
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain("workdir '../..' leads outside");
    const missing = await refused('gone', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("workdir 'nope' is not a folder");
    const ls = await cliJson<{ tasks: Array<{ name: string }> }>(dir, ['ls']);
    expect(ls.tasks.map((t) => t.name)).not.toContain('out');
  }, 90_000);
});
