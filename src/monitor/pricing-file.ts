import { readFileSync } from 'node:fs';
import { BraidError } from '../core/errors.js';
import { mergePricing, type PricingTable, parsePricingOverride } from '../core/pricing.js';

/** The shipped price table, with a JSON override file merged on top when one is given. */
export function loadPricing(overridePath?: string | null): PricingTable {
  if (!overridePath) return mergePricing();
  let text: string;
  try {
    text = readFileSync(overridePath, 'utf8');
  } catch (err) {
    throw new BraidError(
      'E_CONFIG',
      `cannot read pricing file ${overridePath}: ${(err as Error).message}`,
      'Point the pricing setting at an existing JSON file, or remove it to use the shipped prices.',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BraidError(
      'E_CONFIG',
      `${overridePath} is not valid JSON: ${(err as Error).message}`,
      'Fix the JSON syntax.',
    );
  }
  return mergePricing(parsePricingOverride(raw, overridePath));
}
