/** `braid ui`: the terminal dashboard. */
import type { Command } from 'commander';
import { withProject } from '../../project/project.js';
import { runDashboard } from '../../tui/run.js';

export function register(program: Command): void {
  program
    .command('ui')
    .description(
      'Terminal dashboard: live tasks (status, ports, RAM, tokens, cost, radar) and the queue; keys to attach, send, diff, land, stop, remove and create tasks',
    )
    .option('--refresh <ms>', 'how often to re-read the store, in milliseconds', '1000')
    .action(async (opts: { refresh: string }) => {
      const refreshMs = Math.max(200, Number(opts.refresh) || 1000);
      await withProject(process.cwd(), (project) => runDashboard(project, { refreshMs }));
    });
}
