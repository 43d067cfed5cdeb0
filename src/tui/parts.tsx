/** The dashboard's pieces: the task table, the queue and the footer with the keys or the current prompt. */
import { Box, Text } from 'ink';
import { canStop } from '../core/task.js';
import type { UiSnapshot } from './data.js';
import { eventCells, layout, queueCells, TASK_HEADERS, taskCells } from './rows.js';
import type { UiState } from './state.js';

const STATUS_COLOR: Record<string, string> = {
  failed: 'red',
  conflict: 'red',
  waiting: 'yellow',
  landed: 'green',
  exited: 'green',
};

/** The keys for the selected task: a finished one has nothing to stop. */
export function helpLine(selectedStatus: string | null): string {
  const stop = selectedStatus === null || canStop(selectedStatus) ? '  x stop' : '';
  return `↑/↓ select  a attach  s send  d diff  l land${stop}  r remove  n new  q quit`;
}

/** The RADAR column in words, and what its dash means. */
export const RADAR_LEGEND =
  'RADAR: conflict = both change the same lines · migration = same migration number · overlap = same files, merges cleanly · - = no overlap with any task';

export function TaskTable({ snap, selected }: { snap: UiSnapshot | null; selected: string | null }) {
  if (!snap) return null;
  if (!snap.tasks.length) return <Text>No tasks. Press n to create one.</Text>;
  const now = snap.at;
  const [head, ...lines] = layout(
    TASK_HEADERS,
    snap.tasks.map((t) => taskCells(t, snap.findings, now)),
  );
  return (
    <Box flexDirection="column">
      <Text dimColor>{`  ${head}`}</Text>
      {snap.tasks.map((t, i) => (
        <Text key={t.name} inverse={t.name === selected} color={STATUS_COLOR[t.status]} wrap="truncate-end">
          {`${t.name === selected ? '>' : ' '} ${lines[i]}`}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">{`  ${RADAR_LEGEND}`}</Text>
    </Box>
  );
}

export function QueueTable({ snap }: { snap: UiSnapshot | null }) {
  if (!snap) return null;
  if (!snap.queue.length) return <Text dimColor>{`\nqueue: empty · ${snap.queueHealth}`}</Text>;
  const [head, ...lines] = layout(
    ['QUEUE', 'STATE', 'TRY', 'FOR', 'REASON'],
    snap.queue.map((q) => queueCells(q, snap.at)),
  );
  const rows = snap.queue.map((q, i) => ({ id: q.id, line: lines[i] }));
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text dimColor>{`  ${head}`}</Text>
      {rows.map((row) => (
        <Text key={row.id} wrap="truncate-end">{`  ${row.line}`}</Text>
      ))}
      <Text dimColor wrap="truncate-end">{`  ${snap.queueHealth}`}</Text>
    </Box>
  );
}

/** The latest events, from the event feed: landings, hand-backs, refusals, budget stops. */
export function RecentEvents({ snap }: { snap: UiSnapshot | null }) {
  if (!snap?.events.length) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      {snap.events.map((e) => (
        <Text key={e.id} dimColor wrap="truncate-end">{`  ${eventCells(e, snap.at)}`}</Text>
      ))}
    </Box>
  );
}

export function Footer({ ui, selectedStatus }: { ui: UiState; selectedStatus: string | null }) {
  const mode = ui.mode;
  if (mode.kind === 'confirm-remove') return <Text color="yellow">{`remove ${mode.task}? (y/n)`}</Text>;
  if (mode.kind === 'input') {
    const label =
      mode.purpose === 'send'
        ? `send to ${mode.task}`
        : mode.purpose === 'new-name'
          ? 'new task name'
          : `prompt for ${mode.task}`;
    return <Text color="cyan">{`${label}: ${mode.value}█  (Enter ok, Esc cancel)`}</Text>;
  }
  return <Text dimColor>{helpLine(selectedStatus)}</Text>;
}
