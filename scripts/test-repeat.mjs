#!/usr/bin/env node
/**
 * Runs the test suite N times and reports every test that failed in any run: a test that fails in
 * some runs and passes in others is a flake (a timing dependency: a defect to fix, not to retry).
 *
 *   node scripts/test-repeat.mjs [N] [--out DIR] [-- vitest args…]     (npm run test:repeat -- 10)
 *
 * Each run is `vitest run` with the JSON reporter; per run it prints the counts, the wall time and the
 * load average while it ran (the machine is shared: figures mean little without it). At the end: the
 * longest green streak, each failing test with the runs it failed in and its first error line, and
 * the slowest files. Everything is also written to DIR/summary.json (DIR: a new temp folder by default).
 * Exit code: 0 when every run was green, 1 otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const dash = argv.indexOf('--');
  const own = dash === -1 ? argv : argv.slice(0, dash);
  const vitestArgs = dash === -1 ? [] : argv.slice(dash + 1);
  let runs = 3;
  let out = null;
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--out') out = own[++i];
    else if (/^\d+$/.test(own[i])) runs = Number(own[i]);
    else
      throw new Error(`unknown argument ${own[i]} (usage: test-repeat.mjs [N] [--out DIR] [-- vitest args])`);
  }
  return { runs, out: out ?? mkdtempSync(path.join(tmpdir(), 'braid-test-repeat-')), vitestArgs };
}

/** One vitest run; resolves with its JSON report (or null when vitest wrote none) and the load it saw. */
function runOnce(jsonFile, logFile, vitestArgs) {
  return new Promise((resolve) => {
    const loads = [loadavg()[0]];
    const sampler = setInterval(() => loads.push(loadavg()[0]), 5_000);
    const started = Date.now();
    const args = ['vitest', 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${jsonFile}`];
    const child = spawn('npx', [...args, ...vitestArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = [];
    child.stdout.on('data', (d) => log.push(d));
    child.stderr.on('data', (d) => log.push(d));
    child.on('close', (code) => {
      clearInterval(sampler);
      writeFileSync(logFile, Buffer.concat(log));
      let report = null;
      try {
        report = JSON.parse(readFileSync(jsonFile, 'utf8'));
      } catch {
        // vitest died before writing it: the run counts as failed, its log says why
      }
      const seconds = (Date.now() - started) / 1000;
      const meanLoad = loads.reduce((a, b) => a + b, 0) / loads.length;
      resolve({ code, report, seconds, meanLoad, maxLoad: Math.max(...loads) });
    });
  });
}

const relative = (file) => path.relative(ROOT, file);

function testsOf(report) {
  const tests = [];
  for (const file of report?.testResults ?? []) {
    for (const t of file.assertionResults)
      tests.push({
        id: `${relative(file.name)} > ${t.fullName}`,
        status: t.status,
        error: (t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 200),
      });
    // A file that failed outside its tests (import error, hook timeout) has no failed test to show it.
    if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'))
      tests.push({
        id: `${relative(file.name)} (file)`,
        status: 'failed',
        error: file.message?.split('\n')[0] ?? '',
      });
  }
  return tests;
}

async function main() {
  const { runs, out, vitestArgs } = parseArgs(process.argv.slice(2));
  mkdirSync(out, { recursive: true });
  console.log(`${runs} runs of the suite; reports in ${out}`);
  const results = [];
  for (let i = 1; i <= runs; i++) {
    const r = await runOnce(path.join(out, `run-${i}.json`), path.join(out, `run-${i}.log`), vitestArgs);
    const tests = testsOf(r.report);
    const failed = tests.filter((t) => t.status === 'failed');
    const green = r.code === 0 && r.report !== null && failed.length === 0;
    results.push({
      run: i,
      green,
      code: r.code,
      seconds: r.seconds,
      meanLoad: r.meanLoad,
      maxLoad: r.maxLoad,
      tests,
      files: r.report?.testResults ?? [],
    });
    console.log(
      `run ${i}/${runs}: ${green ? 'green' : 'RED'}, ${tests.length - failed.length} passed, ${failed.length} failed, ` +
        `${r.seconds.toFixed(0)} s, load average ${r.meanLoad.toFixed(1)} (max ${r.maxLoad.toFixed(1)})`,
    );
    for (const t of failed) console.log(`  failed: ${t.id}\n          ${t.error}`);
  }
  summarize(results, out);
  process.exitCode = results.every((r) => r.green) ? 0 : 1;
}

function summarize(results, out) {
  let streak = 0;
  let best = 0;
  for (const r of results) {
    streak = r.green ? streak + 1 : 0;
    best = Math.max(best, streak);
  }
  const failures = new Map();
  for (const r of results)
    for (const t of r.tests.filter((x) => x.status === 'failed')) {
      const seen = failures.get(t.id) ?? { runs: [], errors: [] };
      seen.runs.push(r.run);
      seen.errors.push(t.error);
      failures.set(t.id, seen);
    }
  const fileSeconds = new Map();
  for (const r of results)
    for (const f of r.files) {
      const list = fileSeconds.get(relative(f.name)) ?? [];
      list.push((f.endTime - f.startTime) / 1000);
      fileSeconds.set(relative(f.name), list);
    }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const slowest = [...fileSeconds].map(([file, s]) => ({ file, medianSeconds: median(s) }));
  slowest.sort((a, b) => b.medianSeconds - a.medianSeconds);

  console.log(
    `\n${results.filter((r) => r.green).length} of ${results.length} runs green; longest green streak ${best}`,
  );
  console.log(`wall time per run (s): ${results.map((r) => r.seconds.toFixed(0)).join(', ')}`);
  if (failures.size) console.log('\ntests that failed (flaky when they passed in other runs):');
  for (const [id, f] of [...failures].sort((a, b) => b[1].runs.length - a[1].runs.length)) {
    const kind = f.runs.length === results.length ? 'always' : 'flaky';
    console.log(
      `  ${kind} ${f.runs.length}/${results.length} (runs ${f.runs.join(', ')}): ${id}\n      ${f.errors[0]}`,
    );
  }
  console.log('\nslowest files (median s):');
  for (const s of slowest.slice(0, 10)) console.log(`  ${s.medianSeconds.toFixed(1).padStart(6)}  ${s.file}`);
  const summary = {
    runs: results.map(({ run, green, code, seconds, meanLoad, maxLoad }) => ({
      run,
      green,
      code,
      seconds,
      meanLoad,
      maxLoad,
    })),
    longestGreenStreak: best,
    failures: Object.fromEntries(failures),
    slowestFiles: slowest,
  };
  writeFileSync(path.join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

await main();
