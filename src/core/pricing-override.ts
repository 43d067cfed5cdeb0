/** A pricing override file's schema (zod): loaded only where an override is read, not by every command. */
import { z } from 'zod';
import { BraidError } from './errors.js';
import { normalizeModel, type PricingTable, type Rates } from './pricing.js';

const usd = z.number().nonnegative();
const overrideRates = z.object({
  input: usd,
  output: usd,
  cacheWrite5m: usd.optional(),
  cacheWrite1h: usd.optional(),
  cacheRead: usd.optional(),
});
const overrideEntry = overrideRates
  .extend({
    aliases: z.array(z.string().min(1)).optional(),
    longContext: overrideRates.extend({ thresholdTokens: z.number().int().positive() }).strict().optional(),
  })
  .strict();
const overrideSchema = z.record(z.string().min(1), overrideEntry);

type OverrideRates = z.infer<typeof overrideRates>;

/** Missing cache rates follow the standard multipliers (writes 1.25x / 2x input, reads 0.1x). */
function fillRates(r: OverrideRates): Rates {
  return {
    input: r.input,
    output: r.output,
    cacheWrite5m: r.cacheWrite5m ?? r.input * 1.25,
    cacheWrite1h: r.cacheWrite1h ?? r.input * 2,
    cacheRead: r.cacheRead ?? r.input * 0.1,
  };
}

/** Validates a pricing override document: `{ "<model>": { input, output, cacheRead?, … } }`. */
export function parsePricingOverride(raw: unknown, source: string): PricingTable {
  const res = overrideSchema.safeParse(raw);
  if (!res.success) {
    const lines = res.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new BraidError(
      'E_CONFIG',
      `${source} is not a valid pricing file:\n  ${lines.join('\n  ')}`,
      'Give USD per million tokens, e.g. {"my-model": {"input": 3, "output": 15}}.',
    );
  }
  const table: PricingTable = {};
  for (const [model, entry] of Object.entries(res.data)) {
    table[normalizeModel(model)] = {
      ...fillRates(entry),
      aliases: entry.aliases?.map(normalizeModel),
      ...(entry.longContext
        ? {
            longContext: {
              thresholdTokens: entry.longContext.thresholdTokens,
              ...fillRates(entry.longContext),
            },
          }
        : {}),
    };
  }
  return table;
}
