import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import type { LandReport } from '../../land/report.js';
import { landTaskNames } from '../../orchestrate/actions.js';
import { withProject } from '../../project/project.js';
import { printJson, progress } from '../output.js';

export function registerLand(program: Command): void {
  program
    .command('land')
    .description(
      'Enqueue tasks and process the merge queue: build each candidate in memory, run the gate on it, move main by compare-and-swap',
    )
    .argument('[names...]', 'tasks to land, in this order (none: just process what is queued)')
    .option('--all', 'enqueue every task that is idle, waiting or exited')
    .option('--json', 'print {"landed":[…],"rejected":[…],"handedBack":[…]} on stdout')
    .action(async (names: string[], opts: { all?: boolean; json?: boolean }) => {
      const report = await withProject(process.cwd(), (p) =>
        landTaskNames(p, names, { all: opts.all, onProgress: progress }),
      );
      if (opts.json) printJson(report);
      else printHuman(report);
      // Handed back is not landed yet: scripts see the same exit code as for a conflict.
      if (report.rejected.length + report.handedBack.length > 0) process.exitCode = EXIT.conflict;
    });
}

function printHuman(report: LandReport): void {
  for (const l of report.landed)
    process.stdout.write(`landed   ${l.name}  ${l.commit?.slice(0, 12) ?? ''}\n`);
  for (const r of report.rejected) {
    process.stdout.write(`not landed  ${r.name}: ${r.reason}\n`);
    if (r.conflictFiles.length) process.stdout.write(`  conflicted files: ${r.conflictFiles.join(', ')}\n`);
  }
  for (const h of report.handedBack)
    process.stdout.write(
      `handed back  ${h.name}: its agent resolves ${h.conflictFiles.join(', ')}; re-queued when it commits\n`,
    );
  if (report.landed.length + report.rejected.length + report.handedBack.length === 0)
    process.stdout.write('nothing to land\n');
}
