#!/usr/bin/env node
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bold } from '../cli/output.js';
import { runInherited } from '../exec/inherit.js';
import { run } from '../exec/run.js';
import { DEMO_PLAN, demoConfig } from './plan.js';
import { createSampleRepo } from './sample.js';

/** `npm run demo`: braid's main job on a built-in sample with a scripted agent, then a look at the result. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/cli/main.js');
const AGENT = path.join(ROOT, 'test/fixtures/fake-claude');

function banner(text: string): void {
  process.stdout.write(`\n${bold(`== ${text}`)}\n`);
}

/** The demo's private tmux server, should anything have started one (plan runs are headless): gone, socket too. */
async function endTmux(socket: string): Promise<void> {
  try {
    await run('tmux', ['-L', socket, 'kill-server'], { cwd: '/', allowFailure: true });
  } catch {
    // no tmux on this machine: no server either
  }
  const dir = path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
  rmSync(path.join(dir, socket), { force: true });
}

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-demo-')));
  const repo = path.join(work, 'sample shop');
  mkdirSync(repo);
  const env = {
    ...process.env,
    CLAUDE_CONFIG_DIR: path.join(work, 'claude'),
    BRAID_TMUX_SOCKET: `braid-demo-${process.pid}`,
    NO_COLOR: process.env.NO_COLOR,
  };
  const braid = (...args: string[]) => runInherited(process.execPath, [CLI, ...args], { cwd: repo, env });
  try {
    banner(`sample repository: ${repo}`);
    await createSampleRepo(repo, demoConfig(AGENT), ROOT);
    writeFileSync(path.join(repo, 'plan.yaml'), DEMO_PLAN);
    process.stdout.write(DEMO_PLAN);

    banner('braid run plan.yaml  (4 tasks, 3 at a time, each in its own worktree, landed through the queue)');
    const res = await braid('run', 'plan.yaml');

    banner('braid ls');
    await braid('ls');
    banner(
      'git log --oneline main  (each commit passed the gate on its own tree, or inside a batch whose top did)',
    );
    const log = await run('git', ['log', '--oneline', '--decorate=no', 'main'], { cwd: repo });
    process.stdout.write(log.stdout);
    const greet = await run('git', ['show', 'main:src/greet.ts'], { cwd: repo });
    const resolved = greet.stdout.includes('Good day') && greet.stdout.includes('!!!');
    banner('the conflict');
    process.stdout.write(
      resolved
        ? 'greet-polite and greet-loud changed the same line of src/greet.ts. The queue found the conflict in memory,\n' +
            "handed it back to greet-polite's agent, which merged main and kept both intents; the result passed the gate:\n" +
            greet.stdout
        : `the conflict was not resolved as expected; main has:\n${greet.stdout}`,
    );
    banner('cleaning up: braid rm (backs up first, refuses to lose work)');
    const ls = await run(process.execPath, [CLI, 'ls', '--json'], { cwd: repo, env });
    for (const t of (JSON.parse(ls.stdout) as { tasks: { name: string }[] }).tasks) {
      // Landed work goes without --force; anything else is refused first, then forced (the backup keeps it).
      if ((await braid('rm', t.name)).code !== 0) await braid('rm', '--force', t.name);
    }
    // braid run started a supervisor for the repository: the demo leaves nothing running.
    await run(process.execPath, [CLI, 'down'], { cwd: repo, env, allowFailure: true });
    await endTmux(env.BRAID_TMUX_SOCKET);
    process.exitCode = res.code === 0 && resolved ? 0 : 1;
  } finally {
    if (keep) process.stdout.write(`\nkept ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
