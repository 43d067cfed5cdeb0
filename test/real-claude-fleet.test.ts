import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIVE_PROMPT } from '../src/core/revive.js';
import { cliJson, requireBuiltCli, runCli } from './helpers/cli.js';
import { type Reply, say, usageLimit, writeFile } from './helpers/messages-api.js';
import { pidWithArgs, snapshot } from './helpers/plan-run.js';
import { noRealClaude, type RealClaudeRepo, realClaudeRepo } from './helpers/real-claude.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

/**
 * A fleet left running, on the real Claude Code (interactive, in tmux) against the scripted API: a
 * session brought back after its tmux server died, one resumed after its usage limit reset, one paused
 * at its budget and resumed by raising it. One repository and one tmux server serve all three, signed
 * in as a subscription (the way Claude Code reads a usage limit's reset from the API).
 */

let p: RealClaudeRepo | null = null;
let tmux: TmuxServer | null = null;
let release: () => void = () => {};
const held = new Promise<void>((resolve) => {
  release = resolve;
});

/**
 * One reply over the $0.10 budget at Sonnet's price or above ($0.225), yet a small context: a reply
 * reporting most of the window would make the resumed session compact first.
 */
const PRICEY = { input: 50_000, output: 5_000, cacheCreation5m: 0, cacheCreation1h: 0, cacheRead: 0 };

beforeAll(async () => {
  await requireBuiltCli();
  tmux = tmuxServer();
  p = await realClaudeRepo({
    auth: 'subscription',
    // Interactive sessions write files without asking; only the spender's replies are priced to reach the budget.
    yaml: ['budget: { task_usd: 0.1 }', 'agents: { claude: { permission_mode: acceptEdits } }'],
    env: {
      BRAID_TMUX_SOCKET: tmux.socket,
      // Claude Code prints a reset in the machine's zone; the test reads it in UTC.
      TZ: 'UTC',
      BRAID_NO_SUPERVISOR: '0',
      BRAID_SUPERVISOR_LIMITS_MS: '300',
      BRAID_LIMIT_STAGGER_MS: '0',
      BRAID_SUPERVISOR_USAGE_MS: '300',
      BRAID_SUPERVISOR_BUDGET_MS: '300',
    },
  });
}, 120_000);

afterAll(async () => {
  release();
  if (p) await runCli(p.repo.dir, ['down'], { env: p.env });
  await tmux?.kill();
  await p?.cleanup();
});

const ctx = () => p as RealClaudeRepo;
const braid = (...args: string[]) => runCli(ctx().repo.dir, args, { env: ctx().env, timeoutMs: 90_000 });

/** True once Claude Code's own transcript of session `id` holds `words` (it writes it after the request goes out). */
function transcriptHas(id: string, words: string): boolean {
  const projects = path.join(ctx().configDir, 'projects');
  if (!existsSync(projects)) return false;
  return readdirSync(projects).some((dir) => {
    const file = path.join(projects, dir, `${id}.jsonl`);
    return existsSync(file) && readFileSync(file, 'utf8').includes(words);
  });
}

/** The first scripted request of a session whose latest prompt contains `words`, and what it carried. */
function requestAfterPrompt(workdir: string, words: string) {
  const r = ctx()
    .api.requestsOf(workdir)
    .find((q) => JSON.stringify(q.body?.messages ?? []).includes(words));
  return r ? JSON.stringify(r.body?.messages ?? []) : undefined;
}

