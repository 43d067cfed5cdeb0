/** `braid radar`: which live tasks would conflict with each other or with the base branch. */
import type { Command } from 'commander';
import { table } from '../../core/format.js';
import { formatRanges, type PairFinding } from '../../core/radar-messages.js';
import { withProject } from '../../project/project.js';
import { type RadarReport, scanRadar } from '../../watch/radar/scan.js';
import { bold, dim, printJson } from '../output.js';

const SYMBOL = { textual: 'X', migration: 'M', overlap: '~' } as const;
const STRENGTH = { textual: 3, migration: 2, overlap: 1 } as const;

/** The strongest finding between two sides, as one matrix cell. */
function cell(findings: PairFinding[], x: string, y: string): string {
  if (x === y) return '-';
  let best: PairFinding | null = null;
  for (const f of findings) {
    const match = (f.a === x && f.b === y) || (f.a === y && f.b === x);
    if (match && (!best || STRENGTH[f.kind] > STRENGTH[best.kind])) best = f;
  }
  if (!best) return '.';
  // Plain symbols: escape codes would break the table's column widths.
  return SYMBOL[best.kind];
}

function describe(f: PairFinding): string {
  if (f.kind === 'migration') {
    const list = (f.collisions ?? []).map((c) => `${c.a} vs ${c.b} (number ${c.number})`).join('; ');
    return `${f.a} × ${f.b}  migration  ${list}`;
  }
  const files = f.files
    .map((file) => {
      const l = f.lines?.[file];
      const a = l?.a.length ? ` ${f.a}:${formatRanges(l.a)}` : '';
      const b = l?.b.length ? ` ${f.b}:${formatRanges(l.b)}` : '';
      return `${file}${a || b ? dim(` [${`${a}${b}`.trim()}]`) : ''}`;
    })
    .join(', ');
  return `${f.a} × ${f.b}  ${f.kind}  ${files}`;
}

function renderRadar(report: RadarReport): string {
  if (!report.tasks.length) return 'No live tasks: nothing to compare.';
  const cols = [...report.tasks, report.base];
  const findings = [...report.pairs, ...report.vsMain];
  const rows = report.tasks.map((t) => [t, ...cols.map((c) => cell(findings, t, c))]);
  const out = [
    table(['', ...cols], rows),
    dim(
      'X textual conflict   M migration number collision   ~ same files, merges cleanly   . no overlap (independent)   - the task itself',
    ),
  ];
  if (findings.length) {
    out.push('', bold('Findings'));
    for (const f of findings) out.push(`  ${describe(f)}`);
  } else {
    out.push('', 'No conflicts or overlaps between live tasks.');
  }
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('radar')
    .description(
      'Show which live tasks would conflict (textually, by touching the same files, or by migration numbers)',
    )
    .option(
      '--task <name>',
      're-snapshot only this task and recompute only its pairs (what agent hooks call)',
    )
    .option('--json', 'print {"pairs":[{"a","b","files","kind","lines"}],"vsMain":[...]} on stdout')
    .action(async (opts: { task?: string; json?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        const report = await scanRadar(project, { tasks: opts.task ? [opts.task] : undefined });
        if (opts.json)
          printJson({ base: report.base, tasks: report.tasks, pairs: report.pairs, vsMain: report.vsMain });
        else process.stdout.write(`${renderRadar(report)}\n`);
      });
    });
}
