import type { Command } from 'commander';
import type { Capabilities } from '../../isolate/sandbox/capabilities.js';
import { type DoctorCheck, doctorFailed, runDoctor } from '../../orchestrate/doctor/doctor.js';
import { dim, green, printJson, red, yellow } from '../output.js';

function mark(c: DoctorCheck): string {
  if (c.ok) return green('ok  ');
  return c.required ? red('FAIL') : yellow('warn');
}

function render(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks
    .map((c) => {
      const line = `${mark(c)} ${c.name.padEnd(width)}  ${c.detail}`;
      return c.hint ? `${line}\n     ${' '.repeat(width)}  ${dim(`fix: ${c.hint}`)}` : line;
    })
    .join('\n');
}

/** `probeSandbox` defaults to detectCapabilities, the detection the sandbox and limits use. */
export function registerDoctor(program: Command, probeSandbox?: () => Promise<Capabilities>): void {
  program
    .command('doctor')
    .description(
      'check the environment: git ≥ 2.38, tmux, sandboxing, agents, free ports, braid.yaml, the state store',
    )
    .option('--json', 'print {checks:[{name, ok, required, detail, hint}]}')
    .addHelpText(
      'after',
      '\nExit code: 0 when every required check passes (optional ones only warn), else 1.',
    )
    .action(async (opts: { json?: boolean }) => {
      const checks = await runDoctor({ cwd: process.cwd(), probeSandbox });
      if (opts.json) printJson({ checks });
      else process.stdout.write(`${render(checks)}\n`);
      process.exitCode = doctorFailed(checks) ? 1 : 0;
    });
}
