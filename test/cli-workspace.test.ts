import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listTasks } from '../src/store/tasks.js';
import { SUPERVISOR_CHANGES, taskChanges } from '../src/watch/monitor/task-changes.js';
import { cliJson, runCli } from './helpers/cli.js';
import { projectFor } from './helpers/project.js';
import { type TempRepo, tempRepo } from './helpers/repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

interface LsJson {
  tasks: {
    name: string;
    status: string;
    ports: Record<string, number>;
    worktree: string;
    changedFiles: number;
  }[];
}

describe('braid new / ls / env / rm / gc from the command line', () => {
  it('ten braid new at once get distinct ports and no store errors', async () => {
    repo = await tempRepo({ name: 'repo with spaces' });
    writeFileSync(
      path.join(repo.dir, 'braid.yaml'),
      'ports: { names: [PORT, API_PORT], range: [4500, 4699], block: 4 }\n',
    );
    const names = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const results = await Promise.all(names.map((n) => runCli(repo.dir, ['new', n, '--no-start'])));
    for (const r of results) expect(r.stderr).not.toMatch(/SQLITE|busy|unexpected/i);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ls = await cliJson<LsJson>(repo.dir, ['ls']);
    expect(ls.tasks.map((t) => t.name).sort()).toEqual(names);
    const ports = ls.tasks.flatMap((t) => Object.values(t.ports));
    expect(new Set(ports).size).toBe(20);
    expect(ls.tasks.every((t) => t.status === 'idle' && existsSync(t.worktree))).toBe(true);
    const env = await runCli(repo.dir, ['env', 't3']);
    expect(env.stdout).toContain("export BRAID_TASK='t3'");
    expect(env.stdout).toMatch(/export PORT='45\d\d'/);
    expect(env.stdout).toContain("export COMPOSE_PROJECT_NAME='repo-with-spaces-t3'");
  });

  it('a broken braid.yaml lists every problem with its key path and exits 2', async () => {
    repo = await tempRepo();
    writeFileSync(path.join(repo.dir, 'braid.yaml'), 'deps: sometimes\nports: { block: 0 }\ncolour: red\n');
    const res = await runCli(repo.dir, ['new', 'x', '--no-start']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('deps:');
    expect(res.stderr).toContain('ports.block:');
    expect(res.stderr).toContain("unknown key 'colour'");
  });

  it('bad names exit 2 with the rule; a missing git is a clear error', async () => {
    repo = await tempRepo();
    const bad = await runCli(repo.dir, ['new', 'no spaces; rm -rf', '--no-start']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a valid task name');
    // A PATH holding node alone: node often lives in /usr/bin beside git.
    const nodeOnly = path.join(repo.parent, 'node-only-bin');
    mkdirSync(nodeOnly);
    symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
    const noGit = await runCli(repo.dir, ['ls'], { env: { PATH: nodeOnly } });
    expect(noGit.code).toBe(1);
    expect(noGit.stderr).toMatch(/git.*not (installed|found)/i);
  });

  it('rm refuses unlanded work with exit 1 and prints how to restore the backup', async () => {
    repo = await tempRepo();
    expect((await runCli(repo.dir, ['new', 'w', '--no-start'])).code).toBe(0);
    const ls = await cliJson<LsJson>(repo.dir, ['ls']);
    writeFileSync(path.join(ls.tasks[0].worktree, 'notes.txt'), 'precious\n');
    const refused = await runCli(repo.dir, ['rm', 'w']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('notes.txt');
    const forced = await runCli(repo.dir, ['rm', 'w', '--force']);
    expect(forced.code).toBe(0);
    const restore = forced.stdout.match(/restore: (git branch \S+ (\S+))/);
    expect(restore).not.toBeNull();
    expect(await repo.git('show', `${restore?.[2]}:notes.txt`)).toBe('precious');
  });

  it('gc repairs a worktree folder deleted by hand, keeping its commits in a backup', async () => {
    repo = await tempRepo();
    await runCli(repo.dir, ['new', 'gone', '--no-start']);
    const ls = await cliJson<LsJson>(repo.dir, ['ls']);
    const wt = ls.tasks[0].worktree;
    writeFileSync(path.join(wt, 'f.txt'), 'work\n');
    await repo.git('-C', wt, 'add', '-A');
    await repo.git('-C', wt, 'commit', '-q', '-m', 'work');
    await repo.git('-C', repo.parent, 'status').catch(() => {});
    rmSync(wt, { recursive: true, force: true });
    const gc = await cliJson<{ actions: { kind: string; target: string; detail: string }[] }>(repo.dir, [
      'gc',
    ]);
    expect(gc.actions.map((a) => a.kind)).toContain('missing-worktree');
    const ref = gc.actions[0].detail.match(/refs\/braid\/backup\/\S+/)?.[0];
    expect(await repo.git('show', `${ref}:f.txt`)).toBe('work');
    expect((await cliJson<LsJson>(repo.dir, ['ls'])).tasks).toEqual([]);
  });
});

/** Every file under dir but .git: content and whether it is executable. */
function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(child);
      else {
        const exec = (statSync(path.join(dir, child)).mode & 0o111) !== 0;
        out[child] = `${exec ? 'x' : '-'} ${readFileSync(path.join(dir, child), 'utf8')}`;
      }
    }
  };
  walk('');
  return out;
}

