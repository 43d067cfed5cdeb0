/** The merge queue as a pipeline: a column per stage, a card per entry (the latest few landed and sent back). */
import type { QueueEntry, QueueHealth } from '../protocol.js';
import { byId, el } from './dom.js';
import { age } from './format.js';
import { state } from './state.js';

const STAGES: Array<[string, QueueEntry['state'][]]> = [
  ['queued', ['queued']],
  ['building', ['building']],
  ['gating', ['gating']],
  ['landed', ['landed']],
  ['sent back', ['waiting_agent', 'conflict', 'rejected']],
];

function card(e: QueueEntry, stage: string): HTMLDivElement {
  const c = el('div', null, `card q-${e.state}`);
  c.dataset.task = e.task;
  c.append(el('b', e.task), el('span', ` #${e.id}${e.attempt > 1 ? ` try ${e.attempt}` : ''}`, 'muted'));
  if (e.state !== stage) c.append(el('div', e.state, 'muted'));
  if (e.candidate && e.state === 'landed') c.append(el('div', e.candidate.slice(0, 10), 'mono'));
  if (e.reason) c.append(el('div', e.reason, 'reason'));
  if (e.conflictFiles.length) c.append(el('div', e.conflictFiles.join(', '), 'reason'));
  c.title = `updated ${age(e.updatedAt)} ago`;
  return c;
}

export function renderQueue(): void {
  const box = byId('queue');
  box.replaceChildren();
  const queue = state.snap?.queue;
  if (!queue) {
    box.append(el('p', 'No merge queue in this store yet.', 'muted'));
    return;
  }
  const pipe = el('div', null, 'pipeline');
  for (const [label, states] of STAGES) {
    const col = el('div', null, 'stage');
    col.dataset.stage = label;
    let entries = queue.filter((e) => states.includes(e.state));
    if (label === 'landed' || label === 'sent back') entries = entries.slice(-6).reverse();
    col.append(el('h4', `${label} (${entries.length})`));
    for (const e of entries) col.append(card(e, label));
    pipe.append(col);
  }
  box.append(pipe);
  const h = state.snap?.queueHealth;
  if (h) box.append(healthRow(h));
}

/** The queue's health under the pipeline: the read model's figures, one labelled value each. */
function healthRow(h: QueueHealth): HTMLDivElement {
  const secs = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);
  const pct = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)} %`);
  const row = el('div', null, 'queue-health muted');
  row.id = 'queue-health';
  const parts: Array<[string, string]> = [
    ['depth', String(h.depth)],
    ['batch', String(h.batchSize)],
    ['window', String(h.windowSize)],
    ['slots busy', `${h.slotsBusy}/${h.slots}`],
    ['wait p50', secs(h.waitP50Ms)],
    ['wait p95', secs(h.waitP95Ms)],
    ['runs per landed', h.gateRunsPerLanded === null ? '–' : String(h.gateRunsPerLanded)],
    ['red', pct(h.failureRate)],
    ['flaky', pct(h.flakeRate)],
  ];
  for (const [label, value] of parts) {
    const item = el('span', `${label} `);
    item.dataset.health = label;
    item.append(el('b', value));
    row.append(item, ' · ');
  }
  row.lastChild?.remove();
  return row;
}
