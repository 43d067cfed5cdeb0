import { stringify } from 'yaml';
import { claudePolicy } from './permissions.js';

/** What `braid init` found in the repository; gathered by src/project/detect.ts. */
export interface ProjectFacts {
  /** Lockfile names present at the repository root. */
  lockfiles: string[];
  /** package.json's `packageManager` field (e.g. "pnpm@9.1.0"), if any. */
  packageManagerField?: string | null;
  /** package.json `scripts`, or null without a package.json. */
  scripts: Record<string, string> | null;
  /** Untracked `.env*` files at the root (ignored ones included). */
  untrackedEnvFiles: string[];
  /** Branch checked out in the main worktree, or null when detached. */
  branch: string | null;
  /** Migration folders that exist, among MIGRATION_DIRS. */
  migrationDirs: string[];
}

export const MIGRATION_DIRS = ['db/migrations', 'migrations', 'prisma/migrations'];

type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

const LOCKFILES: Array<[string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
];
export const KNOWN_LOCKFILES = LOCKFILES.map(([f]) => f);

const INSTALL: Record<PackageManager, string> = {
  npm: 'npm ci',
  pnpm: 'pnpm install --frozen-lockfile',
  yarn: 'yarn install --frozen-lockfile',
  bun: 'bun install',
};
// `bun test` runs bun's own test runner, not the script.
const RUN_TEST: Record<PackageManager, string> = {
  npm: 'npm test',
  pnpm: 'pnpm test',
  yarn: 'yarn test',
  bun: 'bun run test',
};

/** The placeholder `npm init` writes: not a test suite. */
const NPM_DEFAULT_TEST = /no test specified/;

/** The lockfile decides; package.json's packageManager breaks ties between several lockfiles. */
function packageManagerOf(facts: ProjectFacts): PackageManager | null {
  const found = LOCKFILES.filter(([f]) => facts.lockfiles.includes(f)).map(([, pm]) => pm);
  if (found.length === 0) return null;
  const declared = facts.packageManagerField?.split('@')[0] as PackageManager | undefined;
  return declared && found.includes(declared) ? declared : found[0];
}

/** One key of the generated braid.yaml, with the comment written above it. */
export interface InitEntry {
  key: string;
  value: unknown;
  comment: string;
}

/** The keys `braid init` writes, in file order: pure facts in, config out. */
export function initEntries(facts: ProjectFacts): InitEntry[] {
  const entries: InitEntry[] = [];
  const add = (key: string, value: unknown, comment: string) => entries.push({ key, value, comment });
  if (facts.branch) add('base', facts.branch, 'branch new tasks start from and land on');
  add('worktrees', '../{repo}.braid/{task}', "where each task's worktree is created");
  add('agent', 'claude', 'default agent: claude, codex, aider or shell');
  const pm = packageManagerOf(facts);
  add(
    'setup',
    pm ? [INSTALL[pm]] : [],
    pm
      ? `run in each new worktree (${pm}, from the lockfile)`
      : 'run in each new worktree (no lockfile found)',
  );
  add('include', [...facts.untrackedEnvFiles].sort(), 'untracked files copied into each worktree');
  add('ports', { names: ['PORT'], range: [3100, 3999], block: 10 }, 'each task leases a block of free ports');
  const test = facts.scripts?.test;
  if (test && !NPM_DEFAULT_TEST.test(test))
    add('gate', RUN_TEST[pm ?? 'npm'], 'must pass on the merged result before the base moves');
  const migrations = MIGRATION_DIRS.find((d) => facts.migrationDirs.includes(d));
  if (migrations)
    add(
      'migrations',
      { glob: `${migrations}/**` },
      'the radar flags colliding migration numbers; run migrations with `braid lock migrations -- <cmd>`',
    );
  return entries;
}

export function entriesToConfig(entries: InitEntry[]): Record<string, unknown> {
  return Object.fromEntries(entries.map((e) => [e.key, e.value]));
}

/** braid.yaml text: a one-line comment above each key, small collections in flow style. */
export function renderConfigYaml(entries: InitEntry[]): string {
  const head = '# braid.yaml: written by `braid init`; every key is described in docs/config.md\n';
  const body = entries.map((e) => {
    const value = stringify(e.value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
    return `# ${e.comment}\n${e.key}: ${value}\n`;
  });
  return head + body.join('') + permissionsComment(entries) + NOTIFY_COMMENT;
}

/** Notifications are off until the user names where to: an example to uncomment. */
const NOTIFY_COMMENT = [
  '# notifications (braid notify --test tries them): any of a webhook (Slack-compatible JSON), an ntfy topic,',
  '# the desktop (notify-send); events: waiting, finished, failed, landed, rejected, handed-back, limited, budget',
  '# notify:',
  '#   webhook: https://hooks.slack.com/services/…',
  '#   ntfy: https://ntfy.sh/my-secret-topic',
  '#   desktop: true',
  '#   events: [waiting, failed, landed, rejected, handed-back, limited, budget]',
  '',
].join('\n');

/** The permission policy braid applies unless told otherwise, as a comment the user can turn into keys. */
function permissionsComment(entries: InitEntry[]): string {
  const value = (key: string) => entries.find((e) => e.key === key)?.value;
  const gate = value('gate');
  const setup = value('setup');
  const policy = claudePolicy({
    headless: true,
    sandboxed: false,
    asRoot: false,
    settings: {},
    gate: typeof gate === 'string' ? gate : undefined,
    setup: Array.isArray(setup) ? setup.map(String) : [],
  });
  const rules = policy.allowedTools.map((r) => JSON.stringify(r)).join(', ');
  return [
    '# permissions: a headless Claude Code run gets --permission-mode acceptEdits and these --allowedTools',
    `# (edit files, commit on its own branch, run the gate and setup): ${rules}`,
    '# sandboxed runs get bypassPermissions; interactive sessions keep your own Claude Code settings.',
    '# To change it for every session (see braid doctor for what is in force):',
    '# agents: { claude: { permission_mode: acceptEdits, allowed_tools: ["Bash(npm run lint:*)"] } }',
    '',
  ].join('\n');
}
