import { type BilledTokens, costOf, findPrice, type PricingTable } from './pricing.js';
import type { TokenCounts } from './task.js';

/**
 * One billed model request read from a Claude Code transcript line. The parsing and
 * de-duplication rules follow ccusage (20.x, daily totals) so braid's numbers match it:
 * see docs in test/fixtures/transcripts/README.md for the cases checked against it.
 */
export interface UsageEntry {
  messageId: string | null;
  requestId: string | null;
  /** The line's sessionId, else the session the file belongs to. */
  sessionId: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  model: string | null;
  tokens: BilledTokens;
  /** A cost Claude Code wrote itself (older versions); preferred over the price table. */
  costUSD: number | null;
  isSidechain: boolean;
  fast: boolean;
}

export interface UsageTotals {
  tokens: TokenCounts;
  /** null when some tokens belong to a model without a price: unknown, never a silent 0. */
  costUsd: number | null;
  /** The part of the cost that is known (a lower bound when costUsd is null). */
  knownCostUsd: number;
  unpricedModels: string[];
  requests: number;
  firstAt: number | null;
  lastAt: number | null;
}

// ccusage skips a line where one of these keys is null anywhere in it (its schema rejects them).
const NON_NULLABLE = new Set([
  'id',
  'cwd',
  'model',
  'speed',
  'costUSD',
  'version',
  'sessionId',
  'requestId',
  'isApiErrorMessage',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
]);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?(?:Z|[+-]\d{2}:\d{2})$/;
const SEMVER_PREFIX = /^\d+\.\d+\.\d/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const optionalCount = (v: unknown): number | undefined | false =>
  v === undefined ? undefined : isCount(v) ? v : false;
const optionalText = (v: unknown): string | undefined | false =>
  v === undefined ? undefined : typeof v === 'string' && v.length > 0 ? v : false;

function hasForbiddenNull(value: unknown, inIterations = false): boolean {
  if (Array.isArray(value)) return value.some((v) => hasForbiddenNull(v, inIterations));
  if (!isObject(value)) return false;
  for (const [key, v] of Object.entries(value)) {
    // Claude Code writes "model": null inside usage.iterations; ccusage accepts that one.
    if (v === null && NON_NULLABLE.has(key) && !(inIterations && key === 'model')) return true;
    if (hasForbiddenNull(v, inIterations || key === 'iterations')) return true;
  }
  return false;
}

/** Token counts of a `usage` object, or null when it is not one ccusage would count. */
function tokensOf(usage: unknown): BilledTokens | null {
  if (!isObject(usage) || !isCount(usage.input_tokens) || !isCount(usage.output_tokens)) return null;
  const created = optionalCount(usage.cache_creation_input_tokens);
  const read = optionalCount(usage.cache_read_input_tokens);
  if (created === false || read === false) return null;
  const split = isObject(usage.cache_creation) ? usage.cache_creation : null;
  const w5 = split ? optionalCount(split.ephemeral_5m_input_tokens) : undefined;
  const w1 = split ? optionalCount(split.ephemeral_1h_input_tokens) : undefined;
  if (w5 === false || w1 === false) return null;
  // With the 5m/1h split present, the split is what was billed.
  const cacheCreation = split ? (w5 ?? 0) + (w1 ?? 0) : (created ?? 0);
  return {
    input: usage.input_tokens,
    output: usage.output_tokens,
    cacheCreation,
    cacheRead: read ?? 0,
    cacheWrite1h: w1 ?? 0,
  };
}

/**
 * Usage entries of one transcript line (usually one; more when the line carries advisor
 * iterations, which bill under their own model). Anything malformed yields none.
 */
