/** The container engine braid drives: podman, or docker where that is what the user has. */
import {
  type EngineName,
  listArgs,
  parseRootless,
  rootlessInfoArgs,
} from '../../../core/container-engine.js';
import { BraidError, isBraidError } from '../../../core/errors.js';
import { type RunResult, run } from '../../../exec/run.js';

export type { EngineName };
export type EnginePreference = EngineName | 'auto';

/** Long enough for a first `run` that creates the engine's storage; a hung engine still ends. */
const ENGINE_TIMEOUT_MS = 120_000;

async function answers(engine: EngineName): Promise<boolean> {
  try {
    const res = await run(engine, ['--version'], { cwd: '/', allowFailure: true, timeoutMs: 15_000 });
    return res.code === 0;
  } catch (err) {
    if (isBraidError(err, 'E_TOOL_MISSING')) return false;
    throw err;
  }
}

/** podman first (daemonless, rootless), then docker; a named engine must be there. */
export async function detectEngine(preference: EnginePreference = 'auto'): Promise<EngineName> {
  const candidates: EngineName[] = preference === 'auto' ? ['podman', 'docker'] : [preference];
  for (const engine of candidates) if (await answers(engine)) return engine;
  throw new BraidError(
    'E_BACKEND',
    preference === 'auto' ? 'no container engine found (podman or docker)' : `${preference} is not installed`,
    'Install podman (Debian: apt-get install podman runc) or docker, or use --backend local.',
  );
}

/** One engine command; `allowFailure` returns the result instead of throwing. */
export function engine(
  name: EngineName,
  args: string[],
  options: { allowFailure?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(name, args, {
    cwd: '/',
    env: options.env,
    allowFailure: options.allowFailure,
    timeoutMs: options.timeoutMs ?? ENGINE_TIMEOUT_MS,
  });
}

export interface ContainerInfo {
  running: boolean;
  exitCode: number | null;
  pid: number | null;
}

/** The container's state, or null when it is gone. */
export async function inspectContainer(name: EngineName, container: string): Promise<ContainerInfo | null> {
  const format = '{{.State.Running}}|{{.State.ExitCode}}|{{.State.Pid}}';
  const res = await engine(name, ['inspect', '--type', 'container', '--format', format, container], {
    allowFailure: true,
  });
  if (res.code !== 0) return null;
  const [running, code, pid] = res.stdout.trim().split('|');
  return {
    running: running === 'true',
    exitCode: running === 'true' || code === '' ? null : Number(code),
    pid: Number(pid) > 0 ? Number(pid) : null,
  };
}

/** Names of the containers carrying these labels (running or not). */
export async function labelledContainers(
  name: EngineName,
  labels: Record<string, string>,
): Promise<Array<{ name: string; task: string }>> {
  const res = await engine(name, listArgs(name, labels), { allowFailure: true });
  if (res.code !== 0) return [];
  return res.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [n, task] = line.split('|');
      return { name: n, task: task ?? '' };
    });
}

export interface RootlessAnswer {
  rootless: boolean;
  /** The engine's own words when `info` failed (docker's daemon not running, podman's storage broken). */
  error: string | null;
}

const rootlessCache = new Map<EngineName, boolean>();

/** Whether the engine runs rootless, from its `info`. */
export async function engineRootless(name: EngineName): Promise<RootlessAnswer> {
  const res = await engine(name, rootlessInfoArgs(name), { allowFailure: true, timeoutMs: 30_000 });
  if (res.code !== 0)
    return { rootless: false, error: res.stderr.trim() || `${name} info exited with ${res.code}` };
  return { rootless: parseRootless(name, res.stdout), error: null };
}

/** The same, asked once per process: a session start needs it for the user it runs as (docker). */
export async function engineRootlessCached(name: EngineName): Promise<boolean> {
  const known = rootlessCache.get(name);
  if (known !== undefined) return known;
  const answer = await engineRootless(name);
  if (!answer.error) rootlessCache.set(name, answer.rootless);
  return answer.rootless;
}
