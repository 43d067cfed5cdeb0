import type { Command } from 'commander';
import { formatBytes, table } from '../../core/format.js';
import { measureTaskDisks } from '../../isolate/workspace/disk.js';
import { projectPricing } from '../../project/pricing.js';
import { withProject } from '../../project/project.js';
import { taskCgroupUsage } from '../../run/session/confine.js';
import { diskUses } from '../../store/disk.js';
import { listTasks } from '../../store/tasks.js';
import {
  collectStats,
  type GroupStats,
  type StatsReport,
  type TaskStats,
} from '../../watch/monitor/stats-report.js';
import { dim, printJson, red, yellow } from '../output.js';

export function register(program: Command): void {
  program
    .command('stats')
    .description('Tokens, cost, memory and CPU per task, per run, per day and in total')
    .option('--json', 'print one JSON document: {"tasks":[…],"runs":[…],"days":[…],"total":{…}}')
    .option('--fresh', "measure each task's disk use now instead of showing the supervisor's last figure")
    .addHelpText(
      'after',
      [
        '',
        "Tokens and cost come from the agents' own records (Claude Code transcripts, headless",
        'logs); they match `ccusage` on the same files. A cost shown as "?" is unknown: the model',
        'has no price in braid\'s table. "≥$x" means part of it is unknown. RAM and CPU cover the',
        'whole process tree of each running session.',
      ].join('\n'),
    )
    .action(async (opts: { json?: boolean; fresh?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        const tasks = listTasks(project.store);
        const report = await collectStats(tasks, {
          budget: project.config.budget,
          pricing: projectPricing(project),
        });
        // A task's cgroup counts what its process tree misses (daemons started with setsid).
        for (const t of report.tasks) {
          const task = tasks.find((x) => x.name === t.name);
          const cg = task ? await taskCgroupUsage(task).catch(() => null) : null;
          if (cg)
            Object.assign(t, {
              rssBytes: cg.memoryBytes ?? t.rssBytes,
              cpuPercent: cg.cpuPercent ?? t.cpuPercent,
            });
        }
        // Disk use: the supervisor's last figure per task (or measured now), and their sum.
        if (opts.fresh) await measureTaskDisks(project.store, tasks);
        const disk = diskUses(project.store);
        for (const t of report.tasks) Object.assign(t, { diskBytes: disk.get(t.name)?.bytes ?? null });
        const diskTotal = [...disk.entries()]
          .filter(([name]) => tasks.some((x) => x.name === name))
          .reduce((sum, [, d]) => sum + d.bytes, 0);
        Object.assign(report.total, { diskBytes: diskTotal });
        if (opts.json) printJson(report);
        else process.stdout.write(`${render(report)}\n`);
      });
    });
}

function tokens(n: number | null): string {
  if (n === null) return '-';
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

function cost(known: number | null, exact: number | null): string {
  if (known === null) return '-';
  if (exact !== null) return `$${exact.toFixed(2)}`;
  return known > 0 ? `≥$${known.toFixed(2)}` : '?';
}

const cpu = (c: number | null) => (c === null ? '-' : `${c.toFixed(0)}%`);

function budgetNote(t: TaskStats): string {
  if (t.budget.level === 'exceeded') return red(`over budget: ${t.budget.reason}`);
  if (t.budget.level === 'warn') return yellow(t.budget.reason);
  return '';
}

function groupRow(label: string, g: GroupStats): string[] {
  return [label, tokens(g.totalTokens), cost(g.knownCostUsd, g.costUsd)];
}

function render(r: StatsReport): string {
  if (r.tasks.length === 0) return 'No tasks yet. Start one with: braid new <name> -p "what to do"';
  const out: string[] = [];
  out.push(
    table(
      ['TASK', 'STATUS', 'TOKENS', 'COST', 'RSS', 'CPU', 'DISK', ''],
      r.tasks.map((t) => [
        t.name,
        t.status,
        tokens(t.totalTokens),
        cost(t.knownCostUsd, t.costUsd),
        formatBytes(t.rssBytes),
        cpu(t.cpuPercent),
        formatBytes((t as { diskBytes?: number | null }).diskBytes),
        budgetNote(t),
      ]),
    ),
  );
  if (r.runs.length > 0)
    out.push(
      '',
      table(
        ['RUN', 'TOKENS', 'COST'],
        r.runs.map((g) => groupRow(g.runId, g)),
      ),
    );
  if (r.days.length > 0)
    out.push(
      '',
      table(
        ['DAY', 'TOKENS', 'COST'],
        r.days.map((g) => groupRow(g.date, g)),
      ),
    );
  const t = r.total;
  out.push(
    '',
    `total: ${tokens(t.totalTokens)} tokens, ${cost(t.knownCostUsd, t.costUsd)}, ` +
      `${formatBytes(t.rssBytes)} RAM, ${cpu(t.cpuPercent)} CPU`,
  );
  if (t.unpricedModels.length > 0) out.push(dim(`no price for: ${t.unpricedModels.join(', ')}`));
  if (t.tasksWithoutUsage.length > 0)
    out.push(dim(`no usage reported by: ${t.tasksWithoutUsage.join(', ')}`));
  return out.join('\n');
}
