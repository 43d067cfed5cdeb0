import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BraidEvent, EventKind } from '../../src/core/events.js';
import { findRepo } from '../../src/git/repo.js';
import { openProject } from '../../src/project/project.js';
import { openStore } from '../../src/store/db.js';
import { listEvents } from '../../src/store/events.js';
import { listTasks } from '../../src/store/tasks.js';
import { ROOT } from './cli.js';
import { closeProject } from './project.js';
import { GIT_TEST_ENV, type TempRepo, tempRepo } from './repo.js';

const FAKE = path.join(ROOT, 'test/fixtures/fake-claude');

/**
 * braid.yaml with two fake-claude agents: `fake` fires hooks (status from hooks, notes as context),
 * `quick` fires none (status from the process: cheaper on a loaded machine).
 */
function fakeAgentsConfig(extra = ''): string {
  const node = JSON.stringify(process.execPath);
  const fake = JSON.stringify(FAKE);
  const headless = `${node}, ${fake}, "-p", "--output-format", "stream-json", "--verbose"`;
  return [
    'agent: fake',
    'agents:',
    '  fake:',
    `    command: [${node}, ${fake}, "--settings", "{settings}", "{permissions}", "--", "{prompt}"]`,
    `    headless_command: [${headless}, "--settings", "{settings}", "{permissions}", "--", "{prompt}"]`,
    '    status: hooks',
    // The scripts run shell commands (cp, cat, printf) besides git: these tests are not about permissions.
    '    allowed_tools: ["Bash"]',
    '  quick:',
    `    command: [${node}, ${fake}, "{permissions}", "--", "{prompt}"]`,
    `    headless_command: [${headless}, "{permissions}", "--", "{prompt}"]`,
    '    status: process',
    '    allowed_tools: ["Bash"]',
    'deps: none',
    'land: { strategy: squash }',
    extra,
    '',
  ].join('\n');
}

export interface PlanRepo {
  repo: TempRepo;
  env: NodeJS.ProcessEnv;
  /** Writes a plan file beside the repository and returns its path. */
  plan(yaml: string, name?: string): string;
  cleanup(): Promise<void>;
}

/** A temp repository with braid.yaml outside it (BRAID_CONFIG) and a private Claude config dir. */
export async function planRepo(configExtra = ''): Promise<PlanRepo> {
  const repo = await tempRepo();
  const config = path.join(repo.parent, 'braid.yaml');
  writeFileSync(config, fakeAgentsConfig(configExtra));
  const claudeDir = path.join(repo.parent, 'claude');
  mkdirSync(claudeDir);
  const env = { BRAID_CONFIG: config, CLAUDE_CONFIG_DIR: claudeDir };
  return {
    repo,
    env,
    plan(yaml, name = 'plan.yaml') {
      const file = path.join(repo.parent, name);
      writeFileSync(file, yaml);
      return file;
    },
    async cleanup() {
      await killSessions(repo.dir);
      await stopSupervisorOf(repo.dir, env);
      // A hook or supervisor write still landing in .git/braid would fail a single removal.
      await repo.cleanupEventually();
    },
  };
}

/** A plan task line list; prompts are JSON strings (a YAML scalar may not start with '@'). */
export function planYaml(
  tasks: Array<{ name: string; script: string; needs?: string[]; stack?: boolean; agent?: string }>,
  extra = '',
): string {
  const lines = ['tasks:'];
  for (const t of tasks) {
    lines.push(`  - name: ${t.name}`, `    prompt: ${JSON.stringify(t.script)}`);
    lines.push(`    agent: ${t.agent ?? 'quick'}`);
    if (t.needs) lines.push(`    needs: [${t.needs.join(', ')}]`);
    if (t.stack) lines.push('    stack: true');
  }
  return `${lines.join('\n')}\n${extra}\n`;
}

/** Each repository's git folder, asked of git once: polls read the store many times. */
const commonDirs = new Map<string, string>();

export async function storeOf(dir: string) {
  let commonDir = commonDirs.get(dir);
  if (!commonDir) {
    commonDir = (await findRepo(dir)).commonDir;
    commonDirs.set(dir, commonDir);
  }
  return openStore(commonDir);
}

/** Reads the tasks and their events from the store (a fresh connection each time). */
export async function snapshot(dir: string) {
  const store = await storeOf(dir);
  try {
    const tasks = listTasks(store);
    const all = listEvents(store, { limit: 1_000_000 });
    const events = <K extends EventKind>(name: string, kind?: K): BraidEvent<K>[] =>
      all.filter((e): e is BraidEvent<K> => e.task === name && (kind === undefined || e.kind === kind));
    return { tasks, byName: new Map(tasks.map((t) => [t.name, t])), events };
  } finally {
    store.close();
  }
}

/** Ends every session the store knows of (headless sessions are detached process groups). */
export async function killSessions(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const { tasks } = await snapshot(dir).catch(() => ({ tasks: [] as { pid: number | null }[] }));
  for (const t of tasks) {
    if (!t.pid) continue;
    try {
      process.kill(-t.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Stops the repository's supervisor if one runs: it keeps writing in .git/braid until its grace ends. */
async function stopSupervisorOf(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!existsSync(path.join(dir, '.git', 'braid'))) return;
  const project = await openProject(dir, { ...process.env, ...env }).catch(() => null);
  if (!project) return;
  await closeProject(project);
}

export const gitEnv = GIT_TEST_ENV;

/** Puts fake-claude on PATH as `claude`, so the built-in claude adapter (with --max-budget-usd) is used. */
export function claudeOnPath(p: PlanRepo): NodeJS.ProcessEnv {
  const bin = path.join(p.repo.parent, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(FAKE, path.join(bin, 'claude'));
  }
  return { ...p.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
}

/** The pid of a running process whose arguments include every one of `args` (Linux /proc). */
export function pidWithArgs(args: string[]): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.every((a) => argv.includes(a))) return Number(entry);
  }
  return null;
}
