// Apart from notify.ts, which reads the event union: config.ts needs the names without it (no cycle).
/** What `notify.events` can name; all of them when it is unset. */
export const NOTIFY_EVENTS = [
  'waiting',
  'finished',
  'failed',
  'landed',
  'rejected',
  'handed-back',
  'limited',
  'budget',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
