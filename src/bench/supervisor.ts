/**
 * Supervisor weight: RSS and CPU of the supervisor (its own time plus the children it reaped:
 * git, tmux) while idle with 10 live tmux sessions, default loop intervals. Targets: < 80 MB, < 1 % of a core.
 * The mix is what users run: half Claude Code (fake-claude, status from hooks and its status file,
 * transcripts to read), half custom agents read from the screen (a tmux capture every pass).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStat, rssBytesOf } from '../exec/proc.js';
import { run } from '../exec/run.js';
import { git } from '../git/git.js';
import { BRAID_IDENTITY } from '../git/snapshot.js';
import { startSupervisor, stopSupervisor, supervisorStatus } from '../orchestrate/supervisor/control.js';
import { openProject } from '../project/project.js';
import { braidCommand } from '../run/session/lifecycle.js';
import { handleOf } from '../run/session/reach.js';
import { listTasks } from '../store/tasks.js';
import { hostRootfs, removeContainers, ULIMITS } from './backends.js';
import { type Double, loadDouble } from './backends-kube.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FAKE_CLAUDE = path.join(ROOT, 'test/fixtures/fake-claude');

/** The issue's targets for the supervisor at rest: CPU under 1 % of a core with 10 sessions, 3 % with 50. */
export const SUPERVISOR_TARGETS = { rssMb: 80, cpuPercent: 1, cpuPercentAt50: 3 };

/** The CPU target for a number of sessions. */
export function cpuTarget(sessions: number): number {
  return sessions > 10 ? SUPERVISOR_TARGETS.cpuPercentAt50 : SUPERVISOR_TARGETS.cpuPercent;
}

export interface SupervisorBench {
  /**
   * Where the sessions ran: on this machine, one container each (podman, a root filesystem from the host), or
   * one pod each on the tests' API-server double (its pods are bubblewrap on this host; a keeper per pod here).
   */
  backend: SupervisorBackend;
  sessions: number;
  hookSessions: number;
  screenSessions: number;
  windowSeconds: number;
  rssMbMax: number;
  rssMbMean: number;
  /** Percent of one core over the window, children included. */
  cpuPercent: number;
  /** Of cpuPercent: the supervisor's own process, and the children it reaped (git, tmux). */
  ownCpuPercent: number;
  childCpuPercent: number;
  /** Each loop: its runs and wall time inside the window (the first passes are before it). */
  loops: Array<{
    name: string;
    intervalMs: number;
    runs: number;
    lastDurationMs: number | null;
    windowRuns: number;
    windowBusyMs: number;
  }>;
  /**
   * Pods only: their keepers (one process per pod on this machine, not the supervisor's children) over the same
   * window, all of them together, in percent of one core, with the children they reaped.
   */
  keeperCpuPercent?: number;
  /** Task statuses at the end: the sessions must still be live for the figures to mean anything. */
  statuses: Record<string, number>;
  /** Why a session failed, when one did (the figures then cover fewer live sessions). */
  failures: string[];
}

export type SupervisorBackend = 'local' | 'container' | 'kubernetes';

/**
 * braid.yaml lines putting every session in a pod of the double. The pod's /work is its emptyDir (it hides this
 * host's /work), so the fake agent comes from a folder outside it, and its config folder is the pod's own.
 */
