#!/usr/bin/env node
import os from 'node:os';
import { benchBackends } from './backends.js';
import { benchKubeBackend } from './backends-kube.js';
import { benchHookSpool } from './hook-spool.js';
import { benchLs, LS_TARGET_RATIO } from './ls.js';
import { benchQueue, benchQueueSeeds, GATE_MS, SAMPLE, SEED_RANGE, SLOTS } from './queue.js';
import { benchRadar } from './radar.js';
import { benchSupervisor, cpuTarget, SUPERVISOR_TARGETS, type SupervisorBackend } from './supervisor.js';
import { benchWorktrees } from './worktrees.js';

/** `npm run bench`: the figures recorded in docs/benchmarks.md. */
async function main(): Promise<void> {
  const only = process.argv[2];
  process.stdout.write(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}\n`,
  );
  if (!only || only === 'worktrees') {
    const w = await benchWorktrees();
    process.stdout.write(
      [
        `worktrees: 10 ready worktrees, node_modules of ${w.packages} packages (${w.nodeModulesMb} MB)`,
        `  braid new (deps auto):        ${(w.braidMs / 1000).toFixed(1)} s`,
        `  naive (worktree add + npm ci): ${(w.naiveMs / 1000).toFixed(1)} s  -> braid is ${(w.naiveMs / w.braidMs).toFixed(1)}x faster`,
        `  plain cp -a of node_modules:  ${(w.copyMs / 1000).toFixed(1)} s  -> braid / cp = ${(w.braidMs / w.copyMs).toFixed(2)}`,
        `  git worktree add alone:       ${(w.gitOnlyMs / 1000).toFixed(1)} s`,
        `  braid's own overhead:         ${w.braidOverheadPerTaskMs.toFixed(0)} ms per task (before its copy starts: ${w.beforeCopyPerTaskMs.toFixed(0)} ms, git worktree add included)`,
        '',
      ].join('\n'),
    );
  }
  {
    // 10 and 50 idle sessions (BRAID_BENCH_SESSIONS=10 runs one size), each against its own CPU target;
    // For the backends bench, the same number local, in containers and in pods (the cost per remote session).
    const sizes = process.env.BRAID_BENCH_SESSIONS ? [Number(process.env.BRAID_BENCH_SESSIONS)] : [10, 50];
    // BRAID_BENCH_REMOTE_SESSIONS: how many sessions of each backend the backends bench compares (10 unless set).
    const remote = Number(process.env.BRAID_BENCH_REMOTE_SESSIONS ?? 10);
    const runs: Array<[number, SupervisorBackend]> = [
      ...(!only || only === 'supervisor' ? sizes.map((n): [number, 'local'] => [n, 'local']) : []),
      ...(only === 'backends' ? [[remote, 'local'] as [number, 'local']] : []),
      ...(only === 'backends' || only === 'supervisor-container'
        ? [[remote, 'container'] as [number, 'container']]
        : []),
      ...(only === 'backends' || only === 'supervisor-kube'
        ? [[remote, 'kubernetes'] as [number, 'kubernetes']]
        : []),
    ];
    for (const [size, backend] of runs) {
      const s = await benchSupervisor(size, 20, backend);
      const t = SUPERVISOR_TARGETS;
      const cpu = cpuTarget(s.sessions);
      const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
      process.stdout.write(
        [
          `supervisor (${s.backend} sessions): idle with ${s.sessions} live sessions (${s.hookSessions} fake-claude with hooks, ${s.screenSessions} read from the screen) over ${s.windowSeconds} s, after every loop's first passes`,
          `  RSS peak ${s.rssMbMax.toFixed(1)} MB (mean ${s.rssMbMean.toFixed(1)} MB), target under ${t.rssMb} MB: ${verdict(s.rssMbMax < t.rssMb)}`,
          `  CPU ${s.cpuPercent.toFixed(2)} % of a core (${(s.cpuPercent / s.sessions).toFixed(3)} % per session; own ${s.ownCpuPercent.toFixed(2)} %, children ${s.childCpuPercent.toFixed(2)} %), target under ${cpu} %: ${verdict(s.cpuPercent < cpu)}`,
          ...(s.keeperCpuPercent === undefined
            ? []
            : [
                `  the ${s.sessions} keepers (one per pod, not the supervisor's): ${s.keeperCpuPercent.toFixed(2)} % of a core together`,
              ]),
          `  task statuses at the end: ${Object.entries(s.statuses)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}`,
          ...s.failures.map((f) => `  failed: ${f}`),
          ...s.loops.map(
            (l) =>
              `  loop ${l.name}: every ${l.intervalMs} ms, ${l.windowRuns} runs in the window busy ${l.windowBusyMs} ms (wall), last ${l.lastDurationMs ?? '-'} ms`,
          ),
          '',
        ].join('\n'),
      );
    }
  }
  if (!only || only === 'radar') {
    const r = await benchRadar();
    process.stdout.write(
      [
        `radar: one hook re-scan with 5 live tasks, 2000 files: median ${r.medianMs.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(0)} ms`,
        `  spawned braid hook PostToolUse (edit), what the agent waits for: median ${r.hookMedianMs} ms, p95 ${r.hookP95Ms} ms`,
        `  from that hook's start until its detached rescan stored the findings: median ${r.storedMedianMs} ms, p95 ${r.storedP95Ms} ms`,
        `  spawned braid hook PreToolUse (no edit): median ${r.quietHookMedianMs} ms`,
        '',
      ].join('\n'),
    );
  }
  if (!only || only === 'queue') {
    const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    process.stdout.write(
      SAMPLE
        ? "queue: 20 changes to the demo's sample shop, each a module and its test, gated by the sample's real tests (tsc, node --test); a culprit's test fails\n"
        : `queue: 20 changes, a gate of ${GATE_MS} ms (${process.env.BENCH_GATE === 'node' ? 'node' : 'sleep'}), culprits fail it on every tree holding them\n`,
    );
    if (SEED_RANGE)
      await benchQueueSeeds((q) => {
        const pct = (a: number[], f: number) => a[Math.min(a.length - 1, Math.floor(f * a.length))];
        const x = (v: number) => `${v.toFixed(1)}x`;
        const r = (v: number) => v.toFixed(2);
        process.stdout.write(
          `  p ${Math.round(q.p * 100)} %, ${q.seeds} culprit picks, speculative on ${SLOTS} slots, sequential N·T ${secs(q.nTimesTMs)}: speed-up min ${x(q.speedUps[0])}, median ${x(pct(q.speedUps, 0.5))}, max ${x(q.speedUps[q.speedUps.length - 1])}; gate runs per landed change median ${r(pct(q.runsPerLanded, 0.5))}, max ${r(q.runsPerLanded[q.runsPerLanded.length - 1])} (${q.runsPerLanded.filter((v) => v > 1.3).length} over 1.3); ${q.redOnMain} red on main\n`,
        );
      });
    else
      await benchQueue((q) => {
        const b = q.batched;
        const one = q.oneAtATime;
        const lines = [
          `  p ${Math.round(q.p * 100)} % (${q.culprits} culprits): sequential N·T ${secs(q.nTimesTMs)}`,
        ];
        if (b)
          lines.push(
            `    batched, 1 gate slot: ${secs(b.wallMs)}, ${b.gateRuns} gate runs, ${b.landed} landed, ${b.rejected} rejected, ${b.redOnMain} red on main -> ${(q.nTimesTMs / b.wallMs).toFixed(1)}x faster; ${(b.gateRuns / Math.max(1, b.landed)).toFixed(2)} gate runs per landed change`,
          );
        const s = q.speculative;
        lines.push(
          `    speculative, ${SLOTS} gate slots: ${secs(s.wallMs)}, ${s.gateRuns} gate runs, ${s.landed} landed, ${s.rejected} rejected, ${s.redOnMain} red on main -> ${(q.nTimesTMs / s.wallMs).toFixed(1)}x faster than sequential; ${(s.gateRuns / Math.max(1, s.landed)).toFixed(2)} gate runs per landed change`,
        );
        if (one)
          lines.push(
            `    one change per gate run (land.batch 1): ${secs(one.wallMs)}, ${one.gateRuns} gate runs, ${one.landed} landed, ${one.redOnMain} red on main -> ${(q.nTimesTMs / one.wallMs).toFixed(1)}x faster than sequential`,
          );
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    process.stdout.write('\n');
  }
  if (!only || only === 'ls') {
    const l = await benchLs();
    const row = (label: string, f: { wallMs: number; cpuMs: number }) =>
      `  ${label.padEnd(28)} wall ${String(f.wallMs).padStart(5)} ms, CPU ${String(f.cpuMs).padStart(5)} ms`;
    const ratio = l.ls.wallMs / l.version.wallMs;
    process.stdout.write(
      [
        `ls: spawned CLI, a supervisor keeping the figures, interleaved, median of ${l.runs} (CPU: user + system, its children included)`,
        row('braid --version', l.version),
        row('braid ls --json, 0 tasks', l.lsEmpty),
        row(`braid ls --json, ${l.tasks} tasks`, l.ls),
        row(`braid ls --json --fresh, ${l.tasks}`, l.lsFresh),
        row('braid hook PreToolUse', l.hook),
        ...(l.baseline
          ? [
              `  baseline (${process.env.BENCH_BASELINE}), same runs:`,
              row('braid --version', l.baseline.version),
              row(`braid ls --json, ${l.tasks} tasks`, l.baseline.ls),
              row('braid hook PreToolUse', l.baseline.hook),
            ]
          : []),
        `  ls at ${l.tasks} tasks / --version: ${ratio.toFixed(1)}x wall, ${(l.ls.cpuMs / Math.max(1, l.version.cpuMs)).toFixed(1)}x CPU, target within ${LS_TARGET_RATIO}x: ${ratio <= LS_TARGET_RATIO ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'),
    );
  }
  if (!only || only === 'hook-spool') {
    const h = await benchHookSpool();
    process.stdout.write(
      [
        `hook-spool: spawned braid hook PreToolUse, 20 times each`,
        `  store free:   median ${h.freeMedianMs} ms, p95 ${h.freeP95Ms} ms`,
        `  store locked: median ${h.lockedMedianMs} ms, p95 ${h.lockedP95Ms} ms (waits ~250 ms, spools, exits 0)`,
        `  applying the ${h.drained} spooled events afterwards: ${h.drainMs} ms`,
        '',
      ].join('\n'),
    );
  }
  if (!only || only === 'backends') {
    const b = await benchBackends();
    process.stdout.write(
      [
        'backends: braid new --headless --backend B until the agent runs',
        ...b.results.map(
          (r) =>
            `  ${r.backend.padEnd(9)} one task ${(r.oneMs / 1000).toFixed(2)} s, ten at once ${(r.tenMs / 1000).toFixed(2)} s`,
        ),
        ...(b.skipped ? [`  container: not measured (${b.skipped})`] : []),
        '',
      ].join('\n'),
    );
  }
  if (!only || only === 'backends' || only === 'backends-kube') {
    const k = await benchKubeBackend();
    process.stdout.write(
      [
        'backends: braid new --headless --backend kubernetes until the agent runs, against the API-server double',
        `  kubernetes one task ${(k.oneMs / 1000).toFixed(2)} s, ten at once ${(k.tenMs / 1000).toFixed(2)} s`,
        `  each of the ten keepers over ${k.windowSeconds} s while its agent waited: CPU ${k.keeperCpuPercentMean.toFixed(2)} % of a core (max ${k.keeperCpuPercentMax.toFixed(2)} %), RSS ${k.keeperRssMbMean.toFixed(1)} MB (max ${k.keeperRssMbMax.toFixed(1)} MB)`,
        '',
      ].join('\n'),
    );
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
