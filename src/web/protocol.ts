/**
 * The dashboard's wire contract: what the server sends and the browser client (src/web/client) reads.
 * Types only: both sides import it, so a server change that breaks the page fails tsc.
 */
import type { ErrorCode } from '../core/errors.js';
import type { BraidEvent } from '../core/events.js';
import type { LandReport } from '../land/report.js';
import type { Board } from '../view/board.js';
import type { TaskDetail } from '../view/task-detail.js';
import type { UsageSeries } from '../view/usage-series.js';

export type { QueueHealth } from '../core/queue-health.js';
export type { QueueEntry } from '../core/queue-plan.js';
export type { PairFinding } from '../core/radar.js';
export type { TaskView } from '../view/task-view.js';
export type { UsagePoint } from '../view/usage-series.js';

export type { UsageSeries };

/** One push of the live feed: the read model's board (tasks, queue, radar, events, usage series). */
export type DashboardPayload = Board;

/** A landing started from the dashboard: its progress and, once over, its report or error. */
export interface LandJobState {
  id: number;
  /** The task asked for, or null for "process the queue". */
  task: string | null;
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  endedAt: number | null;
  lines: string[];
  /** What the landing reported, once done. */
  result: LandReport | null;
  error: string | null;
}

/** Server-sent events on GET /api/events, by event name. */
export interface DashboardEvents {
  snapshot: DashboardPayload;
  land: LandJobState;
  /** The event union's new events since the connection opened (or the last batch). */
  events: BraidEvent[];
}

/** The JSON answer of each GET route (`<name>`: a task name, URI-encoded). */
export interface ApiGet {
  '/api/snapshot': DashboardPayload;
  '/api/land': LandJobState | null;
  '/api/tasks/<name>': TaskDetail;
}

/** Each POST route's request body and the `result` of its answer. */
export interface ApiPost {
  '/api/tasks/<name>/stop': { body: Record<string, never>; result: unknown };
  '/api/tasks/<name>/rm': { body: { force?: boolean }; result: unknown };
  /** No name: process the whole queue. Answers 202 with the job just started. */
  '/api/land': { body: { name?: string }; result: LandJobState };
}

/** A POST that was accepted. */
export interface ApiOk<T> {
  ok: true;
  result: T;
}

/** Any refused or failed request (4xx/5xx). */
export interface ApiError {
  error: { code?: ErrorCode; message: string; hint?: string | null };
}

/** Constants the page needs from braid's core, embedded in the page as JSON (id `page-config`). */
export interface PageConfig {
  /** Statuses with no session left to stop: the page offers no stop button there (core/task.ts). */
  nothingToStop: readonly string[];
}
