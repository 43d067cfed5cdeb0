/** A bet's alternative candidate: the window without a suspect and its lane, built and gated in a slot of its own. */
import { unitGraph } from '../core/queue-graph.js';
import { assignLanes } from '../core/queue-lanes.js';
import { buildCandidate } from '../git/candidate.js';
import { filesChangedEach } from '../git/changed-files.js';
import { readManifests } from '../git/manifests.js';
import type { Chain } from './batch-chain.js';
import type { LandContext } from './context.js';
import { runGate } from './gate.js';
import { gateSettings, migrationClash } from './land-entry.js';
import { scratchDir } from './scratch.js';

/**
 * An alternative candidate: main plus the first `lo` members, then `members` (indices, in order) built
 * on it, leaving out member `suspect` and the rest of its lane; `commits` and `trees` as built.
 */
export interface Alternative {
  lo: number;
  suspect: number;
  members: number[];
  commits: string[];
  trees: string[];
  runs: boolean[];
}

/**
 * Each member's lane, from the files its candidate changes on the one before it (one git process) and
 * main's package workspace and TypeScript project graph (two more).
 */
export async function lanesOf(ctx: LandContext, chain: Chain): Promise<number[]> {
  const pairs = chain.members.map(
    (m, i) => [m.commit, i === 0 ? chain.main : chain.members[i - 1].commit] as const,
  );
  // Unreadable: every change in one lane (no bet), or lanes by files alone; never a failed landing.
  const [files, manifests] = await Promise.all([
    filesChangedEach(ctx.repo.root, pairs).catch(() => pairs.map(() => null)),
    readManifests(ctx.repo.root, chain.main).catch(() => []),
  ]);
  return assignLanes(files, unitGraph(manifests));
}

/**
 * Builds the alternative (main plus the first `lo` members, then `members` on it) and gates its top in
 * slot `slot`. A member that does not build cleanly on it gives no alternative (no run).
 */
export async function gateAlternative(
  ctx: LandContext,
  chain: Chain,
  bet: { lo: number; suspect: number; members: number[] },
  batch: number,
  slot: number,
): Promise<{ alt: Alternative } | null> {
  const { members } = chain;
  const cwd = ctx.repo.root;
  let on = bet.lo === 0 ? chain.main : members[bet.lo - 1].commit;
  let onTree = bet.lo === 0 ? chain.mainTree : members[bet.lo - 1].tree;
  const { identityEnv, writeCommit } = chain;
  const alt: Alternative = { ...bet, commits: [], trees: [], runs: [] };
  for (const i of bet.members) {
    const m = members[i];
    if (await migrationClash(ctx, on, m.tip)) return null;
    const cand = await buildCandidate({
      cwd,
      main: on,
      tip: m.tip,
      strategy: ctx.config.land.strategy,
      message: m.message,
      mainTree: onTree,
      identityEnv,
      writeCommit,
    });
    if (!cand.ok || cand.empty) return null;
    alt.commits.push(cand.commit);
    alt.trees.push(cand.tree);
    on = cand.commit;
    onTree = cand.tree;
  }
  const last = members[bet.members[bet.members.length - 1]];
  const without = members.filter((_, i) => i >= bet.lo && !bet.members.includes(i)).map((m) => m.task.name);
  ctx.onProgress?.(
    `batch: gating the first ${bet.lo} and ${bet.members.length} more without ${without.join(', ')} (alternative, slot ${slot}) ${on.slice(0, 8)}`,
  );
  const settings = { ...gateSettings(ctx), slot, scratch: scratchDir(ctx.repo, ctx.config.worktrees, slot) };
  const at = { batch, prefix: bet.lo + bet.members.length, slot, without };
  const run = await runGate(settings, last.task.name, on, 'candidate', at, onTree);
  alt.runs.push(run.passed);
  return { alt };
}
