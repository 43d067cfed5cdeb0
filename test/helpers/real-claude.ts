import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findExecutable } from '../../src/run/agents/registry.js';
import { cliJson } from './cli.js';
import { type MessagesApi, type MessagesApiOptions, messagesApi } from './messages-api.js';
import { killSessions } from './plan-run.js';
import { type TempRepo, tempRepo } from './repo.js';
import { until } from './wait.js';

/** The real Claude Code on PATH (.ci/run installs it), or null. */
const realClaude = findExecutable('claude');

/** For describe.skipIf: the one reason these tests may not run. */
export const noRealClaude = realClaude
  ? null
  : 'the real Claude Code (`claude`) is not on PATH: npm install -g @anthropic-ai/claude-code';

/** Any key works against the local server; Claude Code asks once about a key it has not seen approved. */
const TEST_API_KEY = 'sk-ant-api03-braid-offline-test-key-0123456789abcdefghij';

/** A made-up subscription token: Claude Code then reads the API's usage-limit headers as a subscriber's. */
const TEST_OAUTH_TOKEN = 'sk-ant-oat01-braid-offline-test-token-0123456789abcdefghij';

/** How Claude Code signs in: an API key (default), or a Claude subscription (usage limits with resets). */
type Auth = 'api-key' | 'subscription';

interface RealClaudeEnv {
  /** For runCli: the session inherits it through braid. */
  env: NodeJS.ProcessEnv;
  configDir: string;
  home: string;
}

/**
 * Everything the real Claude Code needs to run offline against `api`, nothing of the machine's own
 * setup: a private config dir whose `.claude.json` has onboarding done, the key approved and every
 * `trusted` folder's trust dialog accepted (a linked worktree is looked up at its main checkout),
 * and a private HOME.
 */
function realClaudeEnv(
  parent: string,
  api: MessagesApi,
  trusted: string[],
  auth: Auth = 'api-key',
): RealClaudeEnv {
  const configDir = path.join(parent, 'claude-config');
  const home = path.join(parent, 'home');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(home, { recursive: true });
  const projects = Object.fromEntries(
    trusted.map((dir) => [dir, { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true }]),
  );
  const state = {
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [TEST_API_KEY.slice(-20)], rejected: [] },
    projects,
  };
  writeFileSync(path.join(configDir, '.claude.json'), `${JSON.stringify(state, null, 2)}\n`);
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    CLAUDE_CONFIG_DIR: configDir,
    ANTHROPIC_BASE_URL: api.url,
    ...(auth === 'api-key'
      ? { ANTHROPIC_API_KEY: TEST_API_KEY }
      : { ANTHROPIC_API_KEY: '', CLAUDE_CODE_OAUTH_TOKEN: TEST_OAUTH_TOKEN }),
    // No telemetry, update checks or other calls to the real service.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
  return { env, configDir, home };
}

export interface RealClaudeRepo {
  repo: TempRepo;
  api: MessagesApi;
  /** The environment for runCli (private Claude config, the local API, the test's extra variables). */
  env: NodeJS.ProcessEnv;
  configDir: string;
  /** `braid ls --json`'s row for one task. */
  task(name: string): Promise<TaskRow | undefined>;
  /** Waits until `braid ls --json` shows the task in one of `statuses`, and returns its row. */
  statusOf(name: string, statuses: string[], ms?: number): Promise<TaskRow>;
  cleanup(): Promise<void>;
}

export interface TaskRow {
  name: string;
  status: string;
  statusSource: string;
  statusDetail: string | null;
  exitCode: number | null;
  agentSessionId: string | null;
  worktree: string;
  pid: number | null;
  tokens: { input: number; output: number; cacheCreation: number; cacheRead: number } | null;
  costUsd: number | null;
  landedCommit: string | null;
}

/**
 * A temp repository with braid.yaml (agent: claude, committed) and a scripted Messages API, its main
 * checkout trusted in a private Claude config. `yaml` lines are added to braid.yaml.
 */
export async function realClaudeRepo(
  options: {
    yaml?: string[];
    files?: Record<string, string>;
    env?: NodeJS.ProcessEnv;
    api?: MessagesApiOptions;
    auth?: Auth;
  } = {},
): Promise<RealClaudeRepo> {
  const repo = await tempRepo({ files: options.files ?? { 'README.md': '# sample\n' } });
  const deps = options.yaml?.some((l) => l.startsWith('deps:')) ? [] : ['deps: none'];
  const yaml = ['agent: claude', ...deps, ...(options.yaml ?? []), ''].join('\n');
  await repo.commit('braid config', { 'braid.yaml': yaml });
  const api = await messagesApi(options.api);
  const claude = realClaudeEnv(repo.parent, api, [repo.dir], options.auth);
  const env = { ...claude.env, ...options.env };
  const task = async (name: string) =>
    (await cliJson<{ tasks: TaskRow[] }>(repo.dir, ['ls'], env)).tasks.find((t) => t.name === name);
  return {
    repo,
    api,
    env,
    configDir: claude.configDir,
    task,
    statusOf(name, statuses, ms = 120_000) {
      return until(
        `${name} ${statuses.join('|')}`,
        async () => {
          const row = await task(name);
          return row && statuses.includes(row.status) ? row : null;
        },
        ms,
      );
    },
    async cleanup() {
      await killSessions(repo.dir);
      await api.close();
      repo.cleanup();
    },
  };
}