describe.skipIf(!!noRealClaude)(
  `a fleet you can leave running, on the real Claude Code (${noRealClaude ?? 'offline, scripted API'})`,
  () => {
    it('brings a session back after its tmux server was killed: claude --resume <id>, the same conversation', async () => {
      const { api, repo } = ctx();
      api.script('reviver', ({ workdir, step, prompt }) => {
        if (prompt.includes(REVIVE_PROMPT)) return say('Picked up where I left off.');
        // Mid-turn when the machine goes down: the second reply never comes.
        return [writeFile(path.join(workdir, 'notes.txt'), 'first half\n'), { ...say('never'), hold: held }][
          step
        ];
      });
      const made = await braid('new', 'reviver', '-p', 'Write notes.txt, then say so');
      expect(made.code, made.stderr).toBe(0);
      const before = await until('reviver mid-turn with its session id', async () => {
        const row = await ctx().task('reviver');
        // The tool's result in its transcript too: a resume drops a tool use whose result was never written,
        // as it would after a real reboot at that moment.
        return api.requestsOf('reviver').length >= 2 &&
          row?.agentSessionId &&
          row.status === 'working' &&
          transcriptHas(row.agentSessionId, '"type":"tool_result"')
          ? row
          : null;
      });
      expect(existsSync(path.join(before.worktree, 'notes.txt'))).toBe(true);

      // The reboot: every pane's processes SIGKILLed, the tmux server gone.
      await tmux?.kill();
      const up = await cliJson<{
        revived: Array<{ name: string; runtime: string; resumed: boolean; agentSessionId: string | null }>;
      }>(repo.dir, ['up'], ctx().env);
      expect(up.revived).toContainEqual({
        name: 'reviver',
        runtime: 'tmux',
        resumed: true,
        agentSessionId: before.agentSessionId,
      });
      // The new pane runs the real claude with --resume and the recorded id.
      const id = before.agentSessionId as string;
      await until('claude --resume <id> running', () => pidWithArgs(['--resume', id]));
      // The conversation continued: the next request carries the earlier prompt and tool use, then braid's word.
      const carried = await until('the resumed request', () => requestAfterPrompt('reviver', REVIVE_PROMPT));
      expect(carried).toContain('Write notes.txt, then say so');
      expect(carried).toContain('first half');
      const idle = await ctx().statusOf('reviver', ['idle', 'exited', 'failed']);
      expect(idle.status).toBe('idle');
      expect(idle.agentSessionId).toBe(id);
    }, 300_000);

    it('shows a usage limit as limited with its reset and resumes at it; pauses at the budget and resumes when raised', async () => {
      const { api, repo } = ctx();
      // Rejected until a reset 20 s after its first request; Claude Code shows it to the minute.
      let resetAt = 0;
      api.script('capped', ({ prompt }) => {
        resetAt ||= Date.now() + 20_000;
        return Date.now() < resetAt ? usageLimit(resetAt) : say(`Back at it after: ${prompt.slice(0, 20)}`);
      });
      // Work left uncommitted, then over $0.10 as the turn ends: the supervisor stops it, keeping the work.
      api.script('spender', ({ workdir, step, prompt }): Reply | undefined => {
        if (prompt.includes('budget was raised')) return say('Continuing with the raised budget.');
        return [
          writeFile(path.join(workdir, 'w.txt'), 'work in progress\n'),
          { ...say('Wrote w.txt.'), usage: PRICEY },
        ][step];
      });
      const made = await Promise.all([
        braid('new', 'capped', '-p', 'Do the capped work'),
        braid('new', 'spender', '-p', 'Spend on w.txt'),
      ]);
      expect(
        made.map((r) => r.code),
        made.map((r) => r.stderr).join('\n'),
      ).toEqual([0, 0]);

      // The limit: limited, with the reset Claude Code showed (to the end of its minute).
      const limited = await until(
        'capped limited',
        async () => {
          const rows = await cliJson<{
            tasks: Array<{ name: string; status: string; limitResetsAt: string }>;
          }>(repo.dir, ['ls'], ctx().env);
          return rows.tasks.find((t) => t.name === 'capped' && t.status === 'limited');
        },
        120_000,
      );
      const shownEnd = Math.floor(resetAt / 60_000) * 60_000 + 60_000;
      expect(limited.limitResetsAt).toBe(new Date(shownEnd).toISOString());

      // The budget: paused with its work committed on its branch (the session ends before the pause is written).
      await until(
        'spender stopped for its budget',
        async () => (await snapshot(repo.dir)).events('spender', 'budget.stopped').length > 0,
        180_000,
      );
      const paused = await ctx().statusOf('spender', ['paused', 'exited', 'failed']);
      expect(paused.status).toBe('paused');
      expect(paused.statusDetail).toMatch(/^budget: task spent \$\d+\.\d\d of \$0\.10/);
      expect(await repo.git('show', 'braid/spender:w.txt')).toBe('work in progress');
      const raised = await cliJson<{ resumed: boolean }>(repo.dir, ['budget', 'spender', '5'], ctx().env);
      expect(raised.resumed).toBe(true);
      await until('spender running claude --resume <id>', () =>
        pidWithArgs(['--resume', paused.agentSessionId as string]),
      );
      const carried = await until('the resumed spender request', () =>
        requestAfterPrompt('spender', 'budget was raised'),
      ).catch(async (err) => {
        const pane = await tmux?.run(['capture-pane', '-p', '-J', '-t', 'braid-repo:spender']);
        throw new Error(`${(err as Error).message}\n${pane}`);
      });
      expect(carried).toContain('Spend on w.txt');
      expect(carried).toContain('Wrote w.txt.');
      expect((await ctx().statusOf('spender', ['idle', 'exited', 'failed'])).status).toBe('idle');

      // At the reset the supervisor told the same session to go on, and the API answered it.
      const resumed = await until(
        'capped resumed after its reset',
        () => requestAfterPrompt('capped', 'usage limit has reset'),
        180_000,
      ).catch(async (err) => {
        // What the session showed and what braid did about its limit, to see why it did not go on.
        const pane = await tmux?.run(['capture-pane', '-p', '-J', '-t', 'braid-repo:capped']);
        const told = (await snapshot(repo.dir))
          .events('capped')
          .map((e) => `${new Date(e.at).toISOString()} ${e.kind} ${JSON.stringify(e.data)}`);
        throw new Error(`${(err as Error).message}\n${pane}\n${told.join('\n')}`);
      });
      expect(resumed).toContain('Do the capped work');
      expect(api.requestsOf('capped').filter((r) => r.error).length).toBeGreaterThan(0);
      const back = await ctx().statusOf('capped', ['idle', 'exited', 'failed']);
      expect(back.status).toBe('idle');
      const { events } = await snapshot(repo.dir);
      expect(events('capped', 'limit.hit')[0]?.data).toMatchObject({ resetAt: shownEnd, source: 'hook' });
      expect(events('capped', 'limit.resumed')[0]?.data).toMatchObject({ typed: true });
    }, 300_000);
  },
);
