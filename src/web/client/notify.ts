/**
 * Browser notifications when a task begins waiting for input: off until the user ticks "notify" and the
 * browser allows it (the choice is kept in localStorage). Same rule as core/notify.ts newlyWaiting.
 */
import { byId } from './dom.js';

const KEY = 'braid.notify';
let seen: Map<string, string> | null = null;

const box = () => byId<HTMLInputElement>('notify');
const allowed = () => 'Notification' in window && Notification.permission === 'granted';

export function setupNotifyToggle(): void {
  const input = box();
  if (!('Notification' in window)) {
    input.disabled = true;
    input.title = 'this browser has no notifications';
    return;
  }
  input.checked = localStorage.getItem(KEY) === '1' && allowed();
  input.onchange = async () => {
    // The permission prompt may only come from a user's gesture: this click.
    if (input.checked && !allowed()) input.checked = (await Notification.requestPermission()) === 'granted';
    localStorage.setItem(KEY, input.checked ? '1' : '0');
  };
}

/** Called with each push: a notification per task that began waiting since the previous push. */
export function notifyWaiting(
  tasks: ReadonlyArray<{ name: string; status: string; statusDetail: string | null }>,
): void {
  const before = seen;
  seen = new Map(tasks.map((t) => [t.name, t.status]));
  if (!before || !box().checked || !allowed()) return;
  for (const t of tasks)
    if (t.status === 'waiting' && before.get(t.name) !== 'waiting')
      new Notification(`braid: ${t.name} needs input`, {
        body: t.statusDetail ?? '',
        tag: `braid-${t.name}`,
      });
}
