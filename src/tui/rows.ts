/** Pure: the dashboard's table rows, column layout and radar warnings, from plain data. */

import { eventLine } from '../core/event-lines.js';
import type { BraidEvent } from '../core/events.js';
import { alignedLines, formatBytes, formatDuration } from '../core/format.js';
import type { PairFinding } from '../core/radar.js';
import { sideLabel } from '../core/radar-messages.js';
import type { TokenCounts } from '../core/task.js';

/** What one task row needs; a subset of TaskView so tests and other sources can feed it. */
export interface RowInput {
  name: string;
  status: string;
  statusSince: number;
  statusDetail: string | null;
  ports: Record<string, number>;
  rssBytes: number | null;
  tokens: TokenCounts | null;
  costUsd: number | null;
  /** Tool uses the latest session was refused. */
  refusals?: readonly unknown[];
}

export interface QueueRowInput {
  id: number;
  task: string;
  state: string;
  attempt: number;
  reason: string | null;
  updatedAt: number;
}

export const TASK_HEADERS = ['TASK', 'STATUS', 'AGE', 'PORTS', 'RAM', 'TOKENS', 'COST', 'RADAR'];

/** 1234 → 1.2k, 2_500_000 → 2.5M: tokens need magnitude, not digits. */
export function formatTokens(tokens: TokenCounts | null): string {
  if (!tokens) return '-';
  const n = tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead;
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

function formatCost(usd: number | null): string {
  return usd === null ? '-' : `$${usd.toFixed(2)}`;
}

function formatPorts(ports: Record<string, number>): string {
  return (
    Object.entries(ports)
      .map(([k, p]) => (k === 'PORT' ? String(p) : `${k}=${p}`))
      .join(' ') || '-'
  );
}

const STRENGTH = { textual: 3, migration: 2, overlap: 1 } as const;
const LABEL = { textual: 'conflict', migration: 'migration', overlap: 'overlap' } as const;

/** The strongest radar finding a task is part of, as a short warning (`conflict: api, main`). */
export function radarWarning(task: string, findings: PairFinding[]): string {
  const mine = findings.filter((f) => f.a === task || f.b === task);
  if (!mine.length) return '';
  const top = mine.reduce((best, f) => (STRENGTH[f.kind] > STRENGTH[best.kind] ? f : best));
  const others = [
    ...new Set(mine.filter((f) => f.kind === top.kind).map((f) => sideLabel(f.a === task ? f.b : f.a))),
  ];
  return `${LABEL[top.kind]}: ${others.join(', ')}`;
}

export function taskCells(row: RowInput, findings: PairFinding[], now: number): string[] {
  const n = row.refusals?.length ?? 0;
  const detail =
    ['waiting', 'limited', 'paused'].includes(row.status) && row.statusDetail
      ? ` (${row.statusDetail.slice(0, 24)})`
      : n
        ? ` (refused ${n} tool use${n === 1 ? '' : 's'})`
        : '';
  return [
    row.name,
    `${row.status}${detail}`,
    formatDuration(now - row.statusSince),
    formatPorts(row.ports),
    formatBytes(row.rssBytes),
    formatTokens(row.tokens),
    formatCost(row.costUsd),
    radarWarning(row.name, findings) || '-',
  ];
}

export function queueCells(entry: QueueRowInput, now: number): string[] {
  return [
    entry.task,
    entry.state,
    `#${entry.attempt}`,
    formatDuration(now - entry.updatedAt),
    entry.reason ? entry.reason.split('\n')[0].slice(0, 60) : '',
  ];
}

/** Pads cells into aligned lines (header first); the last column is not padded. */
export function layout(headers: string[], rows: string[][]): string[] {
  return alignedLines(headers, rows);
}

/** Events worth a line under the queue: not each hook, nor status changes (the table shows status). */
export function shownInFeed(e: BraidEvent): boolean {
  return e.kind !== 'status.changed' && eventLine(e) !== null;
}

/** One event line: how long ago, then what happened. */
export function eventCells(e: BraidEvent, now: number): string {
  return `${formatDuration(Math.max(0, now - e.at)).padStart(6)} ago  ${eventLine(e) ?? e.kind}`;
}
