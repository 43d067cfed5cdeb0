import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../src/orchestrate/plan/report.js';
import { listFindings } from '../src/store/radar.js';
import { requireBuiltCli, runCli } from './helpers/cli.js';
import { bash, readFile, type Script, say, writeFile } from './helpers/messages-api.js';
import { snapshot, storeOf } from './helpers/plan-run.js';
import { noRealClaude, type RealClaudeRepo, realClaudeRepo } from './helpers/real-claude.js';
import { until } from './helpers/wait.js';

let ctx: RealClaudeRepo | null = null;
beforeAll(requireBuiltCli, 120_000);
afterEach(async () => {
  await ctx?.cleanup();
  ctx = null;
});

const NOTE = 'House rule from the lead: keep shared.txt to one line.';

/** Resolves once the radar has stored a finding that involves `task` (what its next hook passes on). */
function radarFinding(dir: string, task: string): Promise<unknown> {
  return until(
    `a radar finding for ${task}`,
    async () => {
      const store = await storeOf(dir);
      try {
        return listFindings(store, task).length > 0;
      } finally {
        store.close();
      }
    },
    180_000,
  );
}

/**
 * One side of the clash: read shared.txt, write its own line, commit, then (once the radar has seen
 * the clash) one more tool call, so a hook can pass the warning on. Handed back its conflict, it
 * merges main, keeps both lines and commits.
 */
function clashingSide(name: string, radarSeen: Promise<unknown>): Script {
  return ({ workdir, step, prompt }) => {
    const file = path.join(workdir, 'shared.txt');
    if (prompt.includes(`braid could not land task ${name}`)) {
      return [
        bash('git merge main', 'Merge main into the branch'),
        readFile(file),
        writeFile(file, 'left+right\n'),
        bash('git add shared.txt && git commit -m "Merge main, keeping both lines"', 'Commit the resolution'),
        say('Resolved: shared.txt keeps both lines.'),
      ][step];
    }
    return [
      readFile(file),
      writeFile(file, `${name}\n`),
      bash(`git add shared.txt && git commit -m "${name}: shared line"`, 'Commit'),
      { ...bash('git status --short', 'Check the worktree'), hold: radarSeen },
      say(`${name} is committed.`),
    ][step];
  };
}

describe.skipIf(!!noRealClaude)(
  `braid run with the real Claude Code (${noRealClaude ?? 'offline, scripted API'})`,
  () => {
    it('lands the independent work, hands the clash back to the resumed agent, and the note and radar reach the model', async () => {
      const p = await realClaudeRepo({ files: { 'shared.txt': 'base\n', 'README.md': '# sample\n' } });
      ctx = p;
      const dir = p.repo.dir;
      const noted = await runCli(dir, ['note', NOTE], { env: p.env });
      expect(noted.code, noted.stderr).toBe(0);

      p.api.script('left', clashingSide('left', radarFinding(dir, 'left')));
      p.api.script('right', clashingSide('right', radarFinding(dir, 'right')));
      p.api.script(
        'docs',
        ({ workdir, step }) =>
          [
            writeFile(path.join(workdir, 'docs.txt'), 'independent docs\n'),
            bash('git add docs.txt && git commit -m "docs: add docs.txt"', 'Commit'),
            say('docs.txt is committed.'),
          ][step],
      );
      const plan = path.join(p.repo.parent, 'plan.yaml');
      writeFileSync(
        plan,
        [
          'tasks:',
          '  - { name: left, prompt: "Put left on the line of shared.txt" }',
          '  - { name: right, prompt: "Put right on the line of shared.txt" }',
          '  - { name: docs, prompt: "Add docs.txt" }',
          '',
        ].join('\n'),
      );

      const res = await runCli(dir, ['run', plan, '--land', '--json'], { env: p.env, timeoutMs: 480_000 });
      let report: RunReport;
      try {
        report = JSON.parse(res.stdout) as RunReport;
      } catch {
        throw new Error(`braid run did not print JSON (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
      }
      const outcomes = Object.fromEntries(report.tasks.map((t) => [t.name, t.outcome]));
      expect(outcomes, res.stderr).toEqual({ left: 'landed', right: 'landed', docs: 'landed' });
      expect(res.code, res.stderr).toBe(0);
      expect(await p.repo.git('show', 'main:docs.txt')).toBe('independent docs');
      expect(await p.repo.git('show', 'main:shared.txt')).toBe('left+right');

      // Exactly one side was handed back; it was resumed (the same Claude Code session) and resolved.
      const { events, byName } = await snapshot(dir);
      const handedBack = ['left', 'right'].filter((n) => events(n, 'land.resolver-started').length > 0);
      expect(handedBack).toHaveLength(1);
      const [second] = handedBack;
      const first = second === 'left' ? 'right' : 'left';
      const resumed = p.api
        .requestsOf(second)
        .filter((r) => JSON.stringify(r.body).includes('could not land'));
      expect(resumed.length).toBeGreaterThan(0);
      expect(resumed[0].sessionId).toBe(byName.get(second)?.agentSessionId);
      expect(p.api.textsOf(second).join('\n')).toContain(
        `braid could not land task ${second}: it conflicts with main in shared.txt.`,
      );

      // The note reached every session as SessionStart context; the radar's warning as a tool hook's.
      for (const task of ['left', 'right', 'docs']) {
        const texts = p.api.textsOf(task);
        expect(
          texts.some((t) => t.startsWith('SessionStart hook additional context:') && t.includes(NOTE)),
          task,
        ).toBe(true);
      }
      for (const [task, other] of [
        [first, second],
        [second, first],
      ]) {
        const warned = p.api
          .textsOf(task)
          .filter(
            (t) => t.includes('braid conflict radar') && t.includes(`task ${other} also changes shared.txt`),
          );
        expect(warned.length, task).toBeGreaterThan(0);
        expect(warned[0]).toMatch(
          /<system-reminder>\s*(PreToolUse|PostToolUse):\w+ hook additional context:/,
        );
      }
    }, 600_000);
  },
);
