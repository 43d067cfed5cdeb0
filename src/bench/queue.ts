/**
 * The merge queue with batches, and with speculation over gate slots, against sequential N·T: 20 changes
 * on a sample repository, a fixed-time gate (sleeping T ms) that fails on any tree holding a culprit's file, so it is
 * deterministic per tree; culprits are a seeded pick of round(p · 20) changes. BENCH_GATE=sample runs
 * the demo's sample shop instead, each change a module with its own test, gated by the sample's real
 * tests (tsc, then node --test): a culprit's test fails.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../core/config.js';
import { createSampleRepo, sampleTestCommand, writeFiles } from '../demo/sample.js';
import { run } from '../exec/run.js';
import { findRepo } from '../git/repo.js';
import { BRAID_IDENTITY } from '../git/snapshot.js';
import { enqueueTasks, processQueue } from '../land/land.js';
import { openStore } from '../store/db.js';
import { listEvents } from '../store/events.js';
import { listQueue } from '../store/queue.js';
import { insertTask } from '../store/tasks.js';

const CHANGES = 20;
export const GATE_MS = Number(process.env.BENCH_GATE_MS ?? 2000);
/** Also time the queue with land.batch 1 (one change per gate run): slow, so on request. */
const ONE_AT_A_TIME = process.env.BENCH_QUEUE_SERIAL === '1';
/** Gate slots of the speculative run (BENCH_GATE_SLOTS): the fixed-time gate sleeps, so slots beyond the cores still overlap. */
export const SLOTS = Number(process.env.BENCH_GATE_SLOTS ?? 4);
/** The failure rates to run (BENCH_QUEUE_RATES, e.g. `0,0.25`). */
const RATES = (process.env.BENCH_QUEUE_RATES ?? '0,0.05,0.1,0.25').split(',').map(Number);
/** The seed of the culprits' pick (BENCH_QUEUE_SEED, default 7: the figures in docs/benchmarks.md). */
const SEED = Number(process.env.BENCH_QUEUE_SEED ?? 7);
/** BENCH_QUEUE_ONLY=speculative skips the one-slot batched run (profiling one path). */
const ONLY_SPECULATIVE = process.env.BENCH_QUEUE_ONLY === 'speculative';
/**
 * The stand-in for CI: waits T (a remote CI run costs this machine next to nothing), then fails on a
 * tree holding a culprit's file. BENCH_GATE=node uses node sleeping T instead (the first figures'
 * gate: its start costs CPU, so parallel gates compete with the queue on a small machine).
 */
const GATE =
  process.env.BENCH_GATE === 'node'
    ? `node -e 'setTimeout(() => process.exit(require("fs").readdirSync(".").some((f) => f.startsWith("culprit-")) ? 1 : 0), ${GATE_MS})'`
    : `sleep ${GATE_MS / 1000}; for f in culprit-*; do [ -e "$f" ] && exit 1; done; exit 0`;
/** BENCH_GATE=sample: the sample shop and its real tests, so T is whatever they take on this machine. */
export const SAMPLE = process.env.BENCH_GATE === 'sample';
/** braid's own install: the sample compiles with its TypeScript and Node types (no network). */
const TOOLCHAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const gateCommand = () => (SAMPLE ? sampleTestCommand(TOOLCHAIN) : GATE);

/** What change `name` adds: one file for the stand-in gate; for the sample, a module and its test (failing for a culprit). */
function changeFiles(name: string, culprit: boolean): Record<string, string> {
  const file = culprit ? `culprit-${name}` : name;
  if (!SAMPLE) return { [`${file}.txt`]: `${name}\n` };
  const fn = name.replace(/^c/, 'price');
  return {
    [`src/${file}.ts`]: `export function ${fn}(qty: number): number {\n  return qty * ${culprit ? 3 : 2};\n}\n`,
    [`test/${file}.test.ts`]: [
      "import assert from 'node:assert/strict';",
      "import { test } from 'node:test';",
      `import { ${fn} } from '../src/${file}.js';`,
      '',
      `test('${fn} doubles', () => {`,
      `  assert.equal(${fn}(21), 42);`,
      '});',
      '',
    ].join('\n'),
  };
}

interface QueueRun {
  wallMs: number;
  gateRuns: number;
  landed: number;
  rejected: number;
  /** Commits main gained whose tree the gate fails on. */
  redOnMain: number;
}

export interface QueueBench {
  p: number;
  culprits: number;
  /** N plain runs of the gate command, one after another: the sequential N·T of this machine. */
  nTimesTMs: number;
  /** Batches on one gate slot (null with BENCH_QUEUE_ONLY=speculative). */
  batched: QueueRun | null;
  /** Batches with speculation over SLOTS gate slots. */
  speculative: QueueRun;
  /** The queue with land.batch 1 (BENCH_QUEUE_SERIAL=1): one change per candidate, a red one re-run and main checked. */
  oneAtATime: QueueRun | null;
}

/** A small seeded generator: the same culprits on every machine. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function pickCulprits(p: number, seed: number = SEED): Set<number> {
  const rand = seeded(seed);
  const order = Array.from({ length: CHANGES }, (_, i) => i).sort(() => rand() - 0.5);
  return new Set(order.slice(0, Math.round(p * CHANGES)));
}

export async function benchQueue(
  onResult: (q: QueueBench) => void,
  rates: readonly number[] = RATES,
): Promise<void> {
  for (const p of rates) {
    const culprits = pickCulprits(p);
    const nTimesTMs = await plainGateRuns();
    const batched = ONLY_SPECULATIVE ? null : await queueRun(culprits, 8, 1);
    const speculative = await queueRun(culprits, 8, SLOTS);
    const oneAtATime = ONE_AT_A_TIME ? await queueRun(culprits, 1, 1) : null;
    onResult({ p, culprits: culprits.size, nTimesTMs, batched, speculative, oneAtATime });
  }
}

/** BENCH_QUEUE_SEEDS=1-40: the speculative queue over many culprit picks per p, one run each. */
export const SEED_RANGE = process.env.BENCH_QUEUE_SEEDS?.split('-').map(Number) ?? null;

