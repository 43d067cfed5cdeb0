import { describe, expect, it } from 'vitest';
import { nextPlanActions, type PlanTaskState, parsePlan, planProblems } from '../../src/core/plan.js';

describe('plan validation', () => {
  it('lists every problem at once: names, duplicates, unknown needs, cycles, unknown fields', () => {
    const { problems } = planProblems({
      tasks: [
        { name: 'a', prompt: 'x', needs: ['c'] },
        { name: 'a', prompt: 'y' },
        { name: 'Bad Name', prompt: 'z' },
        { name: 'b', prompt: 'x', needs: ['ghost'] },
        { name: 'c', prompt: 'x', needs: ['a'] },
      ],
    });
    expect(problems.some((p) => p.includes("duplicate task name 'a'"))).toBe(true);
    expect(problems.some((p) => p.includes("'Bad Name' is not a valid task name"))).toBe(true);
    expect(problems.some((p) => p.includes("unknown task 'ghost'"))).toBe(true);
    expect(problems.some((p) => /cycle a -> c -> a|cycle c -> a -> c/.test(p))).toBe(true);
    expect(planProblems({ tasks: [{ name: 'a', prompt: 'x', colour: 'red' }] }).problems[0]).toContain(
      "unknown key 'colour'",
    );
    const mixed = planProblems({
      tasks: [
        { name: 'a', prompt: 'x', needs: ['b'], colour: 'red' },
        { name: 'b', prompt: '', needs: ['a', 'nobody'] },
        { name: 'B!', prompt: 'x' },
        { prompt: 'no name' },
      ],
    });
    expect(mixed.plan).toBeNull();
    expect(mixed.problems).toEqual(
      expect.arrayContaining([
        "tasks.0: unknown key 'colour'",
        expect.stringMatching(/^tasks\.1\.prompt: /),
        expect.stringMatching(/^tasks\.3\.name: /),
        expect.stringContaining("'B!' is not a valid task name"),
        "tasks.1.needs: 'b' needs unknown task 'nobody'",
        expect.stringMatching(/dependency cycle (a -> b -> a|b -> a -> b)/),
      ]),
    );
    expect(() => parsePlan('tasks: [', 'plan.yaml')).toThrow(/not valid YAML/);
  });
});

describe('nextPlanActions', () => {
  const plan = parsePlan(
    `tasks:
  - { name: a, prompt: x }
  - { name: b, prompt: x }
  - { name: c, prompt: x, needs: [a] }
  - { name: d, prompt: x, needs: [c] }
  - { name: e, prompt: x, needs: [b], stack: true }
`,
    'plan',
  );
  const states = (s: Record<string, PlanTaskState>) =>
    new Map<string, PlanTaskState>(plan.tasks.map((t) => [t.name, s[t.name] ?? 'pending']));

  it('starts independent tasks within the limit, in plan order', () => {
    expect(nextPlanActions(plan, states({}), 1).start).toEqual(['a']);
    expect(nextPlanActions(plan, states({}), 3).start).toEqual(['a', 'b']);
  });
  it('starts a dependent task only after its needs landed, or were done when stacked', () => {
    expect(nextPlanActions(plan, states({ a: 'done', b: 'done' }), 3).start).toEqual(['e']);
    expect(nextPlanActions(plan, states({ a: 'landed', b: 'running' }), 3).start).toEqual(['c']);
  });
  it('without landing (land: manual) a dependent starts once its needs are done, as nothing will land', () => {
    expect(nextPlanActions(plan, states({ a: 'done', b: 'done' }), 3, false).start).toEqual(['c', 'e']);
    expect(nextPlanActions(plan, states({ a: 'running', b: 'done' }), 3, false).start).toEqual(['e']);
  });
  it('skips what needs a failed task, transitively, with the reason', () => {
    const d = nextPlanActions(plan, states({ a: 'failed', b: 'running' }), 3);
    expect(d.skip.map((s) => s.name)).toEqual(['c', 'd']);
    expect(d.skip[0].reason).toContain("needs 'a'");
  });
});
