import { statSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The e2e files that take longest, slowest first (median of full runs on the 2-core machine,
 * docs/benchmarks.md "The test suite"). Started first, they run beside the many short files instead of
 * ending the run alone. A file missing here sorts after them, bigger files first; unit files go last.
 */
const SLOWEST_FIRST = [
  'land-handback',
  'land-real-gate',
  'radar',
  'cli-recovery',
  'session-cli',
  'real-claude-jest-run',
  'permissions-cli',
  'fake-claude',
  'demo',
  'supervisor',
  'plan-run',
  'real-claude-usage',
  'container-backend',
  'cli-workspace',
  'note',
  'fleet-limits',
  'web-dashboard',
  'isolation-cli',
  'tui',
  'real-claude-headless',
  'real-claude-plan',
  'hook',
  'land-cli',
];

/** Orders test files for a fresh machine too, where vitest has no durations of earlier runs to go by. */
export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const key = (spec: TestSpecification) => {
      const unit = spec.project.name === 'unit' ? 1 : 0;
      const rank = unit ? -1 : SLOWEST_FIRST.indexOf(baseName(spec.moduleId));
      return { unit, rank: rank === -1 ? SLOWEST_FIRST.length : rank, size: sizeOf(spec.moduleId) };
    };
    const keyed = files.map((spec) => ({ spec, ...key(spec) }));
    keyed.sort((a, b) => a.unit - b.unit || a.rank - b.rank || b.size - a.size);
    return keyed.map((k) => k.spec);
  }
}

function baseName(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.test\.ts$/, '');
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