export interface QueueSeedsBench {
  p: number;
  seeds: number;
  nTimesTMs: number;
  /** Sequential N·T over each pick's wall time, sorted. */
  speedUps: number[];
  /** Gate runs per landed change, sorted. */
  runsPerLanded: number[];
  redOnMain: number;
}

/** The speculative queue once per culprit pick in SEED_RANGE, against one sequential N·T per p. */
export async function benchQueueSeeds(
  onResult: (q: QueueSeedsBench) => void,
  rates: readonly number[] = RATES,
): Promise<void> {
  const [from, to] = SEED_RANGE ?? [SEED, SEED];
  for (const p of rates) {
    const nTimesTMs = await plainGateRuns();
    const speedUps: number[] = [];
    const runsPerLanded: number[] = [];
    let redOnMain = 0;
    for (let seed = from; seed <= (to ?? from); seed++) {
      const r = await queueRun(pickCulprits(p, seed), 8, SLOTS);
      speedUps.push(nTimesTMs / r.wallMs);
      runsPerLanded.push(r.gateRuns / Math.max(1, r.landed));
      redOnMain += r.redOnMain;
    }
    const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
    onResult({
      p,
      seeds: speedUps.length,
      nTimesTMs,
      speedUps: sorted(speedUps),
      runsPerLanded: sorted(runsPerLanded),
      redOnMain,
    });
  }
}

/**
 * N runs of the gate command one after another, as a sequential queue would gate: for the sample, on
 * main plus the first i green changes (the tree grows as it would).
 */
async function plainGateRuns(): Promise<number> {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-bench-gate-')));
  try {
    if (SAMPLE) await createSampleRepo(dir, '', TOOLCHAIN);
    let spent = 0;
    for (let i = 0; i < CHANGES; i++) {
      if (SAMPLE) writeFiles(dir, changeFiles(`c${String(i).padStart(2, '0')}`, false));
      const t0 = performance.now();
      const r = await run('sh', ['-c', gateCommand()], { cwd: dir });
      spent += performance.now() - t0;
      if (r.code !== 0) throw new Error(`the gate fails on a green tree: ${r.stdout}${r.stderr}`);
    }
    return spent;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function queueRun(culprits: ReadonlySet<number>, batch: number, slots: number): Promise<QueueRun> {
  const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-bench-queue-')));
  const repo = path.join(work, 'app');
  const git = (...args: string[]) =>
    run('git', args, { cwd: repo, env: BRAID_IDENTITY }).then((r) => r.stdout.trim());
  try {
    mkdirSync(repo, { recursive: true });
    if (SAMPLE) await createSampleRepo(repo, '', TOOLCHAIN);
    else {
      await git('init', '-q', '-b', 'main');
      writeFileSync(path.join(repo, 'README.md'), '# sample\n');
      await git('add', '-A');
      await git('commit', '-q', '-m', 'sample');
    }
    const base = await git('rev-parse', 'main');
    const info = await findRepo(repo);
    const store = openStore(info.commonDir);
    const names: string[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const name = `c${String(i).padStart(2, '0')}`;
      await git('checkout', '-q', '-b', `braid/${name}`, 'main');
      writeFiles(repo, changeFiles(name, culprits.has(i)));
      await git('add', '-A');
      await git('commit', '-q', '-m', `${name}: work`);
      insertTask(store, {
        name,
        branch: `braid/${name}`,
        worktree: path.join(work, `wt-${name}`),
        base: 'main',
        baseCommit: base,
        agent: 'shell',
        status: 'exited',
        prompt: `Do ${name}`,
      });
      names.push(name);
    }
    await git('checkout', '-q', 'main');
    const config = parseConfig(
      { gate: gateCommand(), gate_timeout: 60, gate_slots: slots, land: { batch } },
      'bench',
    );
    // BENCH_VERBOSE=1: the queue's progress lines with the time since the start, on stderr.
    const t = performance.now();
    const onProgress = process.env.BENCH_VERBOSE
      ? (line: string) => process.stderr.write(`${((performance.now() - t) / 1000).toFixed(1)} ${line}\n`)
      : undefined;
    const ctx = { repo: info, config, store, onProgress };
    const t0 = performance.now();
    enqueueTasks(ctx, names);
    await processQueue(ctx);
    const wallMs = performance.now() - t0;
    const states = listQueue(store).map((e) => e.state);
    const gateRuns = listEvents(store, { kinds: ['land.gate-run'] }).length;
    store.close();
    let redOnMain = 0;
    const commits = (await git('rev-list', `${base}..main`)).split('\n').filter(Boolean);
    for (const c of commits)
      if ((await git('ls-tree', '-r', '--name-only', c)).split('\n').some((f) => f.includes('culprit-')))
        redOnMain++;
    return {
      wallMs,
      gateRuns,
      landed: states.filter((s) => s === 'landed').length,
      rejected: states.filter((s) => s === 'rejected').length,
      redOnMain,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
