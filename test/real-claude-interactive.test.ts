import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import { bash, say } from './helpers/messages-api.js';
import { snapshot } from './helpers/plan-run.js';
import { noRealClaude, type RealClaudeRepo, realClaudeRepo } from './helpers/real-claude.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';

let ctx: RealClaudeRepo | null = null;
let tmux: TmuxServer | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await tmux?.kill();
  tmux = null;
  await ctx?.cleanup();
  ctx = null;
});

/** The status changes braid recorded for a task, oldest first. */
async function statusTrail(dir: string, task: string): Promise<string[]> {
  return (await snapshot(dir)).events(task, 'status.changed').map((e) => String(e.data.to));
}

/** Whether `wanted` appears in `list` in this order (not necessarily next to each other). */
function inOrder(list: string[], wanted: string[]): boolean {
  let at = 0;
  for (const item of list) if (item === wanted[at]) at += 1;
  return at === wanted.length;
}

describe.skipIf(!!noRealClaude)(
  `interactive real Claude Code in tmux (${noRealClaude ?? 'offline, scripted API'})`,
  () => {
    it('waits on a Bash permission, takes the answer from braid send, goes idle, and braid stop ends it', async () => {
      tmux = tmuxServer();
      const p = await realClaudeRepo({ env: { BRAID_TMUX_SOCKET: tmux.socket } });
      ctx = p;
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The command is no git rule braid grants: Claude Code must ask before running it.
      p.api.script(
        'asker',
        ({ step }) =>
          [
            bash('echo made by bash > bash.txt', 'Write bash.txt'),
            // Held: the turn stays in progress after the tool ran, until the test lets it finish.
            { ...say('bash.txt is there.'), hold: held },
          ][step],
      );

      const started = await runCli(p.repo.dir, ['new', 'asker', '-p', 'Make bash.txt with a shell command'], {
        env: p.env,
      });
      expect(started.code, started.stderr).toBe(0);
      const waiting = await p.statusOf('asker', ['waiting', 'exited', 'failed']);
      expect(waiting.status).toBe('waiting');
      expect(waiting.statusSource).toBe('hook');
      const pane = await tmux.run(['capture-pane', '-p', '-J', '-t', `braid-repo:asker`]);
      expect(pane).toContain('Do you want to proceed?');
      expect(existsSync(path.join(waiting.worktree, 'bash.txt'))).toBe(false);

      const sent = await runCli(p.repo.dir, ['send', 'asker', '1'], { env: p.env });
      expect(sent.code, sent.stderr).toBe(0);
      const working = await p.statusOf('asker', ['working', 'idle', 'exited', 'failed']);
      expect(working.status).toBe('working');
      expect(readFileSync(path.join(working.worktree, 'bash.txt'), 'utf8')).toBe('made by bash\n');

      release();
      const idle = await p.statusOf('asker', ['idle', 'exited', 'failed']);
      expect(idle.status).toBe('idle');

      const stopped = await runCli(p.repo.dir, ['stop', 'asker'], { env: p.env });
      expect(stopped.code, stopped.stderr).toBe(0);
      const ended = await p.statusOf('asker', ['exited', 'failed']);
      expect(ended).toMatchObject({ status: 'exited', exitCode: 0 });
      const trail = await statusTrail(p.repo.dir, 'asker');
      // In this order, whatever else came between (SessionStart makes it idle or working, by the status file).
      expect(inOrder(trail, ['waiting', 'working', 'idle', 'exited']), trail.join(' ')).toBe(true);
      expect(trail.at(-1)).toBe('exited');
      // The model got the command's (empty) result after the answer, then nothing else until the stop.
      const requests = p.api.requestsOf('asker');
      expect(requests).toHaveLength(2);
    }, 240_000);
  },
);