export function parseUsageLine(line: string, fileSessionId: string): UsageEntry[] {
  if (!line.includes('"usage"')) return [];
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return [];
  }
  if (!isObject(data) || !isObject(data.message) || hasForbiddenNull(data)) return [];
  const msg = data.message;
  const tokens = tokensOf(msg.usage);
  if (!tokens || typeof data.timestamp !== 'string' || !TIMESTAMP.test(data.timestamp)) return [];
  const timestamp = Date.parse(data.timestamp);
  if (Number.isNaN(timestamp)) return [];
  if (data.version !== undefined && !(typeof data.version === 'string' && SEMVER_PREFIX.test(data.version)))
    return [];
  const sessionId = optionalText(data.sessionId);
  const requestId = optionalText(data.requestId);
  const messageId = optionalText(msg.id);
  const model = optionalText(msg.model);
  if (sessionId === false || requestId === false || messageId === false || model === false) return [];
  if (data.costUSD !== undefined && typeof data.costUSD !== 'number') return [];
  for (const flag of ['isSidechain', 'isApiErrorMessage'] as const)
    if (data[flag] !== undefined && typeof data[flag] !== 'boolean') return [];
  if (data.cwd !== undefined && typeof data.cwd !== 'string') return [];
  const speed = (msg.usage as Json).speed;
  if (speed !== undefined && speed !== 'standard' && speed !== 'fast') return [];
  const entry: UsageEntry = {
    messageId: messageId ?? null,
    requestId: requestId ?? null,
    sessionId: sessionId ?? fileSessionId,
    timestamp,
    model: model ?? null,
    tokens,
    costUSD: typeof data.costUSD === 'number' ? data.costUSD : null,
    isSidechain: data.isSidechain === true,
    fast: speed === 'fast',
  };
  return [entry, ...advisorEntries(entry, (msg.usage as Json).iterations)];
}

function advisorEntries(parent: UsageEntry, iterations: unknown): UsageEntry[] {
  if (!Array.isArray(iterations)) return [];
  const out: UsageEntry[] = [];
  for (const it of iterations) {
    if (!isObject(it) || it.type !== 'advisor_message' || typeof it.model !== 'string' || !it.model) continue;
    const tokens = tokensOf({ input_tokens: 0, output_tokens: 0, ...it });
    if (!tokens) continue;
    const messageId = parent.messageId === null ? null : `${parent.messageId}:advisor:${out.length}`;
    out.push({ ...parent, messageId, model: it.model, tokens, costUSD: null });
  }
  return out;
}

export function totalTokens(t: TokenCounts): number {
  return t.input + t.output + t.cacheCreation + t.cacheRead;
}

/** Whether a later copy of the same request should replace the one kept (ccusage's rule). */
function shouldReplace(candidate: UsageEntry, kept: UsageEntry): boolean {
  if (candidate.isSidechain !== kept.isSidechain) return kept.isSidechain;
  const a = totalTokens(candidate.tokens);
  const b = totalTokens(kept.tokens);
  if (a !== b) return a > b;
  return candidate.fast && !kept.fast;
}

/**
 * De-duplicates usage entries as they arrive. Streaming writes one response several times
 * (same message id and request id: the largest counts win); without a request id, copies at the
 * same timestamp in the same session collapse; a sidechain line replaying a message of its
 * session under another request id is dropped in favour of the parent's.
 */
