import type { ModelPrice, PricingTable, Rates } from './pricing.js';

/**
 * The shipped price list, USD per million tokens, from Anthropic's public pricing page
 * (platform.claude.com/docs/en/about-claude/pricing, checked 2026-11). Keys are normalized model
 * names (see normalizeModel); `aliases` catch the other spellings in transcripts.
 * A config file can override or extend it (loadPricing).
 */

const rates = (input: number, output: number, cacheRead: number): Rates => ({
  input,
  output,
  // Standard prompt-caching multipliers: 5-minute writes 1.25x input, 1-hour writes 2x input.
  cacheWrite5m: input * 1.25,
  cacheWrite1h: input * 2,
  cacheRead,
});

const price = (base: Rates, aliases: string[] = [], longContext?: ModelPrice['longContext']): ModelPrice => ({
  ...base,
  aliases,
  ...(longContext ? { longContext } : {}),
});

/** Sonnet 4 and 4.5 with the 1M-context beta: a prompt over 200k bills the whole request at these rates. */
const sonnet4LongContext = { thresholdTokens: 200_000, ...rates(6, 22.5, 0.6) };

/** Haiku 5.5 bills a prompt over 100k tokens (input + cache reads + writes) at 5x, output included. */
const haiku55LongPrompt = { thresholdTokens: 100_000, ...rates(0.5, 2.5, 0.05) };

export const DEFAULT_PRICING: PricingTable = {
  'claude-fable-5-1': price(rates(10, 50, 0.25)),
  'claude-mythos-5-1': price(rates(10, 50, 0.25)),
  'claude-fable-5': price(rates(10, 50, 1)),
  'claude-mythos-5': price(rates(10, 50, 1)),
  'claude-opus-5-5': price(rates(4, 20, 0.2)),
  'claude-opus-5': price(rates(5, 25, 0.5)),
  'claude-opus-4-8': price(rates(5, 25, 0.5)),
  'claude-opus-4-7': price(rates(5, 25, 0.5)),
  'claude-opus-4-6': price(rates(5, 25, 0.5)),
  'claude-opus-4-5': price(rates(5, 25, 0.5)),
  'claude-opus-4-1': price(rates(15, 75, 1.5)),
  'claude-opus-4': price(rates(15, 75, 1.5), ['claude-opus-4-0', 'claude-4-opus']),
  'claude-3-opus': price(rates(15, 75, 1.5), ['claude-opus-3']),
  // Sonnet 5.5 cache reads dropped from $0.20 to $0.10 on 2026-10-07; the current rate is shipped.
  'claude-sonnet-5-5': price(rates(2, 10, 0.1)),
  'claude-sonnet-5': price(rates(2, 10, 0.2)),
  'claude-sonnet-4-6': price(rates(3, 15, 0.3)),
  'claude-sonnet-4-5': price(rates(3, 15, 0.3), [], sonnet4LongContext),
  'claude-sonnet-4': price(rates(3, 15, 0.3), ['claude-sonnet-4-0', 'claude-4-sonnet'], sonnet4LongContext),
  'claude-3-7-sonnet': price(rates(3, 15, 0.3), ['claude-sonnet-3-7']),
  'claude-3-5-sonnet': price(rates(3, 15, 0.3), ['claude-sonnet-3-5']),
  'claude-haiku-5-5': price(rates(0.1, 0.5, 0.01), [], haiku55LongPrompt),
  'claude-haiku-4-5': price(rates(1, 5, 0.1)),
  'claude-3-5-haiku': price(rates(0.8, 4, 0.08), ['claude-haiku-3-5']),
  // Haiku 3 is the one model whose cache writes are not 1.25x / 2x input.
  'claude-3-haiku': price(
    { input: 0.25, output: 1.25, cacheWrite5m: 0.3, cacheWrite1h: 0.5, cacheRead: 0.03 },
    ['claude-haiku-3'],
  ),
};

/** The shipped table with overrides on top (an override replaces the whole entry of its model). */
export function mergePricing(...tables: PricingTable[]): PricingTable {
  return Object.assign({}, DEFAULT_PRICING, ...tables);
}
