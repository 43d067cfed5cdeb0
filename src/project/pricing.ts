import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BraidError } from '../core/errors.js';
import type { PricingTable } from '../core/pricing.js';
import { parsePricingOverride } from '../core/pricing-override.js';
import { mergePricing } from '../core/pricing-table.js';
import type { Project } from './project.js';

/** The project's price table: the shipped one, with `pricing:` (or BRAID_PRICING) merged on top. */
export function projectPricing(project: Project, env: NodeJS.ProcessEnv = process.env): PricingTable {
  return pricingFor(project.repo.root, project.config.pricing, env);
}

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

/** Where the price override comes from: BRAID_PRICING wins over `pricing:` in braid.yaml; both resolve against the repo root. */
function pricingFilePath(
  repoRoot: string,
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  const chosen = env.BRAID_PRICING || configured;
  return chosen ? path.resolve(repoRoot, chosen) : null;
}

const loaded = new Map<string, { mtimeMs: number; table: PricingTable }>();

/** The price table a repository uses, re-read only when its override file changes. */
function pricingFor(
  repoRoot: string,
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PricingTable {
  const file = pricingFilePath(repoRoot, configured, env);
  if (!file) return mergePricing();
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    // loadPricing reports the missing file with its hint
  }
  const hit = loaded.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.table;
  const table = loadPricing(file);
  loaded.set(file, { mtimeMs, table });
  return table;
}
