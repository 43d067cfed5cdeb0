/** `braid web`: the dashboard in the browser, served on 127.0.0.1 with a token in the URL. */
import type { Command } from 'commander';
import { BraidError } from '../../core/errors.js';
import { run } from '../../exec/run.js';
import { openProject } from '../../project/project.js';
import { startWebServer } from '../../web/server.js';
import { printJson } from '../output.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new BraidError('E_USAGE', `--port must be a number from 0 to 65535, not '${value}'`);
  }
  return n;
}

/** Best effort: a machine without a desktop just keeps the printed URL. */
function openBrowser(url: string, cwd: string): void {
  run('xdg-open', [url], { cwd, allowFailure: true, timeoutMs: 10_000 }).catch(() => {});
}

export function register(program: Command): void {
  program
    .command('web')
    .description(
      'serve the dashboard (tasks, diffs, radar, queue, usage) on 127.0.0.1, live over server-sent events',
    )
    .option('--port <n>', 'port to listen on (default: a free one)', parsePort)
    .option('--no-open', 'do not open a browser')
    .option('--json', 'print one JSON document {"url","port","token"} once listening, then keep serving')
    .action(async (opts: { port?: number; open: boolean; json?: boolean }) => {
      const project = await openProject(process.cwd());
      const server = await startWebServer(project, { port: opts.port });
      if (opts.json) printJson({ url: server.url, port: server.port, token: server.token });
      else process.stdout.write(`braid dashboard: ${server.url}\n(Ctrl-C to stop)\n`);
      if (opts.open) openBrowser(server.url, project.repo.root);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      // A landing started from the page finishes first (a second Ctrl-C kills braid; the queue recovers).
      if (server.landRunning())
        process.stderr.write('braid web: waiting for the landing in progress to finish…\n');
      await server.landIdle();
      await server.close();
      project.close();
    });
}
