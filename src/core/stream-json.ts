import type { PricingTable } from './pricing.js';
import { DEFAULT_PRICING } from './pricing-table.js';
import { denialsOf, type PermissionDenial } from './refusals.js';
import type { TokenCounts } from './task.js';
import { totalsOf, UsageLedger, type UsageTotals } from './usage.js';

/** What a headless run's log says about usage. */
export interface HeadlessUsage {
  sessionId: string | null;
  /** True once the final `result` event (Claude) or a completed turn (Codex) was seen. */
  finished: boolean;
  isError: boolean | null;
  subtype: string | null;
  numTurns: number | null;
  /** False when the log holds no usage at all yet: then usage is unknown, not zero. */
  reported: boolean;
  totals: UsageTotals;
  /** Tool uses the last run was refused (its `result` event's permission_denials). */
  denials: PermissionDenial[];
  /** The final `result` text (an error's message, e.g. a usage limit's "… resets …"), when given. */
  resultText?: string | null;
  /** A `rate_limit_event` that rejected the run: when its limit resets (ms since epoch, to the second). */
  limitResetsAt?: number | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number => (Number.isFinite(v) && (v as number) > 0 ? (v as number) : 0);

/** JSON objects of a log, one per line; partial, garbage and non-object lines are skipped. */
function* jsonLines(text: string): Generator<Json> {
  for (const line of text.split('\n')) {
    const s = line.trim();
    if (!s.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(s);
      if (isObject(v)) yield v;
    } catch {
      // a line cut off by a crash, or something else printed to the log
    }
  }
}

function claudeTokens(usage: unknown): TokenCounts & { cacheWrite1h: number } {
  const u = isObject(usage) ? usage : {};
  const split = isObject(u.cache_creation) ? u.cache_creation : null;
  return {
    input: count(u.input_tokens),
    output: count(u.output_tokens),
    cacheCreation: split
      ? count(split.ephemeral_5m_input_tokens) + count(split.ephemeral_1h_input_tokens)
      : count(u.cache_creation_input_tokens),
    cacheRead: count(u.cache_read_input_tokens),
    cacheWrite1h: split ? count(split.ephemeral_1h_input_tokens) : 0,
  };
}

/**
 * Usage of a `claude -p --output-format stream-json --verbose` log. The final `result` event is
 * authoritative (its `total_cost_usd` is Claude Code's own figure); before it arrives, the
 * assistant events seen so far are summed (de-duplicated by message id) and priced by the table.
 */
export function parseStreamJsonLog(text: string, pricing: PricingTable = DEFAULT_PRICING): HeadlessUsage {
  const ledger = new UsageLedger();
  let sessionId: string | null = null;
  let result: Json | null = null;
  let model: string | null = null;
  let limitResetsAt: number | null = null;
  for (const ev of jsonLines(text)) {
    if (typeof ev.session_id === 'string') sessionId = ev.session_id;
    if (ev.type === 'system' && ev.subtype === 'init' && typeof ev.model === 'string') model = ev.model;
    if (ev.type === 'assistant' && isObject(ev.message) && isObject(ev.message.usage)) {
      const msg = ev.message;
      ledger.add({
        messageId: typeof msg.id === 'string' ? msg.id : null,
        requestId: null,
        sessionId: sessionId ?? '',
        timestamp: 0,
        model: typeof msg.model === 'string' ? msg.model : model,
        tokens: claudeTokens(msg.usage),
        costUSD: null,
        isSidechain: typeof ev.parent_tool_use_id === 'string',
        fast: false,
      });
    }
    if (ev.type === 'result') result = ev;
    if (ev.type === 'rate_limit_event') limitResetsAt = rejectedUntil(ev.rate_limit_info) ?? limitResetsAt;
  }
  if (!result) {
    const totals = totalsOf(ledger.entries(), pricing);
    const reported = ledger.entries().length > 0;
    return {
      sessionId,
      finished: false,
      isError: null,
      subtype: null,
      numTurns: null,
      reported,
      totals,
      denials: [],
    };
  }
  const totals = totalsOf([], pricing);
  const { cacheWrite1h: _split, ...tokens } = claudeTokens(result.usage);
  totals.tokens = tokens;
  const cost = typeof result.total_cost_usd === 'number' ? result.total_cost_usd : null;
  totals.costUsd = cost;
  totals.knownCostUsd = cost ?? 0;
  totals.requests = typeof result.num_turns === 'number' ? result.num_turns : ledger.entries().length;
  return {
    sessionId,
    finished: true,
    isError: typeof result.is_error === 'boolean' ? result.is_error : null,
    subtype: typeof result.subtype === 'string' ? result.subtype : null,
    numTurns: typeof result.num_turns === 'number' ? result.num_turns : null,
    reported: true,
    totals,
    denials: denialsOf(result),
    resultText: typeof result.result === 'string' ? result.result : null,
    limitResetsAt,
  };
}

/** Claude Code 2.1's `rate_limit_event` (subscriptions): `{status: "rejected", resetsAt: <epoch s>}`. */
function rejectedUntil(info: unknown): number | null {
  if (!isObject(info) || info.status !== 'rejected') return null;
  return typeof info.resetsAt === 'number' && info.resetsAt > 0 ? info.resetsAt * 1000 : null;
}

/**
 * Usage of a `codex exec --json` log (checked with codex-cli 0.171): each `turn.completed` carries
 * the turn's usage summed over its model calls: `input_tokens` includes `cached_input_tokens` and
 * `cache_write_input_tokens` (OpenAI style), `output_tokens` includes `reasoning_output_tokens`.
 * Older builds print `token_count` events with a running `total_token_usage`. Top-level `error`
 * events are also retry notices ("Reconnecting... 1/5"): only the last turn's outcome says whether
 * the run failed. Codex prices are not in braid's table, so the cost stays unknown (null).
 */
export function parseCodexJsonLog(text: string): HeadlessUsage {
  const turns = { input: 0, cached: 0, cacheWrite: 0, output: 0, n: 0 };
  let running: Json | null = null;
  let sessionId: string | null = null;
  let outcome: 'completed' | 'failed' | 'error' | null = null;
  for (const ev of jsonLines(text)) {
    if (ev.type === 'thread.started' && typeof ev.thread_id === 'string') sessionId = ev.thread_id;
    if (ev.type === 'session.created' && typeof ev.session_id === 'string') sessionId = ev.session_id;
    if (ev.type === 'turn.failed') outcome = 'failed';
    if (ev.type === 'error' && outcome !== 'failed') outcome = 'error';
    if (ev.type === 'turn.completed' && isObject(ev.usage)) {
      turns.input += count(ev.usage.input_tokens);
      turns.cached += count(ev.usage.cached_input_tokens);
      turns.cacheWrite += count(ev.usage.cache_write_input_tokens);
      turns.output += count(ev.usage.output_tokens);
      turns.n += 1;
      outcome = 'completed';
    }
    const payload = isObject(ev.payload) ? ev.payload : isObject(ev.msg) ? ev.msg : ev;
    if (payload.type === 'token_count' && isObject(payload.info) && isObject(payload.info.total_token_usage))
      running = payload.info.total_token_usage;
  }
  const seen = turns.n > 0 || running !== null;
  const src = turns.n > 0 ? turns : running ? tallyRunning(running) : turns;
  const totals = totalsOf([], {});
  totals.tokens = {
    input: Math.max(0, src.input - src.cached - src.cacheWrite),
    output: src.output,
    cacheCreation: src.cacheWrite,
    cacheRead: src.cached,
  };
  totals.requests = turns.n;
  totals.costUsd = null;
  totals.unpricedModels = seen ? ['codex'] : [];
  return {
    sessionId,
    finished: turns.n > 0,
    isError: outcome ? outcome !== 'completed' : seen ? false : null,
    subtype: null,
    numTurns: turns.n || null,
    reported: seen,
    totals,
    denials: [],
  };
}

function tallyRunning(u: Json) {
  return {
    input: count(u.input_tokens),
    cached: count(u.cached_input_tokens),
    cacheWrite: count(u.cache_write_input_tokens),
    output: count(u.output_tokens),
    n: 0,
  };
}
