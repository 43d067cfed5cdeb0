import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf, parseStat, processTree, readProcessTable } from '../src/exec/proc.js';
import { run } from '../src/exec/run.js';
import { CpuSampler, clockTicksPerSecond, sampleTree } from '../src/watch/monitor/proctree.js';
import { until } from './helpers/wait.js';

// A root node process with three children holding 20 MB each and one child spinning on the CPU.
const TREE_SCRIPT = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const [readyFile, stopFile] = process.argv.slice(1);
const hold = "const b = Buffer.alloc(20 * 1024 * 1024, 1); process.stdout.write('ready\\\\n'); setInterval(() => b[0]++, 1000);";
const spin = "process.stdout.write('ready\\\\n'); for (;;) {}";
const kids = [hold, hold, hold, spin].map((code) =>
  spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] }));
let ready = 0;
for (const k of kids) k.stdout.once('data', () => {
  if (++ready === kids.length)
    fs.writeFileSync(readyFile, JSON.stringify({ root: process.pid, kids: kids.map((c) => c.pid) }));
});
const timer = setInterval(() => {
  if (!fs.existsSync(stopFile)) return;
  for (const k of kids) k.kill('SIGKILL');
  clearInterval(timer);
}, 50);
`;

interface Tree {
  root: number;
  kids: number[];
}

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startTree(): Promise<Tree> {
  const dir = mkdtempSync(path.join(tmpdir(), 'braid-proctree-'));
  const ready = path.join(dir, 'ready.json');
  const stop = path.join(dir, 'stop');
  const finished = run(process.execPath, ['-e', TREE_SCRIPT, ready, stop], { cwd: dir, timeoutMs: 60_000 });
  let tree: Tree | null = null;
  cleanups.push(async () => {
    writeFileSync(stop, '');
    for (const pid of tree?.kids ?? []) {
      try {
        process.kill(pid, 'SIGKILL'); // only the children this test started
      } catch {}
    }
    await finished.catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });
  tree = await until('the process tree to start', () =>
    existsSync(ready) ? (JSON.parse(readFileSync(ready, 'utf8')) as Tree) : null,
  );
  return tree;
}

describe('process tree resources', () => {
  it('sums the RSS of a real tree and sees CPU use of a busy child', async () => {
    const tree = await startTree();
    expect(processTree(tree.root).sort()).toEqual([tree.root, ...tree.kids].sort());
    // The kernel's children lists give the same tree without scanning every process.
    expect(descendantsOf(tree.root).sort()).toEqual([tree.root, ...tree.kids].sort());
    expect(descendantsOf(2 ** 22 + 1)).toEqual([]);
    const sample = sampleTree(tree.root)!;
    expect(sample.rssBytes).toBeGreaterThanOrEqual(60 * 1024 * 1024);

    const sampler = new CpuSampler(await clockTicksPerSecond());
    expect(sampler.sample(tree.root)?.cpuPercent).toBeNull();
    const busy = await until('CPU use to show', () => {
      const s = sampler.sample(tree.root);
      return s && s.cpuPercent !== null && s.cpuPercent > 0 ? s : null;
    });
    expect(busy.rssBytes).toBeGreaterThanOrEqual(60 * 1024 * 1024);
  });

  it('keeps sampling when processes of the tree vanish, and reports a gone root as null', async () => {
    const tree = await startTree();
    const sampler = new CpuSampler();
    sampler.sample(tree.root);
    process.kill(tree.kids[0], 'SIGKILL');
    await until('the child to be reaped', () => !processTree(tree.root).includes(tree.kids[0]));
    const after = await until('a second sample', () => sampler.sample(tree.root));
    expect(after.pids).not.toContain(tree.kids[0]);
    expect(after.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(sampleTree(2 ** 22 + 12345)).toBeNull();
    expect(new CpuSampler().sample(2 ** 22 + 12345)).toBeNull();
  });
});

describe('/proc parsing', () => {
  it('reads fields after the last parenthesis of the command name', () => {
    const fields = [
      'S',
      '42',
      '41',
      ...Array(8).fill('0'),
      '7',
      '5',
      '3',
      '4',
      ...Array(4).fill('0'),
      '123456',
      '0',
    ];
    const info = parseStat(100, `100 (we(ird) name) ${fields.join(' ')}`);
    expect(info).toEqual({
      pid: 100,
      state: 'S',
      ppid: 42,
      pgrp: 41,
      startTime: '123456',
      cpuTicks: 12,
      childCpuTicks: 7,
    });
    expect(parseStat(1, 'garbage')).toBeNull();
  });

  it('lists this process in the process table', () => {
    const table = readProcessTable();
    expect(table.get(process.pid)?.ppid).toBe(process.ppid);
  });
});
