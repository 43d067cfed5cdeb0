/**
 * The merge queue's decisions, pure: which entry to work on next and what an outcome means.
 * The executor (src/queue/land.ts) asks, acts, and records; batching and speculation can later
 * return several entries per step without changing the executor's shape.
 */

const QUEUE_STATES = [
  'queued',
  'building',
  'gating',
  'landed',
  'rejected',
  'conflict',
  'waiting_agent',
] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** States in which an entry still has work ahead of it. */
export const ACTIVE_QUEUE_STATES: readonly QueueState[] = ['queued', 'building', 'gating', 'waiting_agent'];

export interface QueueEntry {
  id: number;
  task: string;
  enqueuedAt: number;
  state: QueueState;
  attempt: number;
  candidate: string | null;
  mainBefore: string | null;
  /** The task branch tip this entry last worked from (for waiting_agent: the tip handed back). */
  tip: string | null;
  gateLog: string | null;
  reason: string | null;
  conflictFiles: string[];
  prevStatus: string | null;
  updatedAt: number;
  /** The batch it was last gated in (the land.batch event's id); null when gated alone. */
  batch?: number | null;
  /** Once landed: 'own' when its exact tree passed the gate, 'batch' when it lies inside a batch whose final tree did. */
  gated?: 'own' | 'batch' | null;
}

export type QueueStep =
  /** building/gating rows left by a process that died: find out whether their candidate landed. */
  | { kind: 'recover'; entry: QueueEntry }
  /** The agent committed since the conflict was handed back: back into the queue. */
  | { kind: 'requeue'; entry: QueueEntry }
  /** Build, gate and land these: one, or a batch gated as one candidate. */
  | { kind: 'land'; entries: QueueEntry[] }
  | { kind: 'idle' };

export interface PlanInput {
  entries: readonly QueueEntry[];
  /** Current branch tip per task name (for waiting_agent entries). */
  tips: Readonly<Record<string, string | null>>;
  /** Entries already tried in this run and left queued (e.g. the main checkout was dirty). */
  skip: ReadonlySet<number>;
  /** How many queued entries to land together (default 1). */
  batch?: number;
}

/** The next thing the queue holder should do. Recovery first, then re-queues, then the oldest queued entry. */
export function planNextStep(input: PlanInput): QueueStep {
  const ordered = [...input.entries].sort((a, b) => a.id - b.id);
  const stale = ordered.find((e) => e.state === 'building' || e.state === 'gating');
  if (stale) return { kind: 'recover', entry: stale };
  const revived = ordered.find(
    (e) => e.state === 'waiting_agent' && input.tips[e.task] != null && input.tips[e.task] !== e.tip,
  );
  if (revived) return { kind: 'requeue', entry: revived };
  const next = ordered.filter((e) => e.state === 'queued' && !input.skip.has(e.id));
  return next.length
    ? { kind: 'land', entries: next.slice(0, Math.max(1, input.batch ?? 1)) }
    : { kind: 'idle' };
}

export type GateVerdict = 'pass' | 'retry' | 'check-main' | 'task-red' | 'main-red';

/**
 * After a gate run: a failure is retried once (flaky tests); a second failure is checked against
 * main alone, so a red main is not blamed on the task.
 */
export function gateVerdict(run: { passed: boolean; attempt: number; mainPassed?: boolean }): GateVerdict {
  if (run.passed) return 'pass';
  if (run.attempt < 2) return 'retry';
  if (run.mainPassed === undefined) return 'check-main';
  return run.mainPassed ? 'task-red' : 'main-red';
}

/** How many times a candidate is rebuilt because main moved during its gate before giving up. */
export const MAX_REBUILDS = 5;

export function afterCasFailure(attempt: number): 'rebuild' | 'give-up' {
  return attempt + 1 < MAX_REBUILDS ? 'rebuild' : 'give-up';
}

/** Files the landing changes that the main checkout also has local edits to: landing would clobber them. */
export function checkoutOverlap(changed: readonly string[], dirty: readonly string[]): string[] {
  const dirtySet = new Set(dirty.map((f) => f.replace(/\/$/, '')));
  return changed.filter(
    (f) => dirtySet.has(f) || [...dirtySet].some((d) => f.startsWith(`${d}/`) || d.startsWith(`${f}/`)),
  );
}

/** What an agent is told when its task's conflict comes back to it. */
export function handBackMessage(args: {
  task: string;
  prompt: string | null;
  base: string;
  conflictFiles: readonly string[];
  others: ReadonlyArray<{ task: string; prompt: string | null }>;
}): string {
  const lines = [
    `braid could not land task ${args.task}: it conflicts with ${args.base} in ${args.conflictFiles.join(', ')}.`,
    `Merge ${args.base} into your branch, resolve these files keeping both intents, run the tests, and commit; braid re-queues the task when it sees the new commit.`,
    `Your task: ${oneLine(args.prompt) ?? '(no prompt recorded)'}`,
  ];
  for (const o of args.others)
    lines.push(`Landed meanwhile by task ${o.task}: ${oneLine(o.prompt) ?? '(no prompt recorded)'}`);
  return lines.join('\n');
}

function oneLine(text: string | null): string | null {
  if (!text?.trim()) return null;
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
