import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isBraidError } from '../core/errors.js';
import { type NoTestsFound, noTestsFound } from '../core/gate-output.js';
import { gateVerdict } from '../core/queue-plan.js';
import { gateSlots } from '../core/queue-speculate.js';
import { run, shellArgsOneStream } from '../exec/run.js';
import { git } from '../git/git.js';
import type { Store } from '../store/db.js';
import { appendEvent } from '../store/events.js';
import type { LockHolder } from '../store/locks.js';
import { clearGateGroup, recordGateGroup } from './gate-group.js';
import { prepareScratch } from './scratch.js';

export interface GateSettings {
  /** Any worktree of the repository (git commands run there). */
  repoDir: string;
  commonDir: string;
  /** The pooled scratch worktree's folder (scratchDir: beside the task worktrees). */
  scratch: string;
  /** The user's own gate command from braid.yaml; none means every candidate passes. */
  command: string | undefined;
  timeoutSec: number;
  /** Ports and similar for the task, as environment variables (none by default). */
  leaseEnv?: (task: string, slot?: number) => Promise<Record<string, string>>;
  /** The gate slot this run uses (its scratch worktree is `scratch`); 0 when unset. */
  slot?: number;
  /** Installs dependencies in the scratch worktree before each run (node_modules survives between runs). */
  prepare?: (dir: string) => Promise<void>;
  onProgress?: (line: string) => void;
  /** Where the running gate's process group is recorded, so a later land can end an orphan. */
  store?: Store;
}

export interface GateRun {
  passed: boolean;
  commit: string;
  tree: string;
  exitCode: number | null;
  timedOut: boolean;
  log: string | null;
  /** The last lines the gate printed (raw), for a rejection to quote. */
  tail: string[];
  /** Set when a line of its output says the test runner found no tests at all. */
  noTests: NoTestsFound | null;
  /** How long the gate command ran (0 without a command). */
  seconds: number;
}

/** Lines of output kept per run for quoting: more than a rejection shows, so blank ones can be dropped. */
const KEPT_LINES = 60;

export interface GateOutcome {
  verdict: 'pass' | 'task-red' | 'main-red';
  runs: GateRun[];
  /** The log of the last run on the candidate. */
  log: string | null;
}

/**
 * Gates a candidate: retried once when it fails (flaky tests); after two failures the gate runs
 * on main alone, so a red main is reported as such instead of blaming the task.
 */
export async function gateCandidate(
  settings: GateSettings,
  task: string,
  candidate: string,
  main: string,
): Promise<GateOutcome> {
  const runs: GateRun[] = [];
  const onCandidate: GateRun[] = [];
  let mainPassed: boolean | undefined;
  for (;;) {
    const last = onCandidate.at(-1);
    const verdict = last
      ? gateVerdict({ passed: last.passed, attempt: onCandidate.length, mainPassed })
      : 'retry';
    if (verdict === 'pass' || verdict === 'task-red' || verdict === 'main-red') {
      const red = onCandidate[0];
      if (verdict === 'pass' && red && !red.passed) recordFlaky(settings, task, red);
      return { verdict, runs, log: last?.log ?? null };
    }
    if (verdict === 'check-main') {
      settings.onProgress?.(`gate failed twice for ${task}; checking main alone`);
      const onMain = await runGate(settings, task, main, 'main');
      runs.push(onMain);
      mainPassed = onMain.passed;
      continue;
    }
    if (last) settings.onProgress?.(`gate failed for ${task}; retrying once`);
    const run = await runGate(settings, task, candidate, 'candidate');
    runs.push(run);
    onCandidate.push(run);
  }
}

/** How many gates the queue runs at once: braid.yaml `gate.slots`, else from the machine's cores. */
export function gateSlotsOf(ctx: { config: { gate_slots?: number } }): number {
  return gateSlots(ctx.config.gate_slots, availableParallelism());
}

/** A red run whose candidate then passed: recorded (with its output) as flaky, not held against the task. */
export function recordFlaky(settings: GateSettings, task: string, red: GateRun, batch?: number): void {
  settings.onProgress?.(`${task}: the gate failed, then passed on the same tree: recorded as flaky`);
  if (settings.store)
    appendEvent(settings.store, task, 'land.gate-flaky', {
      commit: red.commit,
      tree: red.tree,
      log: red.log,
      tail: red.tail.slice(-20),
      ...(batch === undefined ? {} : { batch }),
    });
}

