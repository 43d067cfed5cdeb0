import type { PricingTable } from '../core/pricing.js';
import { pricingFor } from '../watch/monitor/pricing-file.js';
import type { Project } from './project.js';

/** The project's price table: the shipped one, with `pricing:` (or BRAID_PRICING) merged on top. */
export function projectPricing(project: Project, env: NodeJS.ProcessEnv = process.env): PricingTable {
  return pricingFor(project.repo.root, project.config.pricing, env);
}
