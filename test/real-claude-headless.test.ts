import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, requireBuiltCli, runCli } from './helpers/cli.js';
import { bash, say, writeFile } from './helpers/messages-api.js';
import { snapshot } from './helpers/plan-run.js';
import { noRealClaude, type RealClaudeRepo, realClaudeRepo, type TaskRow } from './helpers/real-claude.js';

let ctx: RealClaudeRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

describe.skipIf(!!noRealClaude)(
  `headless real Claude Code (${noRealClaude ?? 'offline, scripted API'})`,
  () => {
    it('writes a file with Write, runs the gate and commits with Bash, and braid land puts it on main', async () => {
      // The gate is no read-only command: Claude Code runs it unasked only under braid's rule for it.
      const p = await realClaudeRepo({
        yaml: ['gate: sh gate.sh'],
        files: { 'README.md': '# sample\n', 'gate.sh': 'grep -q "from the real agent" hello.txt\n' },
      });
      ctx = p;
      p.api.script(
        'hello',
        ({ workdir, step }) =>
          [
            writeFile(path.join(workdir, 'hello.txt'), 'hello from the real agent\n'),
            bash('sh gate.sh', 'Run the gate'),
            bash('git add hello.txt && git commit -m "Add hello.txt"', 'Commit the new file'),
            say('hello.txt is written, checked and committed.'),
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

      // Claude Code ran every tool for real: nothing was refused for want of a permission.
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

    it('a command outside the policy is refused by Claude Code, and braid ls names the refusal', async () => {
      const p = await realClaudeRepo();
      ctx = p;
      p.api.script(
        'pusher',
        ({ workdir, step }) =>
          [
            writeFile(path.join(workdir, 'pushed.txt'), 'work\n'),
            bash('git add pushed.txt && git commit -m "Add pushed.txt"', 'Commit'),
            // No rule of braid's allows a push: nobody is there to grant it, so Claude Code refuses it.
            bash('git push origin main', 'Push'),
            say('Committed; the push was not allowed.'),
          ][step],
      );
      const started = await runCli(p.repo.dir, ['new', 'pusher', '--headless', '-p', 'Commit and push'], {
        env: p.env,
      });
      expect(started.code, started.stderr).toBe(0);
      const ended = await p.statusOf('pusher', ['exited', 'failed']);
      const row = (
        await cliJson<{ tasks: Array<TaskRow & { refusals: unknown[]; statusDetail: string | null }> }>(
          p.repo.dir,
          ['ls'],
          p.env,
        )
      ).tasks.find((t) => t.name === 'pusher');
      // It committed work, so it exited; the refusal is noted, not a failure.
      expect(ended.status).toBe('exited');
      expect(row?.refusals).toEqual([{ tool: 'Bash', target: 'git push origin main' }]);
      expect(row?.statusDetail).toMatch(/refused 1 tool use: Bash \(git push origin main\)/);
      // The model was told, in Claude Code's own words, and the commit stands.
      expect(p.api.textsOf('pusher')).toContain('This command requires approval');
      expect(await p.repo.git('log', '-1', '--format=%s', 'braid/pusher')).toBe('Add pushed.txt');
    }, 240_000);
  },
);
