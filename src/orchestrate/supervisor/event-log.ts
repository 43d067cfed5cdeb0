import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BraidEvent, EventKind } from '../../core/events.js';
import type { TaskStatus } from '../../core/task.js';
import { braidDir } from '../../isolate/workspace/paths.js';
import type { NotifyFailure } from './notify-loop.js';

/** An event of the store's union, as the supervisor relays it to the log (`line`: in words). */
interface RelayedEvent {
  kind: EventKind;
  id: number;
  task: string | null;
  data: BraidEvent['data'];
  line: string | null;
}

/**
 * What the supervisor saw or did, one JSON object per line in the log, keyed by `kind`: its own
 * lines (names kept as earlier versions wrote them) and the store's events it relays.
 */
export type SupervisorEvent =
  | RelayedEvent
  | { kind: 'supervisor.started'; pid: number; loops: string[] }
  | { kind: 'supervisor.stopped'; pid: number; reason: 'idle' | 'signal' | 'lost-lock' | 'repo-gone' }
  | { kind: 'status'; task: string; from: TaskStatus | null; to: TaskStatus; source: string }
  | { kind: 'reconciled'; task: string; status: TaskStatus; exitCode: number | null }
  | { kind: 'queue.processed'; landed: string[]; rejected: string[] }
  | { kind: 'radar.changed'; pairs: number; vsBase: number }
  | { kind: 'budget'; message: string }
  | { kind: 'notes.typed'; tasks: string[] }
  | ({ kind: 'notify.failed' } & NotifyFailure)
  | { kind: 'loop.error'; loop: string; message: string };

export type LoggedEvent = SupervisorEvent & { at: string };

export function eventLogPath(commonDir: string): string {
  return path.join(braidDir(commonDir), 'events.jsonl');
}

/**
 * Appends events to the JSONL log. One write per line with O_APPEND, so lines from several
 * processes never interleave (they stay well under the pipe-buffer size).
 */
export class EventLog {
  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  append(event: SupervisorEvent): void {
    const line = `${JSON.stringify({ at: new Date().toISOString(), ...event })}\n`;
    try {
      appendFileSync(this.file, line);
    } catch {
      // A full disk must not take the supervisor down; the store still has the state.
    }
  }
}

/** Every event in the log, oldest first; a torn last line (a crash mid-write) is skipped. */
export function readEventLog(file: string): LoggedEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: LoggedEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as LoggedEvent);
    } catch {
      // skip
    }
  }
  return out;
}
