/** The radar matrix: one row per live task, one column per task and the base branch, the worst finding per cell. */
import type { PairFinding } from '../protocol.js';
import { byId, el } from './dom.js';
import { state } from './state.js';

const RANK: Record<PairFinding['kind'], number> = { textual: 3, migration: 2, overlap: 1 };
const SYMBOL: Record<PairFinding['kind'], string> = { textual: 'X', migration: 'M', overlap: '~' };

export function renderRadar(): void {
  const box = byId('radar');
  box.replaceChildren();
  const snap = state.snap;
  if (!snap) return;
  if (snap.radarError) {
    box.append(el('p', `Radar unavailable: ${snap.radarError}`, 'muted'));
    return;
  }
  const r = snap.radar;
  if (!r?.tasks.length) {
    box.append(el('p', 'No live tasks to compare.', 'muted'));
    return;
  }
  const cols = [...r.tasks, r.base];
  const all = [...r.pairs, ...r.vsMain];
  const table = el('table', null, 'matrix');
  const head = el('tr');
  head.append(el('th', ''));
  for (const c of cols) head.append(el('th', c === r.base ? `${c} (base)` : c));
  table.append(head);
  for (const x of r.tasks) {
    const tr = el('tr');
    tr.append(el('th', x));
    for (const y of cols) {
      let best: PairFinding | null = null;
      for (const f of all) {
        const pair = (f.a === x && f.b === y) || (f.a === y && f.b === x);
        if (pair && (!best || RANK[f.kind] > RANK[best.kind])) best = f;
      }
      const s = x === y ? '-' : best ? SYMBOL[best.kind] : '.';
      const td = el('td', s, best ? `cell-${s === '~' ? 'o' : s}` : '');
      td.dataset.pair = `${x}|${y}`;
      if (best) td.title = `${best.kind}: ${best.files.join(', ')}`;
      tr.append(td);
    }
    table.append(tr);
  }
  box.append(
    table,
    el(
      'p',
      'X textual conflict · M migration number collision · ~ same files, merges cleanly · . no overlap (independent) · - the task itself',
      'muted',
    ),
  );
}
