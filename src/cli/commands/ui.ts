/** `braid ui`: the terminal dashboard. */
import type { Command } from 'commander';
import { withProject } from '../../project/project.js';

export function register(program: Command): void {
  program
    .command('ui')
    .description(
      'Terminal dashboard: live tasks (status, ports, RAM, tokens, cost, radar) and the queue; keys to attach, send, diff, land, stop, remove and create tasks',
    )
    .option('--refresh <ms>', 'how often to re-read the store, in milliseconds', '1000')
    .action(async (opts: { refresh: string }) => {
      const refreshMs = Math.max(200, Number(opts.refresh) || 1000);
      // ink draws only a final frame when CI is set; a dashboard on a real terminal must draw live.
      if (process.stdout.isTTY) for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[key];
      // Loaded here, not at start-up: every other command (hooks above all) stays free of ink and react.
      const { runDashboard } = await import('../../tui/run.js');
      await withProject(process.cwd(), (project) => runDashboard(project, { refreshMs }));
    });
}
