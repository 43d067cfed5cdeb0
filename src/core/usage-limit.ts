/**
 * Usage and rate limits, pure: recognising an agent's "limit reached … resets …" message and reading
 * when it resets, and deciding which limited tasks start again, staggered, once it has.
 */

export interface LimitHit {
  /** When the limit resets (ms since epoch); null when the message does not say. */
  resetAt: number | null;
}

/** What Claude Code prints when a plan's usage limit or the API's rate limit is reached. */
const LIMIT_WORDS =
  /usage limit|hit your [^.·\n]{0,40}limit|limit reached|rate[_ ]limit|\b429\b|limit will reset|limits will reset|try again later/i;

/** Without a reset time, try again after this long (a 429 says only "try again later"). */
export const UNKNOWN_RESET_MS = 5 * 60_000;

/** The limit a message reports, or null when it is not about a limit. `now` anchors clock times. */
export function parseLimit(message: string | null | undefined, now: number): LimitHit | null {
  if (!message || !LIMIT_WORDS.test(message)) return null;
  return { resetAt: parseResetTime(message, now) };
}

/** The reset time in a message: `…|<epoch seconds>`, an ISO time, or a (dated) clock time with an optional zone. */
function parseResetTime(message: string, now: number): number | null {
  const epoch = /\|\s*(\d{10,13})\b/.exec(message) ?? /\bresets?(?:\s+at)?\s+(\d{10,13})\b/i.exec(message);
  if (epoch) {
    const n = Number(epoch[1]);
    return epoch[1].length >= 13 ? n : n * 1000;
  }
  const iso = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?/.exec(message);
  if (iso) {
    const t = Date.parse(iso[0]);
    if (Number.isFinite(t)) return t;
  }
  const dated = DATED_RESET.exec(message);
  if (dated) return datedTime(dated, now);
  const clock = /\breset[s]?(?:\s+at)?\s+(\d{1,2})(?::(\d\d))?\s*([ap])\.?m\.?(?:\s*\(([^)]+)\))?/i.exec(
    message,
  );
  if (!clock) return null;
  return (
    nextClockTime(hourOf(clock[1], clock[3]), minuteOf(clock[2]), clock[4]?.trim() ?? null, now) +
    SHOWN_MINUTE_MS
  );
}

/**
 * Claude Code shows a reset to the minute, seconds cut off: the limit may last up to a minute past the
 * time shown, so braid waits for the end of that minute rather than resume into the same limit.
 */
const SHOWN_MINUTE_MS = 60_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A reset more than a day ahead: "resets Dec 8, 3pm (Europe/Paris)", "resets Jan 2, 2027, 9:30am". */
const DATED_RESET =
  /\bresets?(?:\s+at)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(?:(\d{4}),?\s+)?(\d{1,2})(?::(\d\d))?\s*([ap])\.?m\.?(?:\s*\(([^)]+)\))?/i;

function hourOf(hour: string, ampm: string): number {
  return (Number(hour) % 12) + (ampm.toLowerCase() === 'p' ? 12 : 0);
}

function minuteOf(minute: string | undefined): number {
  return minute ? Number(minute) : 0;
}

/** A dated reset in its zone; without a year, the first such date not long past. */
function datedTime(m: RegExpExecArray, now: number): number {
  const zone = m[7]?.trim() ?? null;
  const month = MONTHS.indexOf(m[1].toLowerCase());
  const at = (year: number) => {
    const local = Date.UTC(year, month, Number(m[2]), hourOf(m[4], m[6]), minuteOf(m[5]));
    return local - zoneOffsetMinutes(zone, local) * 60_000 + SHOWN_MINUTE_MS;
  };
  if (m[3]) return at(Number(m[3]));
  const year = new Date(now).getUTCFullYear();
  return at(year) < now - 24 * 60 * 60_000 ? at(year + 1) : at(year);
}

/** Minutes the zone is ahead of UTC at `at` (0 for an unknown zone: better a guess than nothing). */
function zoneOffsetMinutes(zone: string | null, at: number): number {
  if (!zone) return -new Date(at).getTimezoneOffset();
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
    return Math.round((local - Math.floor(at / 60_000) * 60_000) / 60_000);
  } catch {
    return 0;
  }
}

/** The first moment after `now` (a minute of slack) when the zone's clock reads hour:minute. */
function nextClockTime(hour: number, minute: number, zone: string | null, now: number): number {
  const offset = zoneOffsetMinutes(zone, now);
  const localNow = new Date(now + offset * 60_000);
  let candidate =
    Date.UTC(localNow.getUTCFullYear(), localNow.getUTCMonth(), localNow.getUTCDate(), hour, minute) -
    offset * 60_000;
  if (candidate <= now - 60_000) candidate += 24 * 60 * 60_000;
  // Across a daylight-saving change the offset of the reset day is the one that counts.
  const shift = zoneOffsetMinutes(zone, candidate) - offset;
  return candidate - shift * 60_000;
}

/** The status detail of a limited task: when it resets, in UTC (ls shows it beside `limited`). */
export function limitDetail(resetAt: number): string {
  const at = new Date(resetAt).toISOString().slice(0, 16).replace('T', ' ');
  return `usage limit; resets ${at} UTC`;
}

export interface LimitedTask {
  name: string;
  agent: string;
  /** When its limit resets, or when its queued start may happen (ms since epoch). */
  resetAt: number;
}

/** Until when new sessions of `agent` wait: the latest reset among its limited tasks still ahead, else null. */
export function agentLimitedUntil(tasks: readonly LimitedTask[], agent: string, now: number): number | null {
  let until: number | null = null;
  for (const t of tasks) if (t.agent === agent && t.resetAt > now) until = Math.max(until ?? 0, t.resetAt);
  return until;
}

/**
 * Which limited tasks start now: those whose reset has passed, oldest reset first, one per `staggerMs`
 * since the last start, so ten sessions due at once do not hit the fresh limit together.
 */
export function dueForRestart(
  tasks: readonly LimitedTask[],
  now: number,
  lastStartAt: number | null,
  staggerMs: number,
): string[] {
  const due = tasks.filter((t) => t.resetAt <= now).sort((a, b) => a.resetAt - b.resetAt);
  if (!due.length) return [];
  if (staggerMs <= 0) return due.map((t) => t.name);
  if (lastStartAt !== null && now - lastStartAt < staggerMs) return [];
  return [due[0].name];
}
