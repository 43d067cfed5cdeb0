import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { ROOT, requireBuiltCli } from './helpers/cli.js';

const TMUX_DIR = path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);

/** The demo's tmux sockets (braid-demo-<pid>) present now. */
function demoSockets(): string[] {
  try {
    return readdirSync(TMUX_DIR).filter((f) => f.startsWith('braid-demo-'));
  } catch {
    return [];
  }
}

/** Live processes (zombies are not) whose working folder or environment points into `dir` (Linux /proc). */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const inDir = (p: string) => p === dir || p.startsWith(`${dir}/`);
      const hit = inDir(cwd) || env.some((kv) => kv.startsWith('BRAID_REPO=') && inDir(kv.slice(11)));
      if (hit) found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

describe('npm run demo', () => {
  it('lands all four tasks, the conflicting one after its agent resolved it, and leaves nothing behind', async () => {
    await requireBuiltCli();
    const socketsBefore = demoSockets();
    const res = await run(process.execPath, ['dist/demo/main.js', '--keep'], {
      cwd: ROOT,
      env: { NO_COLOR: '1' },
      allowFailure: true,
      timeoutMs: 170_000,
    });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const kept = /^kept (.+)$/m.exec(res.stdout)?.[1];
    expect(kept).toBeTruthy();
    // Nothing left running: no session, supervisor or helper works in the sample or has it as BRAID_REPO.
    expect(processesUsing(kept as string)).toEqual([]);
    expect(demoSockets().filter((s) => !socketsBefore.includes(s))).toEqual([]);
    const report = res.stdout.slice(res.stdout.indexOf('Report'));
    for (const task of ['discount', 'greet-loud', 'docs', 'greet-polite'])
      expect(report).toMatch(new RegExp(`${task}\\s+landed`));
    expect(res.stderr + res.stdout).toContain('conflict in src/greet.ts, handed back to its agent');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample's TypeScript source, as printed.
    expect(res.stdout).toContain('return `Good day, ${name}. Welcome!!!`;');
    // --keep leaves the sample for inspection: its tasks are gone and no supervisor runs.
    const ls = await run(process.execPath, [`${ROOT}/dist/cli/main.js`, 'ls', '--json'], {
      cwd: `${kept}/sample shop`,
    });
    expect(JSON.parse(ls.stdout).tasks).toEqual([]);
    const sup = await run(process.execPath, [`${ROOT}/dist/cli/main.js`, 'supervisor', '--json'], {
      cwd: `${kept}/sample shop`,
    });
    expect(JSON.parse(sup.stdout).running).toBe(false);
    await run('rm', ['-rf', '--', kept as string], { cwd: '/' });
  }, 180_000);
});
