/**
 * Pods against the tests' API-server double (test/helpers/kube-api.ts, bundled when the bench runs: there
 * is no cluster; its "pods" are bubblewrap on this host): from `braid new --headless --backend kubernetes` to
 * the agent running in its pod, one task and then ten at once; then what the ten keepers cost this machine
 * (CPU and RSS over a window) while their agents wait.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readStat, rssBytesOf } from '../exec/proc.js';
import { waitUntil } from '../exec/process-group.js';
import { run } from '../exec/run.js';
import { git } from '../git/git.js';
import { BRAID_IDENTITY } from '../git/snapshot.js';
import { braidIn } from './backends.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Beside node_modules, so the bundle's one external import (ws) resolves. */
const DOUBLE_BUNDLE = path.join(ROOT, 'node_modules/.cache/braid/kube-double.mjs');
const WINDOW_SECONDS = 20;
const CLOCK_HZ = 100;

export interface Double {
  kubeconfig: string;
  close(): Promise<void>;
}

export interface KubeBench {
  oneMs: number;
  tenMs: number;
  /** Each keeper over the window while its agent waited: CPU in % of a core, RSS in MB. */
  keeperCpuPercentMean: number;
  keeperCpuPercentMax: number;
  keeperRssMbMean: number;
  keeperRssMbMax: number;
  windowSeconds: number;
}

/** The double, bundled by a script (src/ imports no test code, and the bundler is a dev dependency). */
export async function loadDouble(): Promise<{ startKubeDouble: (dir: string) => Promise<Double> }> {
  await run(process.execPath, [path.join(ROOT, 'scripts/bundle-kube-double.mjs')], {
    cwd: ROOT,
    timeoutMs: 120_000,
  });
  return import(pathToFileURL(DOUBLE_BUNDLE).href);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => bytes / 2 ** 20;

export async function benchKubeBackend(): Promise<KubeBench> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-bench-kube-')));
  const repo = path.join(parent, 'repo');
  const marks = path.join(parent, 'marks');
  mkdirSync(repo);
  mkdirSync(marks);
  const { startKubeDouble } = await loadDouble();
  const double = await startKubeDouble(parent);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...BRAID_IDENTITY,
    BRAID_NO_SUPERVISOR: '1',
    NO_COLOR: '1',
    KUBECONFIG: double.kubeconfig,
  };
  const braid = braidIn(repo, env);
  // The pod sees this host's files but its /work: the agent's first act marks a file out here.
  const prompt = (name: string) => `: > ${path.join(marks, name)}; exec sleep 600`;
  try {
    await git(['init', '-q', '-b', 'main'], { cwd: repo });
    const podPath = `PATH=${path.dirname(process.execPath)}:/usr/bin:/bin`;
    writeFileSync(
      path.join(repo, 'braid.yaml'),
      [
        'agent: shell',
        'deps: none',
        'kubernetes:',
        '  image: host',
        '  namespace: agents',
        `  env: ${JSON.stringify([podPath, 'HOME=/work'])}`,
        '',
      ].join('\n'),
    );
    await git(['add', '-A'], { cwd: repo, env });
    await git(['commit', '-qm', 'bench'], { cwd: repo, env });
    const started = async (names: string[]) => {
      const t0 = Date.now();
      const news = names.map((n) =>
        braid('new', n, '--headless', '--backend', 'kubernetes', '-p', prompt(n)),
      );
      const all = () => names.every((n) => existsSync(path.join(marks, n)));
      if (!(await waitUntil(all, 300_000))) throw new Error('kubernetes: agents did not start');
      const ms = Date.now() - t0;
      for (const r of await Promise.all(news)) if (r.code !== 0) throw new Error(r.stderr);
      return ms;
    };
    const removeAll = async (names: string[]) => {
      for (const n of names) await braid('rm', n, '--force');
    };
    const one = ['k1'];
    const oneMs = await started(one);
    await removeAll(one);
    const ten = Array.from({ length: 10 }, (_, i) => `kx${i}`);
    const tenMs = await started(ten);
    const ls = await braid('ls', '--json');
    const keepers = (JSON.parse(ls.stdout) as { tasks: Array<{ pid: number | null }> }).tasks
      .map((t) => t.pid)
      .filter((p): p is number => !!p);
    if (keepers.length !== ten.length) throw new Error(`kubernetes: ${keepers.length} keepers, not 10`);
    const ticks = (pid: number) => {
      const s = readStat(pid);
      if (!s) throw new Error(`keeper ${pid} is gone`);
      return s.cpuTicks + s.childCpuTicks;
    };
    const before = keepers.map(ticks);
    const rss: number[][] = keepers.map(() => []);
    const began = Date.now();
    while (Date.now() - began < WINDOW_SECONDS * 1000) {
      for (const [i, pid] of keepers.entries()) rss[i].push(rssBytesOf(pid) ?? 0);
      await sleep(1000);
    }
    const seconds = (Date.now() - began) / 1000;
    const cpu = keepers.map((pid, i) => ((ticks(pid) - before[i]) / CLOCK_HZ / seconds) * 100);
    const peaks = rss.map((r) => mb(Math.max(...r)));
    await removeAll(ten);
    return {
      oneMs,
      tenMs,
      keeperCpuPercentMean: cpu.reduce((a, b) => a + b, 0) / cpu.length,
      keeperCpuPercentMax: Math.max(...cpu),
      keeperRssMbMean: peaks.reduce((a, b) => a + b, 0) / peaks.length,
      keeperRssMbMax: Math.max(...peaks),
      windowSeconds: Math.round(seconds),
    };
  } finally {
    await double.close();
    rmSync(parent, { recursive: true, force: true });
  }
}
