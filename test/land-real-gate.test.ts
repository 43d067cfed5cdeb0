import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec/run.js';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import {
  type GateProject,
  type GateProjectRepo,
  gateProjectRepo,
  gateSeconds,
  taskFiles,
  testCounts,
} from './helpers/gate-projects.js';

// The projects' real test runners, as a user's braid.yaml names them.
const GATE: Record<GateProject, string> = { jest: 'npx jest', vitest: 'npx vitest run' };
const NO_TESTS: Record<GateProject, string> = {
  jest: 'jest: "No tests found, exiting with code 1"',
  vitest: 'vitest: "No test files found, exiting with code 1"',
};
// Each project starts with two tests of its own.
const OWN_TESTS = 2;
const SLOW = 600_000;

let project: GateProjectRepo | undefined;
afterEach(() => project?.repo.cleanup());
beforeAll(async () => {
  await requireBuiltCli();
});

async function projectOf(kind: GateProject, opts: { withTests?: boolean } = {}): Promise<GateProjectRepo> {
  // One change per gate run: each candidate's own tests are what these tests count.
  project = await gateProjectRepo(kind, GATE[kind], { ...opts, yaml: 'land:\n  batch: 1\n' });
  return project;
}

interface LandJson {
  landed: Array<{ name: string; commit: string }>;
  rejected: Array<{ name: string; reason: string }>;
}

