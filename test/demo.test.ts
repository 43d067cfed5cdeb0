import { describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { ROOT } from './helpers/cli.js';
import { buildOnce } from './helpers/plan-run.js';

describe('npm run demo', () => {
  it('lands all four tasks, the conflicting one after its agent resolved it, and leaves nothing behind', async () => {
    await buildOnce();
    const res = await run(process.execPath, ['dist/demo/main.js', '--keep'], {
      cwd: ROOT,
      env: { NO_COLOR: '1' },
      allowFailure: true,
      timeoutMs: 170_000,
    });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const report = res.stdout.slice(res.stdout.indexOf('Report'));
    for (const task of ['discount', 'greet-loud', 'docs', 'greet-polite'])
      expect(report).toMatch(new RegExp(`${task}\\s+landed`));
    expect(res.stderr + res.stdout).toContain('conflict in src/greet.ts, handed back to its agent');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample's TypeScript source, as printed.
    expect(res.stdout).toContain('return `Good day, ${name}. Welcome!!!`;');
    // --keep leaves the sample for inspection: its tasks are gone and no session or supervisor runs.
    const kept = /^kept (.+)$/m.exec(res.stdout)?.[1];
    expect(kept).toBeTruthy();
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
