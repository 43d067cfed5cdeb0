import { readFileSync } from 'node:fs';
import { INNER_SESSION } from '../../core/container-args.js';
import { BraidError } from '../../core/errors.js';
import type { SendOptions, SessionHandle } from './types.js';

/** Runs tmux inside the session's container or pod (each backend reaches it by its own exec). */
type InnerTmux = (args: string[]) => Promise<void>;

/** `braid send` into a container's or pod's tmux: the text typed literally, then Enter unless told not to. */
export async function sendToInnerTmux(
  handle: SessionHandle,
  text: string,
  opts: SendOptions,
  tmux: InnerTmux,
): Promise<void> {
  if (handle.runtime !== 'tmux')
    throw new BraidError(
      'E_SESSION',
      'headless sessions take no input',
      'Start the task in tmux (without --headless) to talk to it.',
    );
  if (text) await tmux(['send-keys', '-l', '-t', INNER_SESSION, '--', text]);
  if (opts.enter !== false) await tmux(['send-keys', '-t', INNER_SESSION, 'Enter']);
}

/** Named keys (C-c, Escape…) into a container's or pod's tmux; nothing for a headless session. */
export async function sendKeysToInnerTmux(
  handle: SessionHandle,
  keys: string[],
  tmux: InnerTmux,
): Promise<void> {
  if (keys.length === 0 || handle.runtime !== 'tmux') return;
  await tmux(['send-keys', '-t', INNER_SESSION, '--', ...keys]);
}

/** How much of a container's or pod's screen `capture` returns. */
export const CAPTURE_LINES = 100;

/** The end of a session's log: what `capture` shows when the screen itself cannot be read. */
export function logTail(logPath: string | undefined): string {
  if (!logPath) return '';
  try {
    return readFileSync(logPath, 'utf8')
      .split('\n')
      .slice(-CAPTURE_LINES - 1)
      .join('\n');
  } catch {
    return '';
  }
}
