/**
 * Notifications, the pure parts: which events of the union are worth telling the user, in what words,
 * each channel's request, the retry schedule, and URLs with their secrets taken out for logs.
 */
import type { BraidEvent } from './events.js';
import type { NotifyEvent } from './notify-events.js';

const NOTIFY_CHANNELS = ['webhook', 'ntfy', 'desktop'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** braid.yaml's `notify:` as the pure parts need it. */
export interface NotifySettings {
  webhook?: string;
  ntfy?: string;
  desktop?: boolean;
  events?: readonly NotifyEvent[];
}

/** One message, whatever the channel. */
export interface Notification {
  event: NotifyEvent | 'test';
  /** The event log row it comes from (0 for a test message). */
  eventId: number;
  at: number;
  task: string | null;
  title: string;
  text: string;
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function statusNotice(
  e: BraidEvent<'status.changed'>,
  budgetStops?: Set<string>,
): { event: NotifyEvent; what: string } | null {
  const { from, to, detail } = e.data;
  if (from === to) return null;
  const why = detail ? `: ${clip(detail)}` : '';
  // Told by the status itself, never by reading its words: paused is the budget's, limited the usage limit's.
  if (to === 'paused') {
    if (e.task) budgetStops?.delete(e.task);
    return {
      event: 'budget',
      what: `budget reached${detail ? `: ${clip(detail.replace(/^budget: /, ''))}` : ''}`,
    };
  }
  if (to === 'limited') return { event: 'limited', what: `hit a usage limit${why}` };
  // The session a budget is stopping ends on the way to paused: that is no finish nor failure.
  if (e.task && budgetStops?.has(e.task) && to !== 'waiting') return null;
  if (to === 'waiting') return { event: 'waiting', what: `needs input${why}` };
  if (to === 'failed') return { event: 'failed', what: `failed${why}` };
  if (to === 'exited') return { event: 'finished', what: 'finished' };
  // A turn that ended: the agent is done for now and waits for the next prompt.
  if (to === 'idle' && from === 'working') return { event: 'finished', what: 'finished its turn' };
  return null;
}

function notice(e: BraidEvent, budgetStops?: Set<string>): { event: NotifyEvent; what: string } | null {
  switch (e.kind) {
    case 'status.changed':
      return statusNotice(e, budgetStops);
    case 'land.landed':
      return { event: 'landed', what: `landed (${e.data.commit.slice(0, 10)})` };
    case 'land.rejected':
      return { event: 'rejected', what: `was not landed: ${clip(e.data.reason)}` };
    case 'land.handed-back':
      return { event: 'handed-back', what: `conflict handed back: ${clip(e.data.files.join(', '))}` };
    case 'budget.stopping':
      if (e.task) budgetStops?.add(e.task);
      return null;
    default:
      return null;
  }
}

/**
 * The notification an event makes, or null when it is not one users are told about. `budgetStops`
 * (kept by the caller across its passes) holds the tasks a budget is stopping, noted from `budget.stopping`
 * until their status turns `paused`, which is what tells "budget reached".
 */
export function notificationFor(
  e: BraidEvent,
  repoName: string,
  budgetStops?: Set<string>,
): Notification | null {
  const n = notice(e, budgetStops);
  if (!n) return null;
  const who = e.task ?? repoName;
  return {
    event: n.event,
    eventId: e.id,
    at: e.at,
    task: e.task,
    title: `braid ${repoName}: ${who} ${n.event === 'waiting' ? 'needs input' : n.event}`,
    text: `${who} ${n.what}`,
  };
}

/** The channels `settings` turns on, in a fixed order. */
export function enabledChannels(settings: NotifySettings | undefined): NotifyChannel[] {
  if (!settings) return [];
  return NOTIFY_CHANNELS.filter((c) => (c === 'desktop' ? settings.desktop === true : !!settings[c]));
}

/** Whether the user asked to hear about `event` (every event when `events` is unset). */
export function wantsEvent(settings: NotifySettings | undefined, event: Notification['event']): boolean {
  if (!settings) return false;
  return event === 'test' || !settings.events || settings.events.includes(event);
}

/** The webhook's JSON: Slack's `text`, and the same facts as fields for other receivers. */
export function webhookBody(n: Notification, repoName: string): Record<string, unknown> {
  return {
    text: `${n.title}\n${n.text}`,
    event: n.event,
    task: n.task,
    repo: repoName,
    title: n.title,
    message: n.text,
    eventId: n.eventId,
    at: new Date(n.at).toISOString(),
  };
}

const NTFY_TAGS: Record<Notification['event'], string> = {
  waiting: 'raised_hand',
  finished: 'white_check_mark',
  failed: 'x',
  landed: 'rocket',
  rejected: 'no_entry',
  'handed-back': 'warning',
  limited: 'hourglass',
  budget: 'moneybag',
  test: 'bell',
};

/** ntfy's request: the text as the body, the title and a tag as headers (header values are ASCII). */
export function ntfyRequest(n: Notification): { body: string; headers: Record<string, string> } {
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');
  return {
    body: n.text,
    headers: {
      Title: ascii(n.title),
      Tags: NTFY_TAGS[n.event],
      Priority: n.event === 'waiting' || n.event === 'failed' ? '4' : '3',
    },
  };
}

/** Tries per delivery before it is recorded as failed. */
export const NOTIFY_MAX_ATTEMPTS = 4;

/** Wait after failed attempt `attempt` (1-based): base, 4×, 16× (5 s, 20 s, 80 s by default). */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return baseMs * 4 ** Math.max(0, attempt - 1);
}

/**
 * A URL fit for logs: scheme and host stay, credentials, path and query go (a Slack webhook's path
 * and an ntfy topic are the secret). Not a URL: hidden whole.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '***';
  }
  const path = u.pathname && u.pathname !== '/' ? '/***' : '';
  return `${u.protocol}//${u.host}${path}${u.search ? '?***' : ''}`;
}

/** `text` with every one of `urls` (and its parts past the host) replaced by its redacted form. */
export function redactText(text: string, urls: readonly string[]): string {
  let out = text;
  for (const url of urls) {
    if (!url) continue;
    out = out.split(url).join(redactUrl(url));
    try {
      const u = new URL(url);
      const tail = `${u.pathname}${u.search}`;
      if (tail.length > 1) out = out.split(tail).join('/***');
      if (u.password) out = out.split(u.password).join('***');
    } catch {
      // not a URL: nothing more to hide than the whole text above
    }
  }
  return out;
}

/**
 * Tasks that began waiting for input between two looks (the dashboards' bell and browser notification).
 * A first look (`before` null) rings nothing: those were waiting before the dashboard opened.
 */
export function newlyWaiting(
  before: ReadonlyArray<{ name: string; status: string }> | null,
  after: ReadonlyArray<{ name: string; status: string }>,
): string[] {
  if (!before) return [];
  const was = new Map(before.map((t) => [t.name, t.status]));
  return after.filter((t) => t.status === 'waiting' && was.get(t.name) !== 'waiting').map((t) => t.name);
}
