/** The real Claude Code in a container once: the host's install read-only, the scripted API over the host's network. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { cliJson, runCli } from './helpers/cli.js';
import { containerEngineProblem, engineSettings, HOST_USR_MOUNT, hostRootfs } from './helpers/container.js';
import { bash, say, writeFile } from './helpers/messages-api.js';
import { snapshot } from './helpers/plan-run.js';
import { noRealClaude, type RealClaudeRepo, realClaudeRepo } from './helpers/real-claude.js';

const rootfs = hostRootfs(mkdtempSync(path.join(tmpdir(), 'braid-rootfs-')));
// The host's /usr holds Claude Code's install (/usr/lib/node_modules/@anthropic-ai/claude-code) and node.
const skip = noRealClaude ?? (await containerEngineProblem(rootfs));
let p: RealClaudeRepo | null = null;

afterAll(async () => {
  rmSync(rootfs, { recursive: true, force: true });
  if (!p) return;
  const label = `label=braid.repo=${path.join(p.repo.dir, '.git')}`;
  const left = await run('podman', ['ps', '-a', '-q', '--filter', label], { cwd: '/', allowFailure: true });
  for (const id of left.stdout.split('\n').filter(Boolean))
    await run('podman', ['rm', '-f', id], { cwd: '/', allowFailure: true });
  await p.cleanup();
});

describe('the real Claude Code in a container', () => {
  it('a headless task edits and commits inside the container, with hooks reaching braid, and lands', async (ctx) => {
    if (skip) ctx.skip(skip);
    const repo = await realClaudeRepo();
    p = repo;
    const { runtime, args } = engineSettings();
    const home = repo.env.HOME as string;
    await repo.repo.commit('container backend', {
      'braid.yaml': [
        'agent: claude',
        'deps: none',
        'container:',
        '  engine: podman',
        `  rootfs: ${JSON.stringify(rootfs)}`,
        ...(runtime ? [`  runtime: ${runtime}`] : []),
        // The scripted API listens on the host's 127.0.0.1: the container shares the host's network.
        `  args: ${JSON.stringify([...args, '--network', 'host'])}`,
        `  mounts: ${JSON.stringify([HOST_USR_MOUNT, repo.configDir, home])}`,
        `  env: ${JSON.stringify([
          'PATH=/usr/bin:/bin',
          'HOME',
          'CLAUDE_CONFIG_DIR',
          'ANTHROPIC_BASE_URL',
          'ANTHROPIC_API_KEY',
          'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
          'DISABLE_AUTOUPDATER',
        ])}`,
        '',
      ].join('\n'),
    });
    repo.api.script(
      'boxed',
      ({ workdir, step }) =>
        [
          writeFile(path.join(workdir, 'boxed.txt'), 'written in a container\n'),
          // podman's marker file: the commit happens only inside a container.
          bash('test -e /run/.containerenv && git add boxed.txt && git commit -m "Add boxed.txt"', 'Commit'),
          say('boxed.txt is written and committed.'),
        ][step],
    );
    const started = await runCli(
      repo.repo.dir,
      ['new', 'boxed', '--backend', 'container', '--headless', '-p', 'Write boxed.txt and commit it'],
      { env: repo.env, timeoutMs: 120_000 },
    );
    expect(started.code, started.stderr).toBe(0);
    const done = await repo.statusOf('boxed', ['exited', 'failed'], 180_000);
    const log = readFileSync((await snapshot(repo.repo.dir)).byName.get('boxed')?.logPath ?? '', 'utf8');
    expect(done.status, log).toBe('exited');
    // The session id came from Claude Code's hooks, run inside the container into braid's store.
    expect(done.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(log).toContain('"subtype":"success"');
    expect(await repo.repo.git('log', '-1', '--format=%s', 'braid/boxed')).toBe('Add boxed.txt');
    // The model saw the commit made inside as the Bash tool's result.
    expect(repo.api.textsOf('boxed').some((t) => /\[braid\/boxed [0-9a-f]+\] Add boxed\.txt/.test(t))).toBe(
      true,
    );
    const land = await cliJson<{ landed: Array<{ name: string }> }>(
      repo.repo.dir,
      ['land', 'boxed'],
      repo.env,
    );
    expect(land.landed.map((l) => l.name)).toEqual(['boxed']);
    expect(await repo.repo.git('show', 'main:boxed.txt')).toBe('written in a container');
    expect((await runCli(repo.repo.dir, ['rm', 'boxed'], { env: repo.env })).code).toBe(0);
  }, 400_000);
});
