import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, requireBuiltCli, runCli } from './helpers/cli.js';
import { bash, say, writeFile } from './helpers/messages-api.js';
import { snapshot } from './helpers/plan-run.js';
import { noRealClaude, type RealClaudeRepo, realClaudeRepo } from './helpers/real-claude.js';

let ctx: RealClaudeRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

describe.skipIf(!!noRealClaude)(
  `headless real Claude Code (${noRealClaude ?? 'offline, scripted API'})`,
  () => {
    it('writes a file with Write, commits it with Bash, and braid land puts it on main', async () => {
      const p = await realClaudeRepo({ yaml: ['gate: grep -q "from the real agent" hello.txt'] });
      ctx = p;
      p.api.script(
        'hello',
        ({ workdir, step }) =>
          [
            writeFile(path.join(workdir, 'hello.txt'), 'hello from the real agent\n'),
            bash('git add hello.txt && git commit -m "Add hello.txt"', 'Commit the new file'),
            say('hello.txt is written and committed.'),
          ][step],
      );

      const started = await runCli(
        p.repo.dir,
        ['new', 'hello', '--headless', '-p', 'Write hello.txt and commit it'],
        {
          env: p.env,
        },
      );
      expect(started.code, started.stderr).toBe(0);
      const done = await p.statusOf('hello', ['exited', 'failed']);
      const log = readFileSync((await snapshot(p.repo.dir)).byName.get('hello')?.logPath ?? '', 'utf8');
      expect(done.status, log).toBe('exited');
      expect(done.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);

      // Claude Code ran both tools for real: nothing was refused for want of a permission.
      const result = JSON.parse(
        log
          .trim()
          .split('\n')
          .filter((l) => l.includes('"type":"result"'))
          .pop() ?? '{}',
      );
      expect(result).toMatchObject({ subtype: 'success', is_error: false, permission_denials: [] });
      expect(await p.repo.git('show', 'braid/hello:hello.txt')).toBe('hello from the real agent');
      expect(await p.repo.git('log', '-1', '--format=%s', 'braid/hello')).toBe('Add hello.txt');
      // The model saw the commit's own output as the Bash tool's result.
      expect(p.api.textsOf('hello').some((t) => /\[braid\/hello [0-9a-f]+\] Add hello\.txt/.test(t))).toBe(
        true,
      );

      const land = await cliJson<{ landed: Array<{ name: string; commit: string }> }>(
        p.repo.dir,
        ['land', 'hello'],
        p.env,
      );
      expect(land.landed.map((l) => l.name)).toEqual(['hello']);
      expect(await p.repo.git('show', 'main:hello.txt')).toBe('hello from the real agent');
      expect((await p.task('hello'))?.status).toBe('landed');
    }, 240_000);
  },
);
