import type { Command } from 'commander';
import { BraidError } from '../../core/errors.js';
import { formatDuration, table } from '../../core/format.js';
import type { ServiceVia } from '../../core/login-service.js';
import { installLoginService, uninstallLoginService } from '../../orchestrate/login-service.js';
import { type ReviveReport, revivedSince, reviveLostSessions } from '../../orchestrate/revive.js';
import {
  type SupervisorStatus,
  startSupervisor,
  stopSupervisor,
  supervisorStatus,
} from '../../orchestrate/supervisor/control.js';
import { timingsFromEnv } from '../../orchestrate/supervisor/options.js';
import { runSupervisor } from '../../orchestrate/supervisor/supervisor.js';
import { type Project, withProject } from '../../project/project.js';
import { dim, printJson, progress } from '../output.js';

function render(status: SupervisorStatus, note: string): string {
  if (!status.running) return 'supervisor: not running\n';
  const rows = status.loops.map((l) => [
    l.name,
    formatDuration(l.intervalMs),
    String(l.runs),
    l.lastRunAt ? `${formatDuration(Date.now() - l.lastRunAt)} ago` : '-',
    l.lastError ?? '',
  ]);
  const head = `supervisor: ${note} (pid ${status.pid})\n`;
  return rows.length ? `${head}${table(['LOOP', 'EVERY', 'RUNS', 'LAST', 'ERROR'], rows)}\n` : head;
}

interface UpOptions {
  foreground?: boolean;
  json?: boolean;
  install?: boolean;
  uninstall?: boolean;
  via?: string;
}

/** Waits for the new supervisor's first reconcile pass (the one that revives), then reads what it did. */
async function afterFirstPass(project: Project, since: number): Promise<ReviveReport> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = supervisorStatus(project);
    const reconcile = status.loops.find((l) => l.name === 'reconcile');
    if (!status.running || (reconcile && reconcile.runs > 0) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // A late hook of a dead session can flip it back to working during that pass, which then skips it:
  // one more pass from here (claims keep every session started once), reported with the supervisor's.
  await reviveLostSessions(project).catch(() => null);
  return revivedSince(project, since);
}

function renderRevive(report: ReviveReport): string {
  const lines = report.revived.map(
    (r) =>
      `revived ${r.name} (${r.runtime}, ${r.agentSessionId ? `resumed ${r.agentSessionId}` : 'started afresh'})\n`,
  );
  for (const r of report.reattached)
    lines.push(`re-attached ${r.name} to its running pod${r.pod ? ` ${r.pod}` : ''} (keeper pid ${r.pid})\n`);
  for (const f of report.failed) lines.push(`could not revive ${f.name}: ${f.reason}\n`);
  return lines.join('');
}

async function loginService(project: Project, opts: UpOptions): Promise<void> {
  if (opts.install && opts.uninstall)
    throw new BraidError('E_USAGE', 'give --install or --uninstall, not both');
  if (opts.via !== undefined && opts.via !== 'systemd' && opts.via !== 'login-file')
    throw new BraidError('E_USAGE', `unknown --via '${opts.via}'`, 'Use --via systemd or --via login-file.');
  if (opts.uninstall) {
    const res = await uninstallLoginService(project);
    if (opts.json) return printJson({ uninstalled: res.removed !== null, ...res });
    if (res.removed) process.stdout.write(`removed ${res.removed}\n`);
    else
      process.stdout.write(
        `no unit installed; remove braid's lines from ${res.loginFile} if you added them\n`,
      );
    if (res.note) progress(dim(res.note));
    return;
  }
  const res = await installLoginService(project, opts.via as ServiceVia | undefined);
  if (opts.json) return printJson({ installed: true, ...res });
  if (res.via === 'systemd') process.stdout.write(`wrote ${res.path}${res.enabled ? ' (enabled)' : ''}\n`);
  else process.stdout.write(`add these lines to ${res.path}:\n\n${res.lines.join('\n')}\n`);
  if (res.note) progress(dim(res.note));
}

export function register(program: Command): void {
  program
    .command('up')
    .description(
      "Bring back sessions lost in a reboot (resumed by their agent's session id), then start this repository's supervisor unless it runs",
    )
    .option('--foreground', 'run it in this terminal until Ctrl-C or until no task is live (for debugging)')
    .option(
      '--install',
      'run braid up at login: a systemd user unit where systemd runs, else lines for the login file',
    )
    .option('--via <how>', 'with --install: systemd | login-file')
    .option('--uninstall', 'remove what --install wrote')
    .option(
      '--json',
      'print {"running","started","pid","loops":[…],"revived":[…],"reattached":[…],"failed":[…]}',
    )
    .addHelpText(
      'after',
      '\nbraid new and braid run start it by themselves; it exits once no task is live.\n' +
        'Sessions that died with the machine or the tmux server (no exit of their own) come back in their\n' +
        'worktree, interactive ones in tmux, headless ones headless; stopped and ended tasks stay ended.\n' +
        'A pod session whose pod still runs gets a new keeper instead (its agent is not restarted).',
    )
    .action(async (opts: UpOptions) => {
      await withProject(process.cwd(), async (project) => {
        if (opts.install || opts.uninstall) return loginService(project, opts);
        if (opts.foreground) {
          if (!opts.json)
            progress(dim(`supervisor: running in the foreground (pid ${process.pid}); Ctrl-C stops it`));
          const reason = await runSupervisor(project, { timings: timingsFromEnv(), handleSignals: true });
          if (opts.json) printJson({ stopped: true, reason });
          else progress(dim(`supervisor: stopped (${reason})`));
          return;
        }
        const since = Date.now();
        const res = await startSupervisor(project, { wait: true });
        // A new supervisor brings lost sessions back after its first pass; a running one has, so this does.
        const revive = res.started ? await afterFirstPass(project, since) : await reviveLostSessions(project);
        const status = supervisorStatus(project);
        if (opts.json)
          return printJson({ ...status, started: res.started, pid: status.pid ?? res.pid, ...revive });
        process.stdout.write(renderRevive(revive));
        process.stdout.write(render(status, res.started ? 'started' : 'already running'));
      });
    });

  program
    .command('down')
    .description("Stop this repository's supervisor; sessions keep running")
    .option('--json', 'print {"stopped","pid","forced"}')
    .action(async (opts: { json?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        const res = await stopSupervisor(project);
        if (opts.json) return printJson({ stopped: res.pid !== null, ...res });
        process.stdout.write(
          res.pid === null ? 'supervisor: not running\n' : `supervisor: stopped (pid ${res.pid})\n`,
        );
      });
    });

  program
    .command('supervisor')
    .description("Show this repository's supervisor: pid and loops (never starts it)")
    .option('--json', 'print {"running","pid","startedAt","loops":[…],"idleSince"}')
    .action(async (opts: { json?: boolean }) => {
      await withProject(process.cwd(), async (project) => {
        const status = supervisorStatus(project);
        if (opts.json) return printJson(status);
        process.stdout.write(render(status, 'running'));
      });
    });
}