describe('the backup braid rm makes', () => {
  it('restored into a fresh checkout, equals the whole worktree as it was', async () => {
    repo = await tempRepo({
      files: { 'a.txt': 'a\n', 'gone.txt': 'bye\n', 'sub/b.txt': 'b\n', 'run.sh': 'echo hi\n' },
    });
    expect((await runCli(repo.dir, ['new', 'bk', '--no-start'])).code).toBe(0);
    const wt = (await cliJson<LsJson>(repo.dir, ['ls'])).tasks[0].worktree;
    writeFileSync(path.join(wt, 'c.txt'), 'committed on the task\n');
    await repo.git('-C', wt, 'add', 'c.txt');
    await repo.git('-C', wt, 'commit', '-q', '-m', 'task work');
    writeFileSync(path.join(wt, 'a.txt'), 'a edited\n');
    writeFileSync(path.join(wt, 'sub/b.txt'), 'b staged\n');
    await repo.git('-C', wt, 'add', 'sub/b.txt');
    writeFileSync(path.join(wt, 'sub/b.txt'), 'b staged then edited\n');
    rmSync(path.join(wt, 'gone.txt'));
    chmodSync(path.join(wt, 'run.sh'), 0o755);
    mkdirSync(path.join(wt, 'new/deep'), { recursive: true });
    writeFileSync(path.join(wt, 'new/deep/u.txt'), 'untracked\n');
    writeFileSync(path.join(wt, 'top.txt'), 'untracked too\n');
    const before = treeOf(wt);
    expect(Object.keys(before).sort()).toEqual([
      'a.txt',
      'c.txt',
      'new/deep/u.txt',
      'run.sh',
      'sub/b.txt',
      'top.txt',
    ]);
    const rm = await runCli(repo.dir, ['rm', 'bk', '--force']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(existsSync(wt)).toBe(false);
    const ref = rm.stdout.match(/backup: (refs\/braid\/backup\/bk\/\S+)/)?.[1];
    expect(ref).toBeDefined();
    const fresh = path.join(repo.parent, 'restored');
    await repo.git('worktree', 'add', '--quiet', '--detach', fresh, ref as string);
    expect(treeOf(fresh)).toEqual(before);
  });
});

describe('braid ls --json', () => {
  it('has every field of DESIGN.md, with real changedFiles, ahead and behind', async () => {
    repo = await tempRepo({ files: { 'README.md': '# r\n', 'keep.txt': 'k\n' } });
    expect((await runCli(repo.dir, ['new', 'fields', '--no-start'])).code).toBe(0);
    const wt = (await cliJson<LsJson>(repo.dir, ['ls'])).tasks[0].worktree;
    for (const file of ['a.txt', 'b.txt']) {
      writeFileSync(path.join(wt, file), `${file}\n`);
      await repo.git('-C', wt, 'add', file);
      await repo.git('-C', wt, 'commit', '-q', '-m', file);
    }
    writeFileSync(path.join(wt, 'README.md'), '# edited, not committed\n');
    writeFileSync(path.join(wt, 'untracked.txt'), 'u\n');
    await repo.commit('main moves', { 'on-main.txt': 'm\n' });
    const { tasks } = await cliJson<{ tasks: Record<string, unknown>[] }>(repo.dir, ['ls']);
    const fields = [
      'name',
      'branch',
      'worktree',
      'status',
      'statusSource',
      'exitCode',
      'agent',
      'agentSessionId',
      'runtime',
      'base',
      'ports',
      'pid',
      'changedFiles',
      'rssBytes',
      'cpuPercent',
      'tokens',
      'costUsd',
      'landedCommit',
    ];
    for (const f of fields) expect(tasks[0], f).toHaveProperty(f);
    expect(tasks[0]).toMatchObject({
      name: 'fields',
      branch: 'braid/fields',
      worktree: wt,
      status: 'idle',
      statusSource: 'process',
      exitCode: null,
      agentSessionId: null,
      runtime: 'tmux',
      base: 'main',
      pid: null,
      landedCommit: null,
      // a.txt, b.txt (committed), README.md (edited), untracked.txt; main's own commit is not the task's.
      changedFiles: 4,
      ahead: 2,
      behind: 1,
    });
    expect(Object.keys(tasks[0].ports as object)).toContain('PORT');
  });
});

describe('braid ls reads the figures the supervisor stored', () => {
  it('shows the stored count until something it can check moves; --fresh recounts', async () => {
    repo = await tempRepo({ files: { 'README.md': '# r\n' } });
    expect((await runCli(repo.dir, ['new', 'kept', '--no-start'])).code).toBe(0);
    const wt = (await cliJson<LsJson>(repo.dir, ['ls'])).tasks[0].worktree;
    writeFileSync(path.join(wt, 'a.txt'), 'a\n');
    await repo.git('-C', wt, 'add', 'a.txt');
    await repo.git('-C', wt, 'commit', '-q', '-m', 'a');
    // The supervisor's changes pass, as its loop runs it.
    const project = await projectFor(repo.dir);
    try {
      await taskChanges(project.store, project.repo.root, listTasks(project.store), SUPERVISOR_CHANGES);
    } finally {
      project.close();
    }
    // An edit in place rewrites no index and moves no ref: only a recount sees it.
    writeFileSync(path.join(wt, 'README.md'), '# edited\n');
    const figures = async (args: string[]) =>
      (await cliJson<{ tasks: Array<{ changedFiles: number; ahead: number }> }>(repo.dir, ['ls', ...args]))
        .tasks[0];
    expect(await figures([])).toMatchObject({ changedFiles: 1, ahead: 1 });
    expect(await figures(['--fresh'])).toMatchObject({ changedFiles: 2, ahead: 1 });
    // ls trusts only the supervisor's counts: its own are recounted next time.
    expect(await figures([])).toMatchObject({ changedFiles: 2, ahead: 1 });
    // A commit moves HEAD: counted again without --fresh.
    await repo.git('-C', wt, 'commit', '-q', '-am', 'readme');
    expect(await figures([])).toMatchObject({ changedFiles: 2, ahead: 2 });
  });
});

describe('port leases', () => {
  it('skip every block with a port another process listens on, on any address', async () => {
    repo = await tempRepo();
    writeFileSync(
      path.join(repo.dir, 'braid.yaml'),
      'ports: { names: [PORT], range: [4900, 4949], block: 5 }\n',
    );
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && !a.address.startsWith('fe80'));
    // Loopback always; the host's own IPv4 and IPv6 addresses where it has them (a LAN dev server).
    const hosts = [
      '127.0.0.1',
      ...['IPv4', 'IPv6'].flatMap((f) => external.find((a) => a?.family === f)?.address ?? []),
    ];
    const held = hosts.map((host, i) => ({ host, port: 4901 + 5 * i }));
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const net = require('net'); let n = 0; const all = ${JSON.stringify(held)};
         for (const h of all) net.createServer().listen({ port: h.port, host: h.host }, () => { if (++n === all.length) console.log('ready'); });
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) =>
        holder.stdout.on('data', (d) => String(d).includes('ready') && resolve()),
      );
      const res = await runCli(repo.dir, ['new', 'free', '--no-start']);
      expect(res.code, res.stderr).toBe(0);
      const ls = await cliJson<LsJson>(repo.dir, ['ls']);
      expect(ls.tasks[0].ports.PORT).toBe(4900 + 5 * held.length);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
