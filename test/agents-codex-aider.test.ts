import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, ROOT, runCli } from './helpers/cli.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';
import { until } from './helpers/wait.js';

interface Row {
  name: string;
  agent: string;
  status: string;
  exitCode: number | null;
  worktree: string;
  tokens: { input: number; output: number; cacheCreation: number; cacheRead: number } | null;
  costUsd: number | null;
}

let repo: TempRepo;
let env: NodeJS.ProcessEnv;

// Shell-looking text that starts with '-': it must arrive as one argument, never as an option.
const TRICKY = `-n "quoted" $HOME; echo 'pwned' && exit 3`;

beforeAll(async () => {
  repo = await tempRepo();
  // The fakes are `codex` and `aider` on PATH, so the built-in adapters and their argv are used.
  const bin = path.join(repo.parent, 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(ROOT, 'test/fixtures/fake-codex'), path.join(bin, 'codex'));
  symlinkSync(path.join(ROOT, 'test/fixtures/fake-aider'), path.join(bin, 'aider'));
  env = { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
  writeFileSync(path.join(repo.dir, 'braid.yaml'), 'deps: none\n');
});

afterAll(() => repo?.cleanup());

async function ended(name: string): Promise<Row> {
  return until(
    `${name} to end`,
    async () => {
      const t = (await cliJson<{ tasks: Row[] }>(repo.dir, ['ls'], env)).tasks.find((r) => r.name === name);
      return t && t.exitCode !== null ? t : undefined;
    },
    20_000,
  );
}

describe('codex and aider, end to end through braid (fake executables)', () => {
  it('codex exec --json: the prompt arrives whole, the edit lands, usage shows in braid ls', async () => {
    const made = await runCli(repo.dir, ['new', 'cx', '--agent', 'codex', '--headless', '-p', TRICKY], {
      env,
    });
    expect(made.code, made.stderr).toBe(0);
    const row = await ended('cx');
    expect(row).toMatchObject({ agent: 'codex', status: 'exited', exitCode: 0 });
    expect(readFileSync(path.join(row.worktree, 'fake-codex.md'), 'utf8')).toBe(`${TRICKY}\n`);
    // 1200 input of which 200 cached, 300 output: cached input is reported as cache reads.
    expect(row.tokens).toEqual({ input: 1000, output: 300, cacheCreation: 0, cacheRead: 200 });
    expect(row.costUsd).toBeNull();
    const log = (await runCli(repo.dir, ['logs', 'cx'], { env })).stdout;
    expect(log).toContain('"type":"turn.completed"');
  });

  it('codex usage follows its own report; its sandbox lets it commit on the task branch', async () => {
    const prompt =
      '@write src/greeting.txt hello from codex ;; @commit add greeting ;; @tokens 5000 1500 700 250';
    const made = await runCli(repo.dir, ['new', 'cy', '--agent', 'codex', '--headless', '-p', prompt], {
      env,
    });
    expect(made.code, made.stderr).toBe(0);
    const row = await ended('cy');
    expect(row.status).toBe('exited');
    expect(readFileSync(path.join(row.worktree, 'src/greeting.txt'), 'utf8')).toBe('hello from codex\n');
    // The commit needs the worktree's git folder, which workspace-write keeps read-only unless braid adds it.
    expect(await repo.git('log', '-1', '--format=%s', 'braid/cy')).toBe('add greeting');
    expect(await g(row.worktree, 'status', '--porcelain')).toBe('');
    // 5000 input: 1500 cached and 250 written to the cache, 3250 plain.
    expect(row.tokens).toEqual({ input: 3250, output: 700, cacheCreation: 250, cacheRead: 1500 });
    const stats = await cliJson<{ tasks: Array<{ name: string; tokens: Row['tokens'] }> }>(
      repo.dir,
      ['stats'],
      env,
    );
    expect(stats.tasks.find((t) => t.name === 'cy')?.tokens).toMatchObject({ input: 3250, output: 700 });
  });

  it('agents.codex.headless_sandbox_mode: read-only reaches codex, which then writes nothing', async () => {
    const config = path.join(repo.parent, 'codex-read-only.yaml');
    writeFileSync(config, 'deps: none\nagents:\n  codex:\n    headless_sandbox_mode: read-only\n');
    const prompt = '@write blocked.txt nope';
    const made = await runCli(repo.dir, ['new', 'cr', '--agent', 'codex', '--headless', '-p', prompt], {
      env: { ...env, BRAID_CONFIG: config },
    });
    expect(made.code, made.stderr).toBe(0);
    const row = await ended('cr');
    expect(row.status).toBe('exited');
    expect(existsSync(path.join(row.worktree, 'blocked.txt'))).toBe(false);
    const log = (await runCli(repo.dir, ['logs', 'cr'], { env })).stdout;
    expect(log).toContain('"status":"failed"');
  });

  it('aider --message: the prompt arrives whole, its commit lands on the task branch, status ends exited', async () => {
    const made = await runCli(repo.dir, ['new', 'ad', '--agent', 'aider', '--headless', '-p', TRICKY], {
      env,
    });
    expect(made.code, made.stderr).toBe(0);
    const row = await ended('ad');
    expect(row).toMatchObject({ agent: 'aider', status: 'exited', exitCode: 0 });
    expect(readFileSync(path.join(row.worktree, 'fake-aider.md'), 'utf8')).toBe(`${TRICKY}\n`);
    expect(await repo.git('log', '-1', '--format=%s', 'braid/ad')).toBe(`aider: ${TRICKY}`);
    expect(await repo.git('show', 'braid/ad:fake-aider.md')).toBe(TRICKY);
    // Committed as aider does: nothing is left uncommitted in the worktree.
    expect(await g(row.worktree, 'status', '--porcelain')).toBe('');
    // aider keeps no usage record braid reads: unknown, never zero.
    expect(row.tokens).toBeNull();
    expect((await runCli(repo.dir, ['logs', 'ad'], { env })).stdout).toContain(
      'Applied edit to fake-aider.md',
    );
  });
});
