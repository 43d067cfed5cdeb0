/** Client-side renderers of the radar matrix, the queue pipeline and the usage charts (plain DOM and inline SVG). */

export const VIEWS_SCRIPT = `
function renderRadar() {
  const box = $('radar'); box.replaceChildren();
  if (snap.radarError) { box.append(el('p', 'Radar unavailable: ' + snap.radarError, 'muted')); return; }
  const r = snap.radar; if (!r || !r.tasks.length) { box.append(el('p', 'No live tasks to compare.', 'muted')); return; }
  const cols = [...r.tasks, r.base], all = [...r.pairs, ...r.vsMain], rank = { textual: 3, migration: 2, overlap: 1 }, sym = { textual: 'X', migration: 'M', overlap: '~' };
  const table = el('table', null, 'matrix'), head = el('tr'); head.append(el('th', ''));
  for (const c of cols) head.append(el('th', c === r.base ? c + ' (base)' : c)); table.append(head);
  for (const x of r.tasks) {
    const tr = el('tr'); tr.append(el('th', x));
    for (const y of cols) {
      let best = null; for (const f of all) if (((f.a === x && f.b === y) || (f.a === y && f.b === x)) && (!best || rank[f.kind] > rank[best.kind])) best = f;
      const s = x === y ? '-' : best ? sym[best.kind] : '.';
      const td = el('td', s, best ? 'cell-' + (s === '~' ? 'o' : s) : ''); td.dataset.pair = x + '|' + y;
      if (best) td.title = best.kind + ': ' + best.files.join(', '); tr.append(td);
    }
    table.append(tr);
  }
  box.append(table, el('p', 'X textual conflict · M migration number collision · ~ same files, merges cleanly · . no overlap (independent) · - the task itself', 'muted'));
}

const STAGES = [['queued', ['queued']], ['building', ['building']], ['gating', ['gating']], ['landed', ['landed']], ['sent back', ['waiting_agent', 'conflict', 'rejected']]];
function renderQueue() {
  const box = $('queue'); box.replaceChildren();
  if (!snap.queue) { box.append(el('p', 'No merge queue in this store yet.', 'muted')); return; }
  const pipe = el('div', null, 'pipeline');
  for (const [label, states] of STAGES) {
    const col = el('div', null, 'stage'); col.dataset.stage = label;
    let entries = snap.queue.filter((e) => states.includes(e.state));
    if (label === 'landed' || label === 'sent back') entries = entries.slice(-6).reverse();
    col.append(el('h4', label + ' (' + entries.length + ')'));
    for (const e of entries) {
      const card = el('div', null, 'card q-' + e.state); card.dataset.task = e.task;
      card.append(el('b', e.task), el('span', ' #' + e.id + (e.attempt > 1 ? ' try ' + e.attempt : ''), 'muted'));
      if (e.state !== label) card.append(el('div', e.state, 'muted'));
      if (e.candidate && e.state === 'landed') card.append(el('div', e.candidate.slice(0, 10), 'mono'));
      if (e.reason) card.append(el('div', e.reason, 'reason'));
      if (e.conflictFiles && e.conflictFiles.length) card.append(el('div', e.conflictFiles.join(', '), 'reason'));
      card.title = 'updated ' + age(e.updatedAt) + ' ago'; col.append(card);
    }
    pipe.append(col);
  }
  box.append(pipe);
}

const COLORS = ['#14c', '#c41', '#191', '#a3a', '#c90', '#088', '#555', '#e60'];
function chart(box, title, series, pick, fmt) {
  const W = 520, H = 150, L = 56, R = 130, B = 20;
  box.append(el('div', title, 'chart-title'));
  const svg = svgEl('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title }); box.append(svg);
  const pts = series.flatMap((s) => s.points);
  if (!pts.length) { const t = svgEl('text', { x: L, y: H / 2 }); t.textContent = 'no usage yet'; svg.append(t); return; }
  const t0 = Math.min(...pts.map((p) => p.at)), t1 = Math.max(t0 + 1000, snap.at, ...pts.map((p) => p.at)), max = Math.max(1e-9, ...pts.map(pick));
  const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R), y = (v) => H - B - (v / max) * (H - B - 10);
  svg.append(svgEl('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#999' }), svgEl('line', { x1: L, y1: 10, x2: L, y2: H - B, stroke: '#999' }));
  const text = (x0, y0, s, extra) => { const t = svgEl('text', { x: x0, y: y0, ...(extra || {}) }); t.textContent = s; svg.append(t); };
  text(2, 14, fmt(max)); text(2, H - B, fmt(0));
  text(L, H - 4, new Date(t0).toLocaleTimeString()); text(W - R, H - 4, new Date(t1).toLocaleTimeString(), { 'text-anchor': 'end' });
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length], last = s.points[s.points.length - 1];
    const line = [{ at: s.points[0].at, tokens: 0, costUsd: 0 }, ...s.points, { ...last, at: t1 }];
    // Cumulative totals only grow: a step line shows when each reply arrived.
    let d = ''; line.forEach((p, j) => { d += (j ? ' H' + x(p.at).toFixed(1) + ' V' : 'M' + x(p.at).toFixed(1) + ' ') + y(pick(p)).toFixed(1); });
    const path = svgEl('path', { d, fill: 'none', stroke: color, 'stroke-width': 1.5 }); path.dataset.task = s.task; path.dataset.points = String(s.points.length); path.dataset.source = s.source; svg.append(path);
    text(W - R + 6, 14 + 12 * i, s.task + ' ' + fmt(pick(last)), { fill: color });
  });
}
function renderCharts(box, series, quietWhenEmpty) {
  box.replaceChildren();
  if (quietWhenEmpty && !series.length) { box.append(el('p', 'No token usage recorded for this task yet.', 'muted')); return; }
  chart(box, 'Tokens (cumulative)', series, (p) => p.tokens, (v) => v >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : v >= 1e3 ? (v / 1e3).toFixed(1) + 'k' : String(Math.round(v)));
  chart(box, 'Cost (USD, cumulative)', series, (p) => p.costUsd, (v) => '$' + v.toFixed(2));
  if (series.some((s) => s.source === 'history')) box.append(el('p', 'Tasks without transcripts are charted from the samples the supervisor stored (one a minute, then the latest).', 'muted'));
  if (series.some((s) => s.source === 'sampled')) box.append(el('p', 'Some tasks have no stored samples (is the supervisor running? braid up): charted from the totals seen since this dashboard started.', 'muted'));
}
`;
