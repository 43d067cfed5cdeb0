import type { BraidConfig } from '../../core/config.js';
import { enabledChannels } from '../../core/notify.js';
import { plural } from '../../core/plural.js';
import { openStore } from '../../store/db.js';
import { countFailedSince } from '../../store/notify.js';
import { channelTarget } from '../notify/send.js';

const DAY_MS = 24 * 60 * 60_000;

/** Failed deliveries in the last day, or null when the store cannot say. */
function failedLastDay(commonDir: string): number | null {
  try {
    const store = openStore(commonDir);
    try {
      return countFailedSince(store, Date.now() - DAY_MS);
    } finally {
      store.close();
    }
  } catch {
    return null;
  }
}

/** `notify:` in words: the channels, desktop without notify-send, and deliveries that failed lately. */
export function notifyCheck(
  config: BraidConfig,
  commonDir: string | null,
  notifySendFound: boolean,
): { ok: boolean; detail: string; hint: string | null } {
  const settings = config.notify;
  const channels = enabledChannels(settings);
  if (!settings || !channels.length)
    return { ok: true, detail: 'none configured (notify: in braid.yaml)', hint: null };
  const shown = channels.map((c) => `${c} ${channelTarget(c, settings)}`).join(', ');
  if (settings.desktop && !notifySendFound)
    return {
      ok: false,
      detail: `${shown}: notify-send is not on PATH, desktop notifications cannot be shown`,
      hint: 'Install libnotify (Debian: apt-get install libnotify-bin), or set notify.desktop: false.',
    };
  const failed = commonDir ? failedLastDay(commonDir) : null;
  if (failed)
    return {
      ok: false,
      detail: `${shown}: ${plural(failed, 'delivery', 'deliveries')} failed in the last day`,
      hint: 'See braid notify --failed for the errors, and braid notify --test to try each channel.',
    };
  return { ok: true, detail: shown, hint: null };
}
