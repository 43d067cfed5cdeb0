/**
 * The real Codex CLI (npm @openai/codex) run headless by braid against a scripted Responses API on
 * 127.0.0.1: the model makes Codex write a file and commit it on the task's branch, braid lands the
 * branch, and the usage braid reports is exactly what the server served.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, requireBuiltCli, runCli } from './helpers/cli.js';
import { codexHome, realCodexVersion } from './helpers/codex-home.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';
import {
  message,
  type ReceivedRequest,
  type ResponsesApi,
  shellCall,
  startResponsesApi,
} from './helpers/responses-api.js';
import { until } from './helpers/wait.js';

const version = await realCodexVersion();

interface Row {
  name: string;
  status: string;
  exitCode: number | null;
  worktree: string;
  tokens: { input: number; output: number; cacheCreation: number; cacheRead: number } | null;
  costUsd: number | null;
}

const PROMPT = 'Add codex.txt saying "written by codex" and commit it on this branch.';
const COMMIT = 'codex: add codex.txt';
// One shell call does the edit and the commit: both go through Codex's own sandbox.
const COMMAND = `printf 'written by codex\\n' > codex.txt && git add codex.txt && git commit -q -m '${COMMIT}' && echo committed`;

/** The scripted model: run the command once, then say how it went (from the tool output it got back). */
function respond(req: ReceivedRequest) {
  if (!req.userTexts.includes(PROMPT)) return { items: [message('unexpected conversation: no task prompt')] };
  const done = req.toolOutputs.at(-1);
  if (!done) return { items: [shellCall('call_commit', COMMAND)] };
  const ok = done.output.includes('committed') && !/Process exited with code [1-9]/.test(done.output);
  return { items: [message(ok ? 'Committed codex.txt.' : `The command failed:\n${done.output}`)] };
}

describe.skipIf(!version)(
  `real Codex CLI (${version ?? 'codex not installed: npm i -g @openai/codex'})`,
  () => {
    let repo: TempRepo;
    let api: ResponsesApi;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      await requireBuiltCli();
      repo = await tempRepo();
      api = await startResponsesApi(respond);
      const config = path.join(repo.parent, 'braid.yaml');
      // The gate checks the landed tree really holds Codex's file.
      writeFileSync(config, 'deps: none\ngate: grep -qx "written by codex" codex.txt\ngate_timeout: 60\n');
      env = { ...codexHome(repo.parent, api.baseUrl).env, BRAID_CONFIG: config };
    });

    afterAll(async () => {
      await api?.close();
      repo?.cleanup();
    });

    it('braid new --headless --agent codex: Codex edits and commits on its branch, braid lands it, usage is what was served', async () => {
      const made = await runCli(repo.dir, ['new', 'cx', '--headless', '--agent', 'codex', '-p', PROMPT], {
        env,
      });
      expect(made.code, made.stderr).toBe(0);
      const row = await until(
        'the codex run to end',
        async () => {
          const t = (await cliJson<{ tasks: Row[] }>(repo.dir, ['ls'], env)).tasks.find(
            (r) => r.name === 'cx',
          );
          return t && t.exitCode !== null ? t : undefined;
        },
        120_000,
      );
      const log = (await runCli(repo.dir, ['logs', 'cx'], { env })).stdout;
      expect(row, log).toMatchObject({ status: 'exited', exitCode: 0 });

      // Codex ran the model's command through its sandbox and the commit is on the task's branch.
      expect(api.requests.every((r) => r.method === 'POST' && r.path === '/v1/responses')).toBe(true);
      expect(api.served.length, log).toBe(2);
      expect(log).toContain('"agent_message","text":"Committed codex.txt."');
      expect(await repo.git('log', '-1', '--format=%s', 'braid/cx')).toBe(COMMIT);
      expect(await g(row.worktree, 'status', '--porcelain')).toBe('');

      // Usage: exactly what the server streamed, cached and cache-written input apart; Codex has no price.
      expect(row.tokens).toEqual(api.servedTokens());
      expect(row.costUsd).toBeNull();

      const landed = await cliJson<{ landed: Array<{ name: string }> }>(repo.dir, ['land', 'cx'], env);
      expect(landed.landed.map((l) => l.name)).toEqual(['cx']);
      expect(await repo.git('show', 'main:codex.txt')).toBe('written by codex');
    }, 240_000);
  },
);