async function land(p: GateProjectRepo, names: string[]): Promise<LandJson> {
  const res = await runCli(p.repo.dir, ['land', ...names, '--json'], { timeoutMs: SLOW });
  expect(res.stdout, res.stderr).toMatch(/^\{/);
  return JSON.parse(res.stdout) as LandJson;
}

/** Runs the project's own tests in a checkout, as its developer would. */
async function testsIn(kind: GateProject, dir: string) {
  const [cmd, ...args] = GATE[kind].split(' ');
  const res = await run(cmd, args, {
    cwd: dir,
    allowFailure: true,
    timeoutMs: 300_000,
    env: { NO_COLOR: '1' },
  });
  return { code: res.code, counts: testCounts(res.stdout + res.stderr) };
}

const good = (kind: GateProject) => [
  {
    name: 'slug',
    files: taskFiles(
      kind,
      'slug',
      { params: 'line', body: "return line.trim().toLowerCase().split(/\\s+/).join('-');" },
      { title: 'slug joins the words with dashes', call: "slug(' Braid  Land ')", expected: "'braid-land'" },
    ),
  },
  {
    name: 'initials',
    files: taskFiles(
      kind,
      'initials',
      { params: 'line', body: "return line.split(' ').map((w) => w[0]).join('');" },
      { title: 'initials takes the first letters', call: "initials('merge queue gate')", expected: "'mqg'" },
    ),
  },
  {
    name: 'reverse',
    files: taskFiles(
      kind,
      'reverse',
      { params: 'line', body: "return line.split(' ').reverse().join(' ');" },
      { title: 'reverse turns the word order around', call: "reverse('a b c')", expected: "'c b a'" },
    ),
  },
];

// Its test expects upper case; the code forgets it.
const red = (kind: GateProject) =>
  taskFiles(
    kind,
    'shout',
    { params: 'line', body: "return line + '!';" },
    { title: 'shout upper-cases and adds a bang', call: "shout('hi')", expected: "'HI!'" },
  );

describe.each(['jest', 'vitest'] as const)('the gate runs a real %s project', (kind) => {
  it(
    'lands three tasks through the queue, each gated on the tests it adds; a red one is rejected with the failure quoted',
    async () => {
      const p = await projectOf(kind);
      const start = await p.repo.git('rev-parse', 'main');
      const tasks = good(kind);
      for (const t of tasks) await p.addTask(t.name, t.files);
      await p.addTask('shout', red(kind));
      // A scratch worktree where braid used to keep it, inside .git: moved out on first use.
      const old = path.join(p.info.commonDir, 'braid', 'scratch', 'gate-0');
      if (kind === 'jest') await p.repo.git('worktree', 'add', '-q', '--detach', old, 'main');

      const report = await land(p, ['slug', 'initials', 'shout', 'reverse']);

      expect(report.landed.map((l) => l.name)).toEqual(['slug', 'initials', 'reverse']);
      expect(report.rejected.map((r) => r.name)).toEqual(['shout']);
      // Each candidate ran the project's tests plus one more per task landed before it and its own.
      for (const [i, t] of tasks.entries()) {
        const logs = p.gateLogs(t.name);
        expect(logs, t.name).toHaveLength(1);
        expect(testCounts(logs[0]), t.name).toEqual({
          passed: OWN_TESTS + i + 1,
          failed: 0,
          total: OWN_TESTS + i + 1,
        });
        expect(gateSeconds(logs[0])).toBeGreaterThan(0);
      }
      // Red twice on its candidate (two landed before it), then main alone is green: the task is to blame.
      const shout = p.gateLogs('shout');
      expect(shout.map(testCounts)).toEqual([
        { passed: OWN_TESTS + 2, failed: 1, total: OWN_TESTS + 3 },
        { passed: OWN_TESTS + 2, failed: 1, total: OWN_TESTS + 3 },
        { passed: OWN_TESTS + 2, failed: 0, total: OWN_TESTS + 2 },
      ]);
      const reason = report.rejected[0].reason;
      expect(reason).toMatch(
        /^the gate failed twice on the candidate \(log: \S+gate-shout-1\.log\)\. Last lines of its output:\n {4}/,
      );
      // Where it failed, as the runner points at it.
      expect(reason).toContain('test/shout.test.js:5:23');
      expect(reason).not.toMatch(/found no tests/);
      // The runner's own summary of the failure, quoted: one failed of five.
      expect(reason).toMatch(
        kind === 'jest'
          ? /^ {4}Tests: +1 failed, 4 passed, 5 total$/m
          : /^ {4} +Tests +1 failed \| 4 passed \(5\)$/m,
      );
      expect(reason.split('\n').length).toBeLessThanOrEqual(16);

      // main got the three, not the red one, and its own tests pass there.
      expect(await p.repo.git('log', '--format=%s', `${start}..main`)).not.toMatch(/shout/);
      expect(await p.repo.git('ls-tree', '-r', '--name-only', 'main', 'src', 'test')).toBe(
        [
          'src/initials.js',
          'src/reverse.js',
          'src/slug.js',
          'src/text.js',
          'test/initials.test.js',
          'test/reverse.test.js',
          'test/slug.test.js',
          'test/text.test.js',
        ].join('\n'),
      );
      const total = OWN_TESTS + tasks.length;
      expect(await testsIn(kind, p.repo.dir)).toEqual({
        code: 0,
        counts: { passed: total, failed: 0, total },
      });

      // The gate's worktree is beside the task worktrees, and nothing is left inside .git.
      const worktrees = await p.repo.git('worktree', 'list', '--porcelain');
      expect(worktrees).toContain(`worktree ${path.join(p.repo.parent, 'repo.braid', '_gate-0')}\n`);
      expect(worktrees).not.toContain(p.info.commonDir);
      expect(existsSync(path.join(p.info.commonDir, 'braid', 'scratch'))).toBe(false);
    },
    SLOW,
  );

  it(
    'a main whose gate finds no tests is named as red, and the rejection says the runner found none',
    async () => {
      const p = await projectOf(kind, { withTests: false });
      const before = await p.repo.git('rev-parse', 'main');
      // Code with no test: nothing for the runner to find on the candidate or on main.
      const files = good(kind)[0].files;
      await p.addTask('untested', { 'src/slug.js': files['src/slug.js'] });

      const report = await land(p, ['untested']);

      expect(report.landed).toEqual([]);
      const reason = report.rejected[0].reason;
      expect(reason).toMatch(
        /^main itself is red: the gate fails on main alone \(log: \S+gate-untested-2\.log\); fix main first\./,
      );
      expect(reason).toContain(`The gate found no tests at all (${NO_TESTS[kind]})`);
      const quote = reason.slice(reason.indexOf('Last lines of its output:\n'));
      expect(quote).toContain(`\n    ${NO_TESTS[kind].split('"')[1]}`);
      expect(p.gateLogs('untested')).toHaveLength(3);
      expect(await p.repo.git('rev-parse', 'main')).toBe(before);
    },
    SLOW,
  );
});

describe('speculation on a real jest project', () => {
  it(
    'gates prefixes side by side in two slots, each a worktree outside .git; the red middle change is dropped, the rest land green',
    async () => {
      // The default adaptive batch: `land.batch: 1` would gate one change at a time, with no window to spread.
      project = await gateProjectRepo('jest', GATE.jest, { yaml: 'gate_slots: 2\n' });
      const p = project;
      const [slug, initials] = good('jest');
      await p.addTask('slug', slug.files);
      await p.addTask('shout', red('jest'));
      await p.addTask('initials', initials.files);

      const report = await land(p, ['slug', 'shout', 'initials']);

      expect(report.landed.map((l) => l.name)).toEqual(['slug', 'initials']);
      expect(report.rejected.map((r) => r.name)).toEqual(['shout']);
      // shout, red once, was rechecked beside initials' own gate (a window of one), not before it.
      expect(report.landed[1]).toMatchObject({ gated: 'own', batch: expect.any(Number) });
      // jest found and ran the red change's test in a gate worktree: the failure is its own.
      expect(report.rejected[0].reason).toContain('test/shout.test.js');
      expect(report.rejected[0].reason).not.toMatch(/found no tests/);
      // Both slots were used, each beside the task worktrees, none inside .git.
      const worktrees = await p.repo.git('worktree', 'list', '--porcelain');
      for (const slot of ['_gate-0', '_gate-1'])
        expect(worktrees).toContain(`worktree ${path.join(p.repo.parent, 'repo.braid', slot)}\n`);
      expect(worktrees).not.toContain(p.info.commonDir);
      // main holds the two green changes and its own tests pass there.
      const total = OWN_TESTS + 2;
      expect(await testsIn('jest', p.repo.dir)).toEqual({
        code: 0,
        counts: { passed: total, failed: 0, total },
      });
    },
    SLOW,
  );
});
