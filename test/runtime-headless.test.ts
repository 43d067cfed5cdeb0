import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBraidError } from '../src/core/errors.js';
import { run } from '../src/exec/run.js';
import { getRuntime, type LaunchSpec, type SessionHandle } from '../src/run/runtime/index.js';
import { until } from './helpers/wait.js';

const root = path.resolve(import.meta.dirname, '..');
const builtIndex = path.join(root, 'dist/run/runtime/index.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(path.join(root, 'dist/run/runtime/headless-runner.js'))) {
    throw new Error('dist/run/runtime/headless-runner.js is missing: run `npm run build` before this test');
  }
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-headless-')));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spec(task: string, argv: string[]): LaunchSpec {
  const cwd = path.join(dir, task);
  mkdirSync(cwd, { recursive: true });
  return {
    task,
    repoName: 'repo',
    cwd,
    argv,
    env: { BRAID_TASK: task },
    logPath: path.join(dir, 'logs', `${task}.log`),
    exitPath: path.join(dir, 'logs', `${task}.exit.json`),
  };
}

/** Gone or a zombie: killed processes may wait a moment for their new parent to reap them. */
function ended(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

// Empty counts as not there yet: a shell creates its output file before it writes to it.
const read = (file: string) => (existsSync(file) && readFileSync(file, 'utf8')) || undefined;

describe('headless runtime', () => {
  it('records the exit code after the starting process is gone, with stdout and stderr in the log', async () => {
    // The agent waits for the test's release, given once the starting process is gone.
    const agent =
      'while [ ! -e release ]; do sleep 0.05; done; echo "out $BRAID_TASK $PWD"; echo err >&2; exit 5';
    const s = spec('five', ['sh', '-c', agent]);
    // Start from a separate braid-like process that exits at once, as `braid new --headless` would.
    const starter = `import(${JSON.stringify(builtIndex)}).then((m) => m.getRuntime('headless').start(JSON.parse(process.argv[1]))).then((h) => console.log(JSON.stringify(h)))`;
    const res = await run(process.execPath, ['--input-type=module', '-e', starter, JSON.stringify(s)], {
      cwd: dir,
    });
    const handle = JSON.parse(res.stdout) as SessionHandle;
    expect(handle.pid).toBeGreaterThan(0);
    writeFileSync(path.join(s.cwd, 'release'), '');
    const rt = getRuntime('headless');
    const st = await until('the headless session to end', async () => {
      const x = await rt.state(handle, s.exitPath);
      return x.alive ? undefined : x;
    });
    expect(st.exitCode).toBe(5);
    expect(read(s.logPath)).toBe(`out five ${s.cwd}\nerr\n`);
    expect(await rt.capture(handle)).toContain('err');
    expect(JSON.parse(read(s.exitPath) ?? '{}')).toMatchObject({ exitCode: 5, signal: null });
    expect(rt.attachArgv(handle, false)).toBeNull();
  });

  it('stop ends the whole process group, grandchildren that ignore SIGTERM included', async () => {
    const rt = getRuntime('headless');
    const script =
      '(trap "" TERM; while :; do sleep 0.1; done) & echo $! > gc.pid.tmp && mv gc.pid.tmp gc.pid; wait';
    const s = spec('group', ['sh', '-c', script]);
    const handle = await rt.start(s);
    const gcPid = Number(
      await until('the grandchild pid file gc.pid', () => read(path.join(s.cwd, 'gc.pid'))?.trim()),
    );
    expect((await rt.state(handle, s.exitPath)).alive).toBe(true);
    await rt.stop(handle, { termMs: 300 });
    await until('grandchild to end', () => ended(gcPid), 10_000);
    await until('runner to end', async () => !(await rt.state(handle, s.exitPath)).alive, 10_000);
  });

  it('takes no input', async () => {
    const rt = getRuntime('headless');
    const err = await rt.send({ runtime: 'headless', pid: null }, 'hi').catch((e) => e);
    expect(isBraidError(err, 'E_SESSION')).toBe(true);
  });
});