function kubeYaml(parent: string): string[] {
  const bin = path.join(parent, 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(FAKE_CLAUDE, path.join(bin, 'fake-claude'));
  const podEnv = [
    `PATH=${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
    'HOME=/work',
    'CLAUDE_CONFIG_DIR=/work/claude',
    'ANTHROPIC_BASE_URL=http://127.0.0.1:9',
  ];
  return [
    'backend: kubernetes',
    'kubernetes:',
    '  image: host',
    '  namespace: agents',
    `  env: ${JSON.stringify(podEnv)}`,
  ];
}

/** utime + stime (own) and cutime + cstime (children, counted once reaped) of a process, in clock ticks. */
function cpuTicks(pid: number): { own: number; children: number } {
  const stat = readStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return { own: stat.cpuTicks, children: stat.childCpuTicks };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** braid.yaml lines putting every session in a container: the host's /usr, the fake agent's config folder. */
function containerYaml(parent: string, claudeDir: string): string[] {
  const rootfs = hostRootfs(path.join(parent, 'rootfs'));
  const q = JSON.stringify;
  return [
    'backend: container',
    'container:',
    '  engine: podman',
    `  rootfs: ${q(rootfs)}`,
    ...(existsSync('/usr/bin/runc') ? ['  runtime: runc'] : []),
    `  args: ${q(ULIMITS)}`,
    `  mounts: ${q(['/usr:/usr:ro', claudeDir])}`,
    `  env: ${q(['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/tmp', `CLAUDE_CONFIG_DIR=${claudeDir}`])}`,
  ];
}

export async function benchSupervisor(
  sessions = 10,
  windowSeconds = 20,
  backend: SupervisorBackend = 'local',
): Promise<SupervisorBench> {
  const parent = realpathSync(mkdtempSync(path.join(tmpdir(), 'braid-bench-supervisor-')));
  const socket = `braid-bench-${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...BRAID_IDENTITY,
    BRAID_TMUX_SOCKET: socket,
    BRAID_NO_SUPERVISOR: '1',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const dir = path.join(parent, 'repo');
  const claudeDir = path.join(parent, 'claude');
  env.CLAUDE_CONFIG_DIR = claudeDir;
  const hookSessions = Math.ceil(sessions / 2);
  let double: Double | undefined;
  if (backend === 'kubernetes') {
    double = await (await loadDouble()).startKubeDouble(parent);
    env.KUBECONFIG = double.kubeconfig;
  }
  // In a pod the fake agent is the copy kubeYaml puts outside the pod's /work, found on the pod's PATH.
  const fakeClaude =
    backend === 'kubernetes'
      ? [JSON.stringify('fake-claude')]
      : [JSON.stringify(process.execPath), JSON.stringify(FAKE_CLAUDE)];
  const project = await (async () => {
    await run('mkdir', ['-p', dir], { cwd: parent });
    await git(['init', '-q', '-b', 'main'], { cwd: dir });
    writeFileSync(path.join(dir, 'README.md'), '# bench\n');
    await run('mkdir', ['-p', claudeDir], { cwd: parent });
    writeFileSync(
      path.join(parent, 'braid.yaml'),
      [
        'deps: none',
        'agents:',
        `  claude-like: { command: [${fakeClaude.join(', ')}, "--settings", "{settings}", "{prompt}"], status: hooks }`,
        // A custom agent that prints now and then, as a REPL-style tool does: braid reads its screen.
        '  screen-agent: { command: ["sh", "-c", "while :; do date; sleep 30; done"], status: screen }',
        ...(backend === 'container' ? containerYaml(parent, claudeDir) : []),
        ...(backend === 'kubernetes' ? kubeYaml(parent) : []),
        '',
      ].join('\n'),
    );
    env.BRAID_CONFIG = path.join(parent, 'braid.yaml');
    await git(['add', '-A'], { cwd: dir });
    await git(['commit', '-q', '-m', 'initial'], { cwd: dir, env: BRAID_IDENTITY });
    return openProject(dir);
  })();
  try {
    const [node, main] = braidCommand();
    for (let i = 0; i < sessions; i++) {
      const agent = i < hookSessions ? 'claude-like' : 'screen-agent';
      // fake-claude answers the prompt (tokens into its transcript), fires Stop and waits for the next one.
      const prompt = i < hookSessions ? '@tokens 2000 300' : 'unused';
      const made = await run(node, [main, 'new', `s${i}`, '--agent', agent, '-p', prompt], {
        cwd: dir,
        env,
        replaceEnv: true,
        timeoutMs: 120_000,
        allowFailure: true,
      });
      if (made.code !== 0) throw new Error(`braid new s${i}: ${made.stderr}`);
    }
    // BENCH_CPU_PROF=<dir>: the supervisor writes a V8 CPU profile there when it stops.
    const prof = process.env.BENCH_CPU_PROF;
    const { pid } = await startSupervisor(project, {
      wait: true,
      env: { ...env, BRAID_NO_SUPERVISOR: '0' },
      nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
    });
    // Steady state: every loop past its first pass (radar's first scan, the first count of every task).
    const warmed = Date.now();
    while (
      !supervisorStatus(project).loops.every((l) => l.runs >= 2 || (l.intervalMs >= 60_000 && l.runs >= 1))
    ) {
      if (Date.now() - warmed > 600_000)
        throw new Error('the supervisor did not finish its first passes in 10 minutes');
      await sleep(500);
    }
    await sleep(2000);
    const loopsBefore = new Map(supervisorStatus(project).loops.map((l) => [l.name, l]));
    const hz = 100;
    const keepers =
      backend === 'kubernetes'
        ? listTasks(project.store)
            .map((t) => handleOf(t)?.pid)
            .filter((p): p is number => !!p)
        : [];
    const keeperTicks = () =>
      keepers.reduce((sum, k) => {
        const t = cpuTicks(k);
        return sum + t.own + t.children;
      }, 0);
    const keepersBefore = keeperTicks();
    const before = cpuTicks(pid);
    const began = Date.now();
    const rss: number[] = [];
    while (Date.now() - began < windowSeconds * 1000) {
      rss.push(rssBytesOf(pid) ?? 0);
      await sleep(1000);
    }
    const seconds = (Date.now() - began) / 1000;
    const after = cpuTicks(pid);
    const keepersAfter = keeperTicks();
    const percent = (ticks: number) => Math.round((ticks / hz / seconds) * 100 * 100) / 100;
    const own = after.own - before.own;
    const children = after.children - before.children;
    const loops = supervisorStatus(project).loops.map((l) => ({
      name: l.name,
      intervalMs: l.intervalMs,
      runs: l.runs,
      lastDurationMs: l.lastDurationMs,
      windowRuns: l.runs - (loopsBefore.get(l.name)?.runs ?? 0),
      windowBusyMs: (l.totalMs ?? 0) - (loopsBefore.get(l.name)?.totalMs ?? 0),
    }));
    const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
    return {
      backend,
      sessions,
      hookSessions,
      screenSessions: sessions - hookSessions,
      windowSeconds: Math.round(seconds),
      rssMbMax: mb(Math.max(...rss)),
      rssMbMean: mb(rss.reduce((a, b) => a + b, 0) / rss.length),
      cpuPercent: percent(own + children),
      ownCpuPercent: percent(own),
      childCpuPercent: percent(children),
      ...(keepers.length ? { keeperCpuPercent: percent(keepersAfter - keepersBefore) } : {}),
      loops,
      failures: listTasks(project.store)
        .filter((t) => t.status === 'failed')
        .map((t) => `${t.name}: ${t.statusDetail ?? 'no detail'}`),
      statuses: listTasks(project.store).reduce<Record<string, number>>((acc, t) => {
        acc[t.status] = (acc[t.status] ?? 0) + 1;
        return acc;
      }, {}),
    };
  } finally {
    await stopSupervisor(project, 5000).catch(() => {});
    // Closing tmux only hangs up the pane's recorder shell (it traps HUP): end each session's group.
    for (const t of listTasks(project.store)) {
      const pid = handleOf(t)?.pid;
      try {
        if (pid) process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (backend === 'container') await removeContainers(project.repo.commonDir);
    await double?.close();
    project.close();
    await run('tmux', ['-L', socket, 'kill-server'], { cwd: '/', env, replaceEnv: true, allowFailure: true });
    rmSync(parent, { recursive: true, force: true });
  }
}

/** `node dist/bench/supervisor.js [sessions] [seconds] [local|container|kubernetes]`: this benchmark alone. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const backend = (process.argv[4] ?? 'local') as SupervisorBackend;
  benchSupervisor(Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 20), backend).then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exitCode = 1;
    },
  );
}
