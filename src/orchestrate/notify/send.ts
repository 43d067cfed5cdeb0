/** Sending one notification over one channel: HTTP for the webhook and ntfy, notify-send for the desktop. */
import {
  enabledChannels,
  type Notification,
  type NotifyChannel,
  type NotifySettings,
  ntfyRequest,
  redactText,
  redactUrl,
  webhookBody,
} from '../../core/notify.js';
import { run } from '../../exec/run.js';

/** No channel may hold a pass up longer than this. */
const SEND_TIMEOUT_MS = 10_000;

export interface SendContext {
  settings: NotifySettings;
  repoName: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Where a channel sends, fit for logs and output. */
export function channelTarget(channel: NotifyChannel, settings: NotifySettings): string {
  if (channel === 'desktop') return 'notify-send';
  return redactUrl(settings[channel] ?? '');
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number) {
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
  // Read the answer off the socket either way, so the connection is freed.
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
}

function explain(err: unknown, settings: NotifySettings): string {
  const e = err as Error & { cause?: { message?: string; code?: string } };
  const why = e?.name === 'TimeoutError' ? 'timed out' : (e?.message ?? String(err));
  const cause = e?.cause?.message ?? e?.cause?.code;
  const text = cause && !why.includes(cause) ? `${why}: ${cause}` : why;
  return redactText(text, [settings.webhook ?? '', settings.ntfy ?? '']);
}

/** Sends `n` over `channel`; throws an Error whose message is safe to log (URLs redacted). */
export async function send(channel: NotifyChannel, n: Notification, ctx: SendContext): Promise<void> {
  const timeoutMs = ctx.timeoutMs ?? SEND_TIMEOUT_MS;
  try {
    if (channel === 'webhook' && ctx.settings.webhook) {
      const body = JSON.stringify(webhookBody(n, ctx.repoName));
      await post(ctx.settings.webhook, body, { 'content-type': 'application/json' }, timeoutMs);
    } else if (channel === 'ntfy' && ctx.settings.ntfy) {
      const r = ntfyRequest(n);
      await post(
        ctx.settings.ntfy,
        r.body,
        { 'content-type': 'text/plain; charset=utf-8', ...r.headers },
        timeoutMs,
      );
    } else if (channel === 'desktop') {
      await run('notify-send', ['--app-name=braid', n.title, n.text], { cwd: '/', env: ctx.env, timeoutMs });
    } else {
      throw new Error(`${channel} is not configured`);
    }
  } catch (err) {
    throw new Error(explain(err, ctx.settings));
  }
}

export interface TestResult {
  channel: NotifyChannel;
  target: string;
  ok: boolean;
  error: string | null;
  ms: number;
}

/** `braid notify --test`: one test message on every configured channel, side by side. */
export async function sendTest(ctx: SendContext): Promise<TestResult[]> {
  const n: Notification = {
    event: 'test',
    eventId: 0,
    at: Date.now(),
    task: null,
    title: `braid ${ctx.repoName}: test`,
    text: `A test notification from braid in ${ctx.repoName}.`,
  };
  return Promise.all(
    enabledChannels(ctx.settings).map(async (channel) => {
      const began = Date.now();
      const target = channelTarget(channel, ctx.settings);
      try {
        await send(channel, n, ctx);
        return { channel, target, ok: true, error: null, ms: Date.now() - began };
      } catch (err) {
        return { channel, target, ok: false, error: (err as Error).message, ms: Date.now() - began };
      }
    }),
  );
}
