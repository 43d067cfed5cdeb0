import type { Command } from 'commander';
import { table } from '../../core/format.js';
import { type QueueHealth, queueHealth } from '../../core/queue-health.js';
import { ACTIVE_QUEUE_STATES } from '../../core/queue-plan.js';
import { batchSize } from '../../land/land.js';
import { queueLockHolder } from '../../land/queue-lock.js';
import { withProject } from '../../project/project.js';
import { gateRunCounts } from '../../store/gate-history.js';
import { listQueue } from '../../store/queue.js';
import { printJson } from '../output.js';

/** How many finished entries the listing keeps beside the active ones. */
const RECENT = 20;

export function registerQueue(program: Command): void {
  program
    .command('queue')
    .description('Show the merge queue: entries waiting or being landed, and the most recent outcomes')
    .option('--json', 'print {"entries":[…],"holder":…,"health":{…}} on stdout')
    .action(async (opts: { json?: boolean }) => {
      await withProject(process.cwd(), async (p) => {
        const all = listQueue(p.store);
        const active = all.filter((e) => ACTIVE_QUEUE_STATES.includes(e.state));
        const done = all.filter((e) => !ACTIVE_QUEUE_STATES.includes(e.state)).slice(-RECENT);
        const entries = [...done, ...active].sort((a, b) => a.id - b.id);
        const holder = queueLockHolder(p.store);
        const health = queueHealth(all, gateRunCounts(p.store), batchSize(p));
        if (opts.json) {
          printJson({ entries, holder, health });
          return;
        }
        if (entries.length === 0) {
          process.stdout.write('the queue is empty\n');
          return;
        }
        const rows = entries.map((e) => [
          String(e.id),
          e.task,
          e.state,
          e.candidate?.slice(0, 10) ?? '-',
          e.reason ?? (e.conflictFiles.length ? e.conflictFiles.join(', ') : ''),
        ]);
        process.stdout.write(`${table(['ID', 'TASK', 'STATE', 'CANDIDATE', 'NOTE'], rows)}\n`);
        if (holder) process.stdout.write(`being processed by pid ${holder.pid} (${holder.holder})\n`);
        process.stdout.write(`${healthLine(health)}\n`);
      });
    });
}

/** One line of queue health under the listing. */
function healthLine(h: QueueHealth): string {
  const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);
  const pct = (r: number | null) => (r === null ? '-' : `${Math.round(r * 100)} %`);
  return [
    `depth ${h.depth}`,
    `next batch ${h.batchSize}`,
    `${h.gateRunsPerLanded ?? '-'} gate runs per landed change`,
    `wait p50 ${secs(h.waitP50Ms)}, p95 ${secs(h.waitP95Ms)}`,
    `red ${pct(h.failureRate)}, flaky ${pct(h.flakeRate)}`,
  ].join(' · ');
}
