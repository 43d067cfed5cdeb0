import type { TokenCounts } from './task.js';

/** USD per million tokens. */
export interface Rates {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface ModelPrice extends Rates {
  /** Other spellings of the model name, already normalized. */
  aliases?: string[];
  /** Above this many prompt tokens (input + cache reads + writes) the whole request bills at these rates. */
  longContext?: Rates & { thresholdTokens: number };
}

export type PricingTable = Record<string, ModelPrice>;

/** Tokens of one request; `cacheWrite1h` is the part of cacheCreation written with the 1-hour TTL. */
export interface BilledTokens extends TokenCounts {
  cacheWrite1h?: number;
}

/**
 * Folds the spellings seen in transcripts and cloud consoles onto one key:
 * `claude-sonnet-4-5-20250929`, `us.anthropic.claude-sonnet-4-5-20250929-v1:0`,
 * `claude-opus-4-6[1m]`, `claude-opus-4@20250514` and `anthropic/claude-3-5-haiku-latest`.
 */
export function normalizeModel(model: string): string {
  let m = model.trim().toLowerCase();
  m = m.replace(/^[a-z]+\/(?=claude)/, ''); // anthropic/…, openrouter-style prefixes
  m = m.replace(/^(?:[a-z]+\.)?anthropic\./, ''); // Bedrock: anthropic.… or us.anthropic.…
  m = m.replace(/\[[^\]]*\]$/, ''); // [1m] context suffix
  m = m.replace(/-v\d+(?::\d+)?$/, ''); // Bedrock version suffix
  m = m.replace(/[@-]\d{8}$/, ''); // release date
  m = m.replace(/-latest$/, '');
  return m;
}

/** The price of a model, or null when the table does not know it (cost is then unknown, never 0). */
export function findPrice(table: PricingTable, model: string | null | undefined): ModelPrice | null {
  if (!model) return null;
  const key = normalizeModel(model);
  if (table[key]) return table[key];
  for (const price of Object.values(table)) if (price.aliases?.includes(key)) return price;
  return null;
}

/** Cost in USD of one request, with Anthropic's whole-request long-context rule. */
export function costOf(tokens: BilledTokens, price: ModelPrice): number {
  const prompt = tokens.input + tokens.cacheCreation + tokens.cacheRead;
  const long = price.longContext && prompt > price.longContext.thresholdTokens;
  const r: Rates = long ? price.longContext! : price;
  const write1h = Math.min(tokens.cacheWrite1h ?? 0, tokens.cacheCreation);
  const write5m = tokens.cacheCreation - write1h;
  return (
    (tokens.input * r.input +
      tokens.output * r.output +
      write5m * r.cacheWrite5m +
      write1h * r.cacheWrite1h +
      tokens.cacheRead * r.cacheRead) /
    1_000_000
  );
}
