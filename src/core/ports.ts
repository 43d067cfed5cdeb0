/** Port blocks: pure arithmetic over the configured range; the workspace layer checks and leases them. */

export interface PortPlan {
  names: string[];
  range: [number, number];
  block: number;
}

/** Start ports of every whole block that fits in the range, in order. */
function blockStarts(plan: PortPlan): number[] {
  const starts: number[] = [];
  for (let p = plan.range[0]; p + plan.block - 1 <= plan.range[1]; p += plan.block) starts.push(p);
  return starts;
}

/** Blocks none of whose ports is leased, first free first, so tasks get stable low numbers. */
export function freeBlocks(plan: PortPlan, leased: ReadonlySet<number>): number[] {
  return blockStarts(plan).filter((start) => {
    for (let p = start; p < start + plan.block; p++) if (leased.has(p)) return false;
    return true;
  });
}

/** Names the first ports of a block after the configured variables (`PORT` first). */
export function namePorts(plan: PortPlan, start: number): { port: number; name: string | null }[] {
  return Array.from({ length: plan.block }, (_, i) => ({ port: start + i, name: plan.names[i] ?? null }));
}