export class UsageLedger {
  private readonly kept: UsageEntry[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly byMessage = new Map<string, number[]>();

  add(entry: UsageEntry): void {
    if (entry.messageId === null) {
      this.kept.push(entry);
      return;
    }
    const key = exactKey(entry);
    const messageKey = `${entry.messageId}\0${entry.sessionId}`;
    let index = this.byKey.get(key);
    if (index === undefined) {
      index = this.byMessage.get(messageKey)?.find((i) => entry.isSidechain || this.kept[i].isSidechain);
    }
    if (index === undefined) {
      index = this.kept.push(entry) - 1;
    } else if (shouldReplace(entry, this.kept[index])) {
      this.kept[index] = entry;
    }
    this.byKey.set(key, index);
    const same = this.byMessage.get(messageKey) ?? [];
    if (!same.includes(index)) this.byMessage.set(messageKey, [...same, index]);
  }

  entries(): readonly UsageEntry[] {
    return this.kept;
  }
}

function exactKey(e: UsageEntry): string {
  return e.requestId !== null
    ? `r\0${e.messageId}\0${e.requestId}`
    : `s\0${e.messageId}\0${e.sessionId}\0${e.timestamp}`;
}

/** Cost of one entry: Claude Code's own costUSD, else the price table, else null (unknown). */
export function entryCost(entry: UsageEntry, pricing: PricingTable): number | null {
  if (entry.costUSD !== null) return entry.costUSD;
  const price = findPrice(pricing, entry.model);
  return price ? costOf(entry.tokens, price) : null;
}

function emptyTotals(): UsageTotals {
  return {
    tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 },
    costUsd: 0,
    knownCostUsd: 0,
    unpricedModels: [],
    requests: 0,
    firstAt: null,
    lastAt: null,
  };
}

export function totalsOf(entries: Iterable<UsageEntry>, pricing: PricingTable): UsageTotals {
  const t = emptyTotals();
  const unpriced = new Set<string>();
  for (const e of entries) {
    t.tokens.input += e.tokens.input;
    t.tokens.output += e.tokens.output;
    t.tokens.cacheCreation += e.tokens.cacheCreation;
    t.tokens.cacheRead += e.tokens.cacheRead;
    t.requests += 1;
    t.firstAt = t.firstAt === null ? e.timestamp : Math.min(t.firstAt, e.timestamp);
    t.lastAt = t.lastAt === null ? e.timestamp : Math.max(t.lastAt, e.timestamp);
    const cost = entryCost(e, pricing);
    if (cost !== null) t.knownCostUsd += cost;
    else if (totalTokens(e.tokens) > 0) unpriced.add(e.model ?? '(no model)');
  }
  t.unpricedModels = [...unpriced].sort();
  t.costUsd = unpriced.size > 0 ? null : t.knownCostUsd;
  return t;
}

/** Sums totals (tasks into a run, runs into a grand total); any unknown cost makes the sum unknown. */
export function addTotals(...all: UsageTotals[]): UsageTotals {
  const t = emptyTotals();
  const unpriced = new Set<string>();
  for (const x of all) {
    t.tokens.input += x.tokens.input;
    t.tokens.output += x.tokens.output;
    t.tokens.cacheCreation += x.tokens.cacheCreation;
    t.tokens.cacheRead += x.tokens.cacheRead;
    t.knownCostUsd += x.knownCostUsd;
    t.requests += x.requests;
    for (const m of x.unpricedModels) unpriced.add(m);
    if (x.costUsd === null && x.unpricedModels.length === 0) unpriced.add('(unknown)');
    if (x.firstAt !== null) t.firstAt = t.firstAt === null ? x.firstAt : Math.min(t.firstAt, x.firstAt);
    if (x.lastAt !== null) t.lastAt = t.lastAt === null ? x.lastAt : Math.max(t.lastAt, x.lastAt);
  }
  t.unpricedModels = [...unpriced].sort();
  t.costUsd = unpriced.size > 0 ? null : t.knownCostUsd;
  return t;
}

/** Totals per calendar day (`dayOf` maps a timestamp to 'YYYY-MM-DD' in the wanted time zone). */
export function totalsByDay(
  entries: Iterable<UsageEntry>,
  pricing: PricingTable,
  dayOf: (ms: number) => string,
): Map<string, UsageTotals> {
  const groups = new Map<string, UsageEntry[]>();
  for (const e of entries) {
    const day = dayOf(e.timestamp);
    const list = groups.get(day);
    if (list) list.push(e);
    else groups.set(day, [e]);
  }
  const out = new Map<string, UsageTotals>();
  for (const day of [...groups.keys()].sort()) out.set(day, totalsOf(groups.get(day)!, pricing));
  return out;
}