/**
 * One gate run on exactly `commit`'s tree in the pooled scratch worktree, its output kept in a log
 * file and the run recorded as an event (`at`: where in a batch, for the queue's own accounting).
 */
export async function runGate(
  settings: GateSettings,
  task: string,
  commit: string,
  label: 'candidate' | 'main',
  at: { batch: number; prefix: number; slot?: number; without?: string[] } | null = null,
  knownTree?: string,
): Promise<GateRun> {
  // A batch knows every prefix's tree from building it: no rev-parse per run.
  const tree = knownTree ?? (await git(['rev-parse', `${commit}^{tree}`], { cwd: settings.repoDir }));
  if (!settings.command)
    return {
      passed: true,
      commit,
      tree,
      exitCode: 0,
      timedOut: false,
      log: null,
      tail: [],
      noTests: null,
      seconds: 0,
    };
  const dir = await prepareScratch(
    {
      repoDir: settings.repoDir,
      commonDir: settings.commonDir,
      dir: settings.scratch,
      onProgress: settings.onProgress,
    },
    commit,
  );
  if (settings.prepare) await settings.prepare(dir);
  const log = nextLogPath(settings.commonDir, task);
  const out = createWriteStream(log);
  out.write(
    `# braid gate (${label}) for ${task}\n# commit ${commit} tree ${tree}\n# $ ${settings.command}\n`,
  );
  const slot = settings.slot ?? 0;
  const leased = settings.leaseEnv ? await settings.leaseEnv(task, slot) : {};
  const env = { ...leased, BRAID_TASK: task, BRAID_GATE: '1', BRAID_GATE_COMMIT: commit };
  let exitCode: number | null = null;
  let timedOut = false;
  let group: LockHolder | null = null;
  const tail: string[] = [];
  let noTests: NoTestsFound | null = null;
  const started = Date.now();
  try {
    // Its own process group: a timeout ends everything the gate started, not just sh.
    const res = await run('sh', shellArgsOneStream(settings.command), {
      cwd: dir,
      env,
      allowFailure: true,
      processGroup: true,
      timeoutMs: settings.timeoutSec * 1000,
      onSpawn: (pid) => {
        if (settings.store) group = recordGateGroup(settings.store, slot, pid, task);
      },
      onLine: (line) => {
        out.write(`${line}\n`);
        tail.push(line);
        if (tail.length > KEPT_LINES) tail.shift();
        noTests ??= noTestsFound(line);
      },
    });
    exitCode = res.code;
  } catch (err) {
    if (!isBraidError(err, 'E_TIMEOUT')) throw err;
    timedOut = true;
  } finally {
    if (settings.store && group) clearGateGroup(settings.store, slot, group);
  }
  const seconds = (Date.now() - started) / 1000;
  if (timedOut) settings.onProgress?.(`gate for ${task} timed out after ${settings.timeoutSec} s; ended it`);
  else
    settings.onProgress?.(
      `${task}: gate ${exitCode === 0 ? 'passed' : `failed (exit ${exitCode})`} ${label === 'main' ? 'on main alone' : 'on the candidate'} in ${seconds.toFixed(1)} s`,
    );
  out.write(
    timedOut
      ? `# timed out after ${settings.timeoutSec} s: the gate's process group was ended\n`
      : `# exit ${exitCode} after ${seconds.toFixed(1)} s\n`,
  );
  await new Promise<void>((resolve) => out.end(resolve));
  const passed = exitCode === 0 && !timedOut;
  if (settings.store)
    appendEvent(settings.store, task, 'land.gate-run', { commit, tree, passed, seconds, log, ...at });
  return {
    passed,
    commit,
    tree,
    exitCode,
    timedOut,
    log,
    tail,
    noTests,
    seconds,
  };
}

/** gate-<task>-<n>.log with n one past the highest kept, so every run's log survives. */
function nextLogPath(commonDir: string, task: string): string {
  const dir = path.join(commonDir, 'braid', 'logs');
  mkdirSync(dir, { recursive: true });
  const prefix = `gate-${task}-`;
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix) || !f.endsWith('.log')) continue;
    const k = Number(f.slice(prefix.length, -4));
    if (Number.isInteger(k) && k >= n) n = k + 1;
  }
  return path.join(dir, `${prefix}${n}.log`);
}
