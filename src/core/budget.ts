/** Budgets from braid.yaml (`budget:`): dollars per task and per run, tokens per task. */
export interface Budget {
  task_usd?: number;
  run_usd?: number;
  task_tokens?: number;
}

export interface Spent {
  /** Dollars spent by the task (a known lower bound is fine); null when unknown. */
  spentUsd: number | null;
  /** All tokens of the task (input + output + cache); null when unknown. */
  tokens: number | null;
  /** Dollars spent by the whole run the task belongs to, for `run_usd`. */
  runSpentUsd?: number | null;
}

type BudgetLevel = 'ok' | 'warn' | 'exceeded';

export interface BudgetCheck {
  level: BudgetLevel;
  /** Human sentence naming the limit, e.g. "task spent $4.10 of $5.00 (82 %)"; empty when ok. */
  reason: string;
  /** The highest share of any limit used (0.82 = 82 %), null when nothing could be checked. */
  ratio: number | null;
}

const WARN_RATIO = 0.8;
/** How far past its dollar limit an agent that enforces the limit itself may go before braid stops it. */
const AGENT_GRACE_RATIO = 1.25;

const RANK: Record<BudgetLevel, number> = { ok: 0, warn: 1, exceeded: 2 };

const usd = (n: number) => `$${n.toFixed(2)}`;
const tok = (n: number) => n.toLocaleString('en-US');

/** Compares what was spent with every configured limit and reports the worst one. */
export function checkBudget(spent: Spent, budget: Budget | undefined, warnRatio = WARN_RATIO): BudgetCheck {
  const checks: Array<{
    used: number | null | undefined;
    limit: number | undefined;
    what: string;
    fmt: (n: number) => string;
  }> = [
    { used: spent.spentUsd, limit: budget?.task_usd, what: 'task spent', fmt: usd },
    { used: spent.tokens, limit: budget?.task_tokens, what: 'task used', fmt: (n) => `${tok(n)} tokens` },
    { used: spent.runSpentUsd, limit: budget?.run_usd, what: 'run spent', fmt: usd },
  ];
  let worst: BudgetCheck = { level: 'ok', reason: '', ratio: null };
  for (const c of checks) {
    if (c.limit === undefined || c.limit <= 0 || c.used === null || c.used === undefined) continue;
    const ratio = c.used / c.limit;
    const level: BudgetLevel = ratio >= 1 ? 'exceeded' : ratio >= warnRatio ? 'warn' : 'ok';
    const pct = Math.floor(ratio * 100);
    const reason = level === 'ok' ? '' : `${c.what} ${c.fmt(c.used)} of ${c.fmt(c.limit)} (${pct} %)`;
    if (RANK[level] > RANK[worst.level] || (level === worst.level && ratio > (worst.ratio ?? -1)))
      worst = { level, reason, ratio };
  }
  return worst;
}

/** The plan's budget overrides braid.yaml's, limit by limit. */
export function mergeBudgets(config: Budget | undefined, plan: Budget | undefined): Budget | undefined {
  const merged: Budget = { ...config };
  for (const [k, v] of Object.entries(plan ?? {}) as [keyof Budget, number | undefined][])
    if (v !== undefined) merged[k] = v;
  return Object.keys(merged).length ? merged : undefined;
}

export type BudgetAction =
  | { kind: 'none' }
  | { kind: 'warn'; reason: string }
  | { kind: 'stop'; reason: string; wholeRun: boolean };

/**
 * What to do about one task's check: warn once at 80 %, stop a live session at 100 %.
 * `wholeRun` says the run's own limit is spent, so every session stops and nothing new starts.
 */
export function budgetAction(
  check: BudgetCheck,
  alreadyWarned: boolean,
  live: boolean,
  agentEnforcesTaskUsd = false,
): BudgetAction {
  // An agent given the task's dollar limit (headless Claude Code: --max-budget-usd) stops itself cleanly.
  const leftToAgent =
    agentEnforcesTaskUsd && check.reason.startsWith('task spent ') && (check.ratio ?? 0) < AGENT_GRACE_RATIO;
  if (check.level === 'exceeded' && live && !leftToAgent)
    return { kind: 'stop', reason: check.reason, wholeRun: check.reason.startsWith('run ') };
  if (check.level === 'exceeded' && !alreadyWarned) return { kind: 'warn', reason: check.reason };
  if (check.level === 'warn' && !alreadyWarned) return { kind: 'warn', reason: check.reason };
  return { kind: 'none' };
}

/**
 * A plan run again with a higher `task_usd` than a paused task was stopped under: the new limit, which
 * resumes it; null when the plan gives no more than before (the task stays paused).
 */
export function raisedTaskUsd(recorded: Budget | undefined, planned: Budget | undefined): number | null {
  const next = planned?.task_usd;
  if (next === undefined) return null;
  const before = recorded?.task_usd;
  // Stopped under no dollar limit (tokens, the run's): a dollar limit alone would not let it go on.
  return before !== undefined && next > before ? next : null;
}

/** The subtype of Claude Code's final `result` when it stopped itself at its --max-budget-usd. */
export const AGENT_BUDGET_SUBTYPE = 'error_max_budget_usd';

/**
 * How a headless run that stopped itself at its dollar limit ends: paused for budget (its work kept,
 * resumed when the budget is raised), never failed nor finished. Null for any other end.
 */
export function agentBudgetEnd(outcome: {
  finished: boolean;
  subtype: string | null;
}): { status: 'paused'; detail: string } | null {
  if (!outcome.finished || outcome.subtype !== AGENT_BUDGET_SUBTYPE) return null;
  return {
    status: 'paused',
    detail: `budget: the agent stopped at its --max-budget-usd limit (${AGENT_BUDGET_SUBTYPE})`,
  };
}

/** agentBudgetEnd of a stream-json log's text (or its tail): its last `result` line decides. */
export function agentBudgetEndOfLog(text: string): ReturnType<typeof agentBudgetEnd> {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line.startsWith('{') || !line.includes('"result"')) continue;
    try {
      const v = JSON.parse(line) as { type?: unknown; subtype?: unknown };
      if (v.type !== 'result') continue;
      return agentBudgetEnd({ finished: true, subtype: typeof v.subtype === 'string' ? v.subtype : null });
    } catch {
      // a torn or foreign line: look further up
    }
  }
  return null;
}
