import type { Command } from 'commander';
import { table } from '../../core/format.js';
import { ACTIVE_QUEUE_STATES } from '../../core/queue-plan.js';
import { queueLockHolder } from '../../land/queue-lock.js';
import { withProject } from '../../project/project.js';
import { listQueue } from '../../store/queue.js';
import { healthLine, queueHealthView } from '../../view/queue-view.js';
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
        const health = queueHealthView(p);
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
