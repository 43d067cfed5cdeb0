import type { Command } from 'commander';
import { raiseBudget } from '../../orchestrate/budget-raise.js';
import { ensureSupervisor } from '../../orchestrate/supervisor/control.js';
import { withProject } from '../../project/project.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('budget')
    .description("Set a task's dollar limit; a task paused for its budget resumes in the same conversation")
    .argument('<task>', 'the task')
    .argument('<usd>', 'the new limit in dollars (task_usd)')
    .option('--json', 'print {"name","budget","resumed"}')
    .action(async (name: string, usd: string, opts: { json?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        const res = await raiseBudget(project, name, Number(usd));
        // The supervisor watches the new limit.
        if (res.resumed) await ensureSupervisor(project);
        if (opts.json) return printJson(res);
        process.stdout.write(
          `${name}: budget $${Number(usd).toFixed(2)}${res.resumed ? ', resumed in the same conversation' : ''}\n`,
        );
      });
    });
}
