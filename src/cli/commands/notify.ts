import type { Command } from 'commander';
import { BraidError, EXIT } from '../../core/errors.js';
import { table } from '../../core/format.js';
import { enabledChannels } from '../../core/notify.js';
import { channelTarget, sendTest } from '../../orchestrate/notify/send.js';
import { withProject } from '../../project/project.js';
import { type DeliveryState, listDeliveries } from '../../store/notify.js';
import { dim, green, printJson, red } from '../output.js';

interface NotifyFlags {
  test?: boolean;
  failed?: boolean;
  limit?: string;
  json?: boolean;
}

const when = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export function register(program: Command): void {
  program
    .command('notify')
    .description(
      'Notifications (notify: in braid.yaml): the latest deliveries, or a test message with --test',
    )
    .option('--test', 'send a test message on every configured channel and report each')
    .option('--failed', 'only deliveries that failed for good')
    .option('--limit <n>', 'deliveries to list', '50')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nThe supervisor delivers each event once (waiting, finished, failed, landed, rejected, handed-back,\n' +
        'limited, budget), retrying a failed one 3 times with backoff; URLs are shown without their secrets.',
    )
    .action(async (flags: NotifyFlags) => {
      await withProject(process.cwd(), async (project) => {
        const settings = project.config.notify ?? {};
        const channels = enabledChannels(settings).map((c) => ({
          channel: c,
          target: channelTarget(c, settings),
        }));
        if (flags.test) {
          if (!channels.length)
            throw new BraidError(
              'E_CONFIG',
              'no notification channel is configured',
              'Add notify: { webhook: URL, ntfy: URL, desktop: true } to braid.yaml (see docs/config.md).',
            );
          const results = await sendTest({ settings, repoName: project.repo.name });
          if (!results.every((r) => r.ok)) process.exitCode = EXIT.failed;
          if (flags.json) return printJson({ results });
          for (const r of results)
            process.stdout.write(
              `${r.ok ? green('sent') : red('failed')}  ${r.channel} (${r.target})${r.error ? `: ${r.error}` : ''}\n`,
            );
          return;
        }
        const limit = Math.max(1, Number.parseInt(flags.limit ?? '50', 10) || 50);
        const state: DeliveryState | undefined = flags.failed ? 'failed' : undefined;
        const deliveries = listDeliveries(project.store, { limit, state }).map((d) => ({
          eventId: d.eventId,
          channel: d.channel,
          task: d.task,
          event: d.event,
          text: d.notification.text,
          state: d.state,
          attempts: d.attempts,
          lastError: d.lastError,
          at: d.createdAt,
          updatedAt: d.updatedAt,
        }));
        if (flags.json) return printJson({ channels, deliveries });
        if (!channels.length) process.stdout.write(dim('no notify: channels in braid.yaml\n'));
        if (!deliveries.length) return void process.stdout.write('no deliveries yet\n');
        const rows = deliveries.map((d) => [
          when(d.at),
          d.channel,
          d.event,
          d.task ?? '-',
          d.state === 'failed' ? red(d.state) : d.state,
          String(d.attempts),
          d.lastError ?? '',
        ]);
        process.stdout.write(
          `${table(['WHEN', 'CHANNEL', 'EVENT', 'TASK', 'STATE', 'TRIES', 'ERROR'], rows)}\n`,
        );
      });
    });
}
