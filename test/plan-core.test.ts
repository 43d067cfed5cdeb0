import { describe, expect, it } from 'vitest';
import { nextPlanActions, type PlanTaskState, parsePlan, planProblems } from '../src/core/plan.js';

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
  it('skips what needs a failed task, transitively, with the reason', () => {
    const d = nextPlanActions(plan, states({ a: 'failed', b: 'running' }), 3);
    expect(d.skip.map((s) => s.name)).toEqual(['c', 'd']);
    expect(d.skip[0].reason).toContain("needs 'a'");
  });
});
