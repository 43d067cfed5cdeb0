import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/core/config.js';
import { findRepo } from '../src/git/repo.js';
import { leasePorts } from '../src/isolate/workspace/ports.js';
import { openStore } from '../src/store/db.js';
import { insertTask } from '../src/store/tasks.js';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import { g, type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());
beforeAll(async () => {
  await requireBuiltCli();
});

const PORTS = { names: ['PORT', 'API_PORT'], range: [4100, 4199] as [number, number], block: 2 };

describe('braid land with the real land hooks', () => {
  it('gates in a worktree with its own node_modules and ports, then removes the landed task (land.cleanup)', async () => {
    repo = await tempRepo({
      files: {
        'package.json': '{"name":"sample","version":"1.0.0"}\n',
        'package-lock.json': '{"name":"sample","lockfileVersion":3}\n',
        '.gitignore': 'node_modules\n',
      },
    });
    // The main checkout's installed dependencies: what the gate worktree should get a copy of.
    mkdirSync(path.join(repo.dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(path.join(repo.dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    const seen = path.join(repo.parent, 'gate-env.txt');
    writeFileSync(
      path.join(repo.parent, 'gate.sh'),
      `[ -f node_modules/dep/index.js ] && [ ! -L node_modules ] || exit 1
touch node_modules/written-by-gate
printf 'dir=%s\\nPORT=%s\\nAPI_PORT=%s\\nBRAID_TASK=%s\\n' "$(pwd -P)" "$PORT" "$API_PORT" "$BRAID_TASK" > '${seen}'
`,
    );
    const config = path.join(repo.parent, 'braid.yaml');
    writeFileSync(
      config,
      [
        `gate: sh ${path.join(repo.parent, 'gate.sh')}`,
        'gate_timeout: 60',
        'ports:',
        `  names: [${PORTS.names.join(', ')}]`,
        `  range: [${PORTS.range.join(', ')}]`,
        `  block: ${PORTS.block}`,
        'land:',
        '  cleanup: true',
        '',
      ].join('\n'),
    );
    const info = await findRepo(repo.dir);
    const wt = path.join(repo.parent, 'wt-feat');
    await repo.git('worktree', 'add', '-q', '-b', 'braid/feat', wt, 'main');
    writeFileSync(path.join(wt, 'feat.txt'), 'feat\n');
    await g(wt, 'add', '-A');
    await g(wt, 'commit', '-q', '-m', 'feat');
    const store = openStore(info.commonDir);
    insertTask(store, {
      name: 'feat',
      branch: 'braid/feat',
      worktree: wt,
      base: 'main',
      baseCommit: await repo.git('rev-parse', 'main~0'),
      agent: 'shell',
      status: 'exited',
      prompt: 'Add feat',
    });
    // The task's own dev server holds its ports; the gate must not get the same ones.
    const own = await leasePorts(store, 'feat', parseConfig({ ports: PORTS }, 'test').ports);
    store.close();

    const res = await runCli(repo.dir, ['land', 'feat', '--json'], { env: { BRAID_CONFIG: config } });

    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).landed.map((l: { name: string }) => l.name)).toEqual(['feat']);
    const env = Object.fromEntries(
      readFileSync(seen, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    // Beside the task worktrees, out of .git (where jest would ignore every file).
    expect(env.dir).toBe(path.join(repo.parent, 'repo.braid', '_gate-0'));
    expect(env.BRAID_TASK).toBe('feat');
    for (const name of PORTS.names) {
      const port = Number(env[name]);
      expect(port).toBeGreaterThanOrEqual(PORTS.range[0]);
      expect(port).toBeLessThanOrEqual(PORTS.range[1]);
      expect(Object.values(own)).not.toContain(port);
    }
    // Its own copy: a real folder, and what the gate wrote there stays out of the main checkout's.
    expect(lstatSync(path.join(env.dir, 'node_modules')).isDirectory()).toBe(true);
    expect(existsSync(path.join(env.dir, 'node_modules', 'written-by-gate'))).toBe(true);
    expect(existsSync(path.join(repo.dir, 'node_modules', 'written-by-gate'))).toBe(false);
    // land.cleanup: the landed task's worktree went through the safe removal.
    expect(await repo.git('show', 'main:feat.txt')).toBe('feat');
    expect(existsSync(wt)).toBe(false);
    expect(await repo.git('worktree', 'list', '--porcelain')).not.toContain(wt);
    expect(res.stderr).toMatch(/feat: worktree removed after landing \(land\.cleanup\)/);
    const ls = await runCli(repo.dir, ['ls', '--json'], { env: { BRAID_CONFIG: config } });
    expect(JSON.parse(ls.stdout).tasks.map((t: { name: string }) => t.name)).not.toContain('feat');
  });
});
