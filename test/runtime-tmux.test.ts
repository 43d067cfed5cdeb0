import {
  chmodSync,
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
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getRuntime, type LaunchSpec, tmuxSessionName } from '../src/run/runtime/index.js';
import { type TmuxServer, tmuxServer } from './helpers/tmux.js';
import { until } from './helpers/wait.js';

let server: TmuxServer;
let dir: string;

beforeAll(() => {
  vi.stubEnv('TMUX', undefined);
  server = tmuxServer();
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-tmux-')));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server.kill();
  rmSync(dir, { recursive: true, force: true });
});

function spec(repoName: string, task: string, argv: string[], extra: Partial<LaunchSpec> = {}): LaunchSpec {
  const cwd = path.join(dir, repoName, task);
  mkdirSync(cwd, { recursive: true });
  return {
    task,
    repoName,
    cwd,
    argv,
    env: { BRAID_TASK: task },
    logPath: path.join(dir, 'logs', repoName, `${task}.log`),
    exitPath: path.join(dir, 'logs', repoName, `${task}.exit.json`),
    ...extra,
  };
}

// Empty counts as not there yet: a shell creates its output file before it writes to it.
const read = (file: string) => (existsSync(file) && readFileSync(file, 'utf8')) || undefined;

describe('tmux runtime', () => {
  it('starts three tasks at once as three windows with their own cwd and env', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const script = 'echo "$PORT $BRAID_TASK $PWD" > out.txt.tmp && mv out.txt.tmp out.txt; exec sleep 30';
    const specs = ['a', 'b #1', 'c'].map((task, i) =>
      spec('my.repo:x', task, ['sh', '-c', script], { env: { BRAID_TASK: task, PORT: String(4000 + i) } }),
    );
    const handles = await Promise.all(specs.map((s) => rt.start(s)));
    const session = tmuxSessionName('my.repo:x');
    const windows = (await server.run(['list-windows', '-t', `=${session}`, '-F', '#{window_name}'])).split(
      '\n',
    );
    expect(windows.sort()).toEqual(['a', 'b #1', 'c']);
    for (const [i, s] of specs.entries()) {
      const out = await until('out.txt', () => read(path.join(s.cwd, 'out.txt')), 10_000);
      expect(out).toBe(`${4000 + i} ${s.task} ${s.cwd}\n`);
    }
    const states = await Promise.all(handles.map((h, i) => rt.state(h, specs[i].exitPath)));
    expect(states.every((s) => s.alive && s.pid)).toBe(true);
    await Promise.all(handles.map((h) => rt.stop(h, { termMs: 2_000 })));
  });

  it('puts every task in one tiled window with the tiled layout', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const specs = ['t1', 't2', 't3'].map((t) => spec('tiled', t, ['sleep', '30'], { layout: 'tiled' }));
    const handles = await Promise.all(specs.map((s) => rt.start(s)));
    const session = tmuxSessionName('tiled');
    expect(await server.run(['list-windows', '-t', `=${session}`, '-F', '#{window_name}'])).toBe('tasks');
    const panes = await server.run([
      'list-panes',
      '-t',
      `=${session}:tasks`,
      '-F',
      '#{pane_id} #{pane_title}',
    ]);
    expect(panes.split('\n').sort()).toEqual(handles.map((h, i) => `${h.target} t${i + 1}`).sort());
    await Promise.all(handles.map((h) => rt.stop(h, { termMs: 2_000 })));
  });

  it('executes argv without a shell, also a single-word command', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const marker = path.join(dir, 'must-not-exist');
    const tricky = ['a b', `it's "q"`, `$(touch ${marker})`, 'end;', ';', '#{pane_id}'];
    const odd = `x y;'$(touch ${marker})`;
    const s = spec('argv', 'args', [
      'sh',
      '-c',
      'printf "%s\\n" "$ODD" "$@" > args.txt.tmp && mv args.txt.tmp args.txt',
      'sh',
      ...tricky,
    ]);
    await rt.start({ ...s, env: { ODD: odd } });
    const got = await until('args.txt', () => read(path.join(s.cwd, 'args.txt')), 10_000);
    expect(got).toBe(`${[odd, ...tricky].join('\n')}\n`);
    const single = spec('argv', 'single', []);
    const program = path.join(single.cwd, 'my prog $(x).sh');
    writeFileSync(program, '#!/bin/sh\necho ran > ran.txt.tmp && mv ran.txt.tmp ran.txt\n');
    chmodSync(program, 0o755);
    await rt.start({ ...single, argv: [program] });
    expect(await until('ran.txt', () => read(path.join(single.cwd, 'ran.txt')), 10_000)).toBe('ran\n');
    expect(existsSync(marker)).toBe(false);
  });

  it('sends text literally, then Enter', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const s = spec('send', 'reader', [
      'sh',
      '-c',
      'IFS= read -r line; printf "%s" "$line" > got.txt.tmp && mv got.txt.tmp got.txt',
    ]);
    const h = await rt.start(s);
    const text = `C-c echo $(touch ${path.join(dir, 'nope')}) 'q' Enter;`;
    await rt.send(h, text);
    expect(await until('got.txt', () => read(path.join(s.cwd, 'got.txt')), 10_000)).toBe(text);
    expect(existsSync(path.join(dir, 'nope'))).toBe(false);
  });

  it('reports a dead pane with its exit code, logs output, and keeps the record after remove', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const s = spec('exit', 'three', ['sh', '-c', 'echo log-marker-out; echo log-marker-err >&2; exit 3']);
    const h = await rt.start(s);
    const st = await until('the tmux session to end', async () => {
      const x = await rt.state(h, s.exitPath);
      return x.alive ? undefined : x;
    });
    expect(st.exitCode).toBe(3);
    const log = await until('log-marker-err in the pane log', () => {
      const text = read(s.logPath);
      return text?.includes('log-marker-err') ? text : undefined;
    });
    expect(log).toContain('log-marker-out');
    expect(await rt.capture(h)).toContain('log-marker-out');
    await rt.remove(h);
    expect(await rt.state(h, s.exitPath)).toMatchObject({ alive: false, exitCode: 3 });
  });

  it('stops a program that ignores the grace keys and SIGTERM, keeping the window', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const s = spec('stop', 'stubborn', [
      'sh',
      '-c',
      'trap "" INT TERM; echo ready; while :; do sleep 0.1; done',
    ]);
    const h = await rt.start(s);
    await until('ready on the pane', async () => (await rt.capture(h)).includes('ready'));
    await rt.stop(h, { graceKeys: ['C-c'], graceMs: 300, termMs: 300 });
    expect((await rt.state(h, s.exitPath)).alive).toBe(false);
    const panes = await server.run(['list-panes', '-a', '-F', '#{pane_id}']);
    expect(panes.split('\n')).toContain(h.target);
    expect(rt.attachArgv(h, false)).toEqual(['tmux', '-L', server.socket, 'attach-session', '-t', h.target]);
    await rt.remove(h);
    expect((await server.run(['list-panes', '-a', '-F', '#{pane_id}'])).split('\n')).not.toContain(h.target);
  });

  it('stops a program that honours the grace keys without signals', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const s = spec('stop', 'polite', [
      'sh',
      '-c',
      'trap "echo bye > bye.txt; exit 0" INT; echo ready; while :; do sleep 0.1; done',
    ]);
    const h = await rt.start(s);
    await until('ready on the pane', async () => (await rt.capture(h)).includes('ready'));
    await rt.stop(h, { graceKeys: ['C-c'], graceMs: 5_000, termMs: 300 });
    expect(await rt.state(h, s.exitPath)).toMatchObject({ alive: false, exitCode: 0 });
    expect(read(path.join(s.cwd, 'bye.txt'))).toBe('bye\n');
  });

  it('sees a pane whose process was killed as not alive', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const s = spec('kill', 'victim', ['sleep', '30']);
    const h = await rt.start(s);
    const st = await rt.state(h, s.exitPath);
    expect(st.alive).toBe(true);
    process.kill(st.pid as number, 'SIGKILL');
    await until('pane to die', async () => !(await rt.state(h, s.exitPath)).alive, 10_000);
    expect(JSON.parse(read(s.exitPath) ?? '{}')).toMatchObject({ exitCode: null });
  });

  it('after a restart of the server, an old handle whose pane id names a new session leaves that session alone', async () => {
    // Its own server: a fresh one numbers its panes from %0, so the old and the new pane share an id.
    const own = tmuxServer();
    try {
      const rt = getRuntime('tmux', { socket: own.socket });
      const before = spec('reboot', 'old', ['sleep', '600']);
      const old = await rt.start(before);
      await own.kill();
      const after = spec('reboot', 'new', ['sleep', '600']);
      const fresh = await rt.start(after);
      expect(fresh.target).toBe(old.target);

      expect((await rt.state(old, before.exitPath)).alive).toBe(false);
      await expect(rt.send(old, 'typed into the wrong session')).rejects.toThrow(/is gone/);
      await expect(rt.capture(old)).rejects.toThrow(/is gone/);
      await rt.stop(old, { termMs: 1_000 });
      await rt.remove(old);
      const still = await rt.state(fresh, after.exitPath);
      expect(still).toMatchObject({ alive: true, pid: fresh.pid });
    } finally {
      await own.kill();
    }
  });

  it('sends text without Enter when asked, and stop ends leftovers of a dead pane', async () => {
    const rt = getRuntime('tmux', { socket: server.socket });
    const script =
      'sleep 30 & echo $! > bg.pid.tmp && mv bg.pid.tmp bg.pid; IFS= read -r l; echo "$l" > l.txt';
    const s = spec('leftover', 'bg', ['sh', '-c', script]);
    const h = await rt.start(s);
    const bgPid = Number(
      await until('the background pid file bg.pid', () => read(path.join(s.cwd, 'bg.pid'))?.trim()),
    );
    await rt.send(h, 'part1 ', { enter: false });
    await rt.send(h, 'part2');
    const typed = () => read(path.join(s.cwd, 'l.txt'));
    expect(await until('the whole typed line in l.txt', () => typed()?.endsWith('\n') && typed())).toBe(
      'part1 part2\n',
    );
    await until('pane to die', async () => !(await rt.state(h, s.exitPath)).alive, 10_000);
    expect(existsSync(`/proc/${bgPid}`)).toBe(true);
    await rt.stop(h, { termMs: 1_000 });
    await until('leftover to end', () => !existsSync(`/proc/${bgPid}`) || undefined, 10_000);
  });
});
