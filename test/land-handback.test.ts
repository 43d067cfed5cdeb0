import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedAgentYaml } from '../src/demo/plan.js';
import { cliJson, ROOT, runCli } from './helpers/cli.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';
import { eventually } from './helpers/tmux.js';

const AGENT = path.join(ROOT, 'test/fixtures/fake-claude');

interface LsJson {
  tasks: Array<{ name: string; status: string; statusDetail?: string | null }>;
}

let repo: TempRepo;
let env: NodeJS.ProcessEnv;
afterEach(() => repo?.cleanup());

async function setup(): Promise<void> {
  repo = await tempRepo({ files: { 'shared.txt': 'base\n', 'other.txt': 'o\n' } });
  const yaml = [...scriptedAgentYaml(AGENT), 'deps: none', 'gate: grep -q . shared.txt', ''].join('\n');
  writeFileSync(path.join(repo.dir, 'braid.yaml'), yaml);
  await repo.commit('braid config', {});
  env = { CLAUDE_CONFIG_DIR: path.join(repo.parent, 'claude') };
}

async function statusOf(name: string): Promise<string | undefined> {
  const ls = await cliJson<LsJson>(repo.dir, ['ls'], env);
  return ls.tasks.find((t) => t.name === name)?.status;
}

/** Starts a headless scripted task and waits for its agent to finish. */
async function finishedTask(name: string, script: string[]): Promise<void> {
  const res = await runCli(repo.dir, ['new', name, '--headless', '-p', script.join('\n')], { env });
  expect(res.code, res.stderr).toBe(0);
  await eventually(async () => (await statusOf(name)) === 'exited', 60_000);
}

describe('conflicts handed back to the agent', () => {
  it('the agent resolves a conflict in a resumed run and the task lands; rm needs no --force after', async () => {
    await setup();
    await finishedTask('left', ['@write shared.txt left', '@commit left']);
    await finishedTask('right', [
      '@write shared.txt right',
      '@commit right',
      '@resolve shared.txt left+right',
    ]);

    const first = await runCli(repo.dir, ['land', 'left', 'right', '--json'], { env });
    expect(first.code).toBe(3);
    const report = JSON.parse(first.stdout);
    expect(report.landed.map((l: { name: string }) => l.name)).toEqual(['left']);
    expect(report.handedBack).toEqual([{ name: 'right', conflictFiles: ['shared.txt'] }]);

    // The resumed agent merges main, writes its resolution and commits; then the queue takes it again.
    await eventually(async () => (await statusOf('right')) === 'exited', 60_000);
    const second = await cliJson<{ landed: Array<{ name: string }> }>(repo.dir, ['land', 'right'], env);
    expect(second.landed.map((l) => l.name)).toEqual(['right']);
    expect(await repo.git('show', 'main:shared.txt')).toBe('left+right');

    // left was squash-landed and main has since changed its line again: nothing of it is lost.
    const rm = await runCli(repo.dir, ['rm', 'left'], { env });
    expect(rm.code, rm.stderr).toBe(0);
    expect(existsSync(path.join(repo.parent, 'repo.braid', 'left'))).toBe(false);
  }, 150_000);

  it('an agent that ends without a resolution leaves the task in conflict with what to do', async () => {
    await setup();
    await finishedTask('first', ['@write shared.txt first', '@commit first']);
    await finishedTask('stubborn', ['@write shared.txt stubborn', '@commit stubborn']);

    const land = await cliJson<{ handedBack: unknown[] }>(repo.dir, ['land', 'first', 'stubborn'], env);
    expect(land.handedBack).toHaveLength(1);
    // Its resumed run finds no resolution for shared.txt, fails the turn and exits.
    await eventually(async () => (await statusOf('stubborn')) !== 'starting', 60_000);
    await eventually(async () => {
      const res = await cliJson<{ rejected: Array<{ name: string; reason: string }> }>(
        repo.dir,
        ['land', 'stubborn'],
        env,
      );
      return res.rejected.some(
        (r) => r.name === 'stubborn' && /without committing a resolution/.test(r.reason),
      );
    }, 60_000);
    expect(await statusOf('stubborn')).toBe('conflict');
    expect(await repo.git('show', 'main:shared.txt')).toBe('first');
  }, 150_000);
});
