import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/exec/run.js';
import { findExecutable } from '../../src/run/agents/registry.js';

/** The variable holding the (any) API key the test provider sends. */
const CODEX_TEST_KEY_ENV = 'BRAID_TEST_OPENAI_KEY';

/** The real Codex CLI's version line ("codex-cli 0.171.0"), or null when `codex` is not installed. */
export async function realCodexVersion(): Promise<string | null> {
  const bin = findExecutable('codex');
  if (!bin) return null;
  const res = await run(bin, ['--version'], {
    cwd: path.dirname(bin),
    timeoutMs: 30_000,
    allowFailure: true,
  });
  const out = res.stdout.trim();
  return res.code === 0 && out.startsWith('codex-cli') ? out : null;
}

/**
 * A CODEX_HOME whose config sends every model call to `baseUrl` (a scripted Responses API), and the
 * environment to run Codex with it. `OPENAI_BASE_URL` is not read by codex 0.171; a custom provider
 * with `wire_api = "responses"` is, and it takes plain HTTP (the built-in one tries WebSockets first).
 *
 * Codex refuses to set up its helper binaries (`codex-linux-sandbox`, used by its own sandbox) when
 * CODEX_HOME lies under the temp dir, and then every sandboxed command fails ("bwrap: execvp
 * codex-linux-sandbox: No such file or directory"): TMPDIR is pointed beside it, not above it.
 */
export function codexHome(parent: string, baseUrl: string): { home: string; env: Record<string, string> } {
  const home = path.join(parent, 'codex-home');
  const tmp = path.join(parent, 'codex-tmp');
  mkdirSync(home, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const config = [
    'model = "braid-test-model"',
    'model_provider = "braid-test"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[model_providers.braid-test]',
    'name = "braid test"',
    `base_url = "${baseUrl}"`,
    'wire_api = "responses"',
    `env_key = "${CODEX_TEST_KEY_ENV}"`,
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
  writeFileSync(path.join(home, 'config.toml'), config);
  return { home, env: { CODEX_HOME: home, TMPDIR: tmp, [CODEX_TEST_KEY_ENV]: 'sk-braid-test' } };
}
