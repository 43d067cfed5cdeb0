import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BACKEND_NAMES } from './backend.js';
import { budgetSchema, formatIssues, relPath } from './config.js';
import { BraidError } from './errors.js';
import { taskNameProblem } from './names.js';

const planTaskSchema = z
  .object({
    name: z.string(),
    prompt: z.string().min(1),
    agent: z.string().min(1).optional(),
    /** Where this task's session runs (`--backend` on braid run wins, braid.yaml's backend otherwise). */
    backend: z.enum(BACKEND_NAMES).optional(),
    needs: z.array(z.string()).default([]),
    base: z.string().min(1).optional(),
    /** Start from the branches of the tasks it needs instead of waiting for them to land. */
    stack: z.boolean().default(false),
    /** The folder of the worktree its session starts in; braid.yaml's workdir otherwise. */
    workdir: relPath.optional(),
    /** Cone paths of this task's sparse checkout; braid.yaml's `sparse` otherwise. */
    sparse: z.array(relPath).min(1).optional(),
  })
  .strict();

const planSchema = z
  .object({
    tasks: z.array(planTaskSchema).min(1),
    max_parallel: z.number().int().min(1).max(64).optional(),
    land: z.enum(['auto', 'manual']).default('auto'),
    budget: budgetSchema.optional(),
  })
  .strict();

export type Plan = z.infer<typeof planSchema>;
export type PlanTask = Plan['tasks'][number];

/** Finds one dependency cycle (as a list of names, first repeated at the end), or null. */
function findCycle(tasks: Pick<PlanTask, 'name' | 'needs'>[]): string[] | null {
  const needs = new Map<string, string[]>();
  // Duplicated names are reported on their own; their needs still count towards cycles.
  for (const t of tasks) needs.set(t.name, [...(needs.get(t.name) ?? []), ...t.needs]);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of needs.get(name) ?? []) {
      if (!needs.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const t of tasks) {
    const cycle = visit(t.name);
    if (cycle) return cycle;
  }
  return null;
}

/** The names and needs of a plan's tasks as far as they can be read, even from a plan the schema refuses. */
function looseTasks(raw: unknown): Pick<PlanTask, 'name' | 'needs'>[] {
  const tasks = (raw as { tasks?: unknown } | null)?.tasks;
  if (!Array.isArray(tasks)) return [];
  return tasks.map((t) => {
    const o = (t ?? {}) as { name?: unknown; needs?: unknown };
    const needs = Array.isArray(o.needs) ? o.needs.filter((d): d is string => typeof d === 'string') : [];
    return { name: typeof o.name === 'string' ? o.name : '', needs };
  });
}

/** Every problem of a plan at once: schema, names, duplicates, unknown needs, cycles. */
export function planProblems(raw: unknown): { plan: Plan | null; problems: string[] } {
  const res = planSchema.safeParse(raw ?? {});
  const problems = res.success ? [] : formatIssues(res.error.issues);
  // The graph is checked even when the schema is not satisfied: every problem is listed in one go.
  const tasks = res.success ? res.data.tasks : looseTasks(raw);
  const seen = new Set<string>();
  tasks.forEach((t, i) => {
    if (!t.name) return; // a missing or non-text name is a schema problem, already listed
    const problem = taskNameProblem(t.name);
    if (problem) problems.push(`tasks.${i}.name: '${t.name}' is not a valid task name: ${problem}`);
    if (seen.has(t.name)) problems.push(`tasks.${i}.name: duplicate task name '${t.name}'`);
    seen.add(t.name);
  });
  tasks.forEach((t, i) => {
    for (const dep of t.needs) {
      if (!seen.has(dep)) problems.push(`tasks.${i}.needs: '${t.name}' needs unknown task '${dep}'`);
      if (dep === t.name) problems.push(`tasks.${i}.needs: '${t.name}' needs itself`);
    }
  });
  const cycle = findCycle(tasks.map((t) => ({ ...t, needs: t.needs.filter((d) => d !== t.name) })));
  if (cycle) problems.push(`tasks: dependency cycle ${cycle.join(' -> ')}`);
  return { plan: res.success ? res.data : null, problems };
}

export function parsePlan(text: string, source: string): Plan {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new BraidError(
      'E_PLAN',
      `${source} is not valid YAML: ${(err as Error).message}`,
      'Fix the YAML syntax.',
    );
  }
  const { plan, problems } = planProblems(raw);
  if (!plan || problems.length) {
    throw new BraidError(
      'E_PLAN',
      `${source} has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}`,
      'Fix the plan; nothing was started.',
    );
  }
  return plan;
}

export type PlanTaskState =
  | 'pending'
  | 'running'
  | 'done'
  | 'landing'
  | 'landed'
  | 'failed'
  | 'rejected'
  | 'skipped';

export interface PlanDecision {
  start: string[];
  skip: { name: string; reason: string }[];
}

/** Whether a task starts from its needs' branches: asked for, or forced because nothing lands in this run. */
export function startsStacked(task: Pick<PlanTask, 'stack' | 'needs'>, landing: boolean): boolean {
  return task.needs.length > 0 && (task.stack || !landing);
}

/**
 * What to do next: tasks whose needs are met start while slots are free, in plan order; tasks that
 * need a failed, rejected or skipped task are skipped with the reason. Without landing (land: manual)
 * nothing ever lands, so a dependent starts stacked on its needs' branches once they are done.
 */
export function nextPlanActions(
  plan: Pick<Plan, 'tasks'>,
  states: ReadonlyMap<string, PlanTaskState>,
  maxParallel: number,
  landing = true,
): PlanDecision {
  const skip: PlanDecision['skip'] = [];
  const effective = new Map(states);
  let changed = true;
  while (changed) {
    changed = false;
    for (const t of plan.tasks) {
      if (effective.get(t.name) !== 'pending') continue;
      const dead = t.needs.find((d) => ['failed', 'rejected', 'skipped'].includes(effective.get(d) ?? ''));
      if (dead) {
        skip.push({ name: t.name, reason: `needs '${dead}', which ${effective.get(dead)}` });
        effective.set(t.name, 'skipped');
        changed = true;
      }
    }
  }
  const busy = [...effective.values()].filter((s) => s === 'running').length;
  const start: string[] = [];
  for (const t of plan.tasks) {
    if (busy + start.length >= maxParallel) break;
    if (effective.get(t.name) !== 'pending') continue;
    const ready = t.needs.every((d) => {
      const s = effective.get(d);
      return startsStacked(t, landing) ? s === 'done' || s === 'landing' || s === 'landed' : s === 'landed';
    });
    if (ready) start.push(t.name);
  }
  return { start, skip };
}

export function isPlanFinished(states: ReadonlyMap<string, PlanTaskState>): boolean {
  return [...states.values()].every((s) => ['landed', 'failed', 'rejected', 'skipped', 'done'].includes(s));
}
