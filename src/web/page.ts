/** The dashboard: one self-contained page; every value reaches the DOM through textContent, never as HTML. */

const STYLE = `
body{font:14px system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#223;color:#eee}
header h1{font-size:1.1em;margin:0}#conn{font-size:.85em;opacity:.8}
main{padding:1em;display:grid;gap:1em;grid-template-columns:minmax(0,3fr) minmax(0,2fr)}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6em .8em;overflow:auto}
section.wide{grid-column:1/-1}h2{font-size:1em;margin:.2em 0 .6em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #eee;white-space:nowrap}
tr.sel{background:#eef4ff}td.name a{cursor:pointer;color:#14c;text-decoration:underline}
.st{padding:.1em .45em;border-radius:4px;background:#eee}.st-working{background:#cfe8ff}.st-waiting{background:#ffe6a8}
.st-idle{background:#e4e4e4}.st-failed,.st-conflict{background:#ffc9c9}.st-landed{background:#c9f2d0}.st-exited{background:#ddd}
button{font:inherit;font-size:.85em;margin-right:.3em;cursor:pointer}
pre{background:#f4f4f4;padding:.5em;max-height:28em;overflow:auto;font-size:12px;margin:.3em 0}
.add{color:#070}.del{color:#b00}.hunk{color:#559}
.cell-X{background:#ffc9c9}.cell-M{background:#ffe6a8}.cell-o{background:#fff3cf}
header .grow{flex:1}
#error{color:#b00;white-space:pre-wrap}.muted{color:#888}svg text{font-size:10px}
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; };
const SVG = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs) => { const e = document.createElementNS(SVG, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; };
let snap = null, selected = null, detailAt = 0;

function age(ms) { const s = Math.max(0, Math.round((Date.now() - ms) / 1000)); return s < 60 ? s + 's' : s < 3600 ? Math.floor(s / 60) + 'm' : Math.floor(s / 3600) + 'h' + Math.floor((s % 3600) / 60) + 'm'; }
function bytes(n) { if (n == null) return '–'; const u = ['B','KB','MB','GB']; let i = 0; while (n >= 1024 && i < 3) { n /= 1024; i++; } return n.toFixed(i ? 1 : 0) + ' ' + u[i]; }
function tokens(t) { if (!t) return '–'; const n = t.input + t.output + t.cacheCreation + t.cacheRead; return n >= 1e6 ? (n / 1e6).toFixed(2) + 'M' : n >= 1e3 ? (n / 1e3).toFixed(1) + 'k' : String(n); }
function cost(c) { return c == null ? '–' : '$' + c.toFixed(2); }

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { const e = data.error || {}; throw new Error((e.message || res.statusText) + (e.hint ? '\\n' + e.hint : '')); }
  return data;
}
async function act(label, path, body) {
  if (!confirm(label + '?')) return;
  $('error').textContent = '';
  try { await post(path, body); } catch (err) { $('error').textContent = label + ' failed: ' + err.message; }
}

function renderTasks() {
  const body = $('tasks-body'); body.replaceChildren();
  if (!snap.tasks.length) { const tr = el('tr'); const td = el('td', 'No tasks yet: start one with braid new.', 'muted'); td.colSpan = 8; tr.append(td); body.append(tr); }
  for (const t of snap.tasks) {
    const tr = el('tr'); tr.dataset.task = t.name; if (t.name === selected) tr.className = 'sel';
    const name = el('td', null, 'name'); const a = el('a', t.name); a.onclick = () => select(t.name); name.append(a);
    const st = el('td'); const badge = el('span', t.status, 'st st-' + t.status); badge.dataset.role = 'status'; st.append(badge);
    if (t.statusDetail) st.title = t.statusDetail;
    const ports = el('td');
    for (const [k, p] of Object.entries(t.ports || {})) { const l = el('a', k + ':' + p); l.href = 'http://127.0.0.1:' + Number(p) + '/'; l.target = '_blank'; l.rel = 'noopener noreferrer'; ports.append(l, ' '); }
    const acts = el('td');
    const stop = el('button', 'stop'); stop.onclick = () => act('Stop ' + t.name, '/api/tasks/' + encodeURIComponent(t.name) + '/stop');
    const rm = el('button', 'rm'); rm.dataset.action = 'rm'; rm.onclick = () => act('Remove ' + t.name, '/api/tasks/' + encodeURIComponent(t.name) + '/rm');
    const land = el('button', 'land'); land.onclick = () => act('Land ' + t.name, '/api/land', { name: t.name });
    acts.append(stop, land, rm);
    tr.append(name, st, el('td', age(t.statusSince)), ports, el('td', bytes(t.rssBytes)), el('td', tokens(t.tokens)), el('td', cost(t.costUsd)), acts);
    body.append(tr);
  }
}

function renderRadar() {
  const box = $('radar'); box.replaceChildren();
  if (snap.radarError) { box.append(el('p', 'Radar unavailable: ' + snap.radarError, 'muted')); return; }
  const r = snap.radar; if (!r || !r.tasks.length) { box.append(el('p', 'No live tasks to compare.', 'muted')); return; }
  const cols = [...r.tasks, r.base], all = [...r.pairs, ...r.vsMain], rank = { textual: 3, migration: 2, overlap: 1 }, sym = { textual: 'X', migration: 'M', overlap: '~' };
  const table = el('table'), head = el('tr'); head.append(el('th', ''));
  for (const c of cols) head.append(el('th', c)); table.append(head);
  for (const x of r.tasks) {
    const tr = el('tr'); tr.append(el('th', x));
    for (const y of cols) {
      let best = null; for (const f of all) if (((f.a === x && f.b === y) || (f.a === y && f.b === x)) && (!best || rank[f.kind] > rank[best.kind])) best = f;
      const s = x === y ? '-' : best ? sym[best.kind] : '.';
      const td = el('td', s, best ? 'cell-' + (s === '~' ? 'o' : s) : ''); if (best) td.title = best.kind + ': ' + best.files.join(', '); tr.append(td);
    }
    table.append(tr);
  }
  box.append(table, el('p', 'X textual conflict · M migration number collision · ~ same files, merges cleanly', 'muted'));
}

function renderQueue() {
  const box = $('queue'); box.replaceChildren();
  if (!snap.queue) { box.append(el('p', 'No merge queue in this store yet.', 'muted')); return; }
  if (!snap.queue.length) { box.append(el('p', 'The queue is empty.', 'muted')); return; }
  const keys = Object.keys(snap.queue[0]); const table = el('table'), head = el('tr');
  for (const k of keys) head.append(el('th', k)); table.append(head);
  for (const row of snap.queue) { const tr = el('tr'); for (const k of keys) tr.append(el('td', row[k] == null ? '' : typeof row[k] === 'object' ? JSON.stringify(row[k]) : row[k])); table.append(tr); }
  box.append(table);
}

function chart(box, title, pick, fmt) {
  const W = 460, H = 120, P = 30, samples = snap.samples; box.append(el('div', title));
  const svg = svgEl('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H }); box.append(svg);
  if (!samples.length) { const t = svgEl('text', { x: P, y: H / 2 }); t.textContent = 'no usage yet'; svg.append(t); return; }
  const t0 = samples[0].at, t1 = Math.max(t0 + 1, snap.at), max = Math.max(1e-9, ...samples.map(pick));
  const x = (t) => P + ((t - t0) / (t1 - t0)) * (W - P - 10), y = (v) => H - 15 - (v / max) * (H - 25);
  svg.append(svgEl('line', { x1: P, y1: H - 15, x2: W - 10, y2: H - 15, stroke: '#999' }));
  const label = svgEl('text', { x: 2, y: 12 }); label.textContent = fmt(max); svg.append(label);
  const names = [...new Set(samples.map((s) => s.task))], colors = ['#14c', '#c41', '#191', '#a3a', '#c90', '#088', '#555'];
  names.forEach((n, i) => {
    const pts = samples.filter((s) => s.task === n); pts.push({ ...pts[pts.length - 1], at: t1 });
    svg.append(svgEl('polyline', { fill: 'none', stroke: colors[i % colors.length], 'stroke-width': 1.5, points: pts.map((s) => x(s.at).toFixed(1) + ',' + y(pick(s)).toFixed(1)).join(' ') }));
    const tx = svgEl('text', { x: W - 120, y: 12 + 11 * i, fill: colors[i % colors.length] }); tx.textContent = n; svg.append(tx);
  });
}
function renderCharts() { const box = $('charts'); box.replaceChildren(); chart(box, 'Tokens per task', (s) => s.tokens, (v) => Math.round(v).toString()); chart(box, 'Cost per task (USD)', (s) => s.costUsd, (v) => '$' + v.toFixed(2)); }

function renderDiff(text) {
  const pre = $('diff'); pre.replaceChildren();
  if (!text) { pre.textContent = '(no changes)'; return; }
  for (const line of text.split('\\n')) {
    const cls = line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
    pre.append(el('span', line + '\\n', cls));
  }
}
async function loadDetail() {
  if (!selected) return; detailAt = Date.now();
  const res = await fetch('/api/tasks/' + encodeURIComponent(selected));
  if (!res.ok) { $('detail-title').textContent = selected + ' (gone)'; return; }
  const d = await res.json(); $('detail-title').textContent = 'Task ' + d.name;
  renderDiff(d.diff + (d.diffTruncated ? '\\n… (truncated)' : '')); $('log').textContent = d.log || '(no log yet)';
  $('log').scrollTop = $('log').scrollHeight;
}
function select(name) { selected = name; $('detail').hidden = false; renderTasks(); loadDetail(); }

function render(next) {
  snap = next; $('conn').textContent = 'live · updated ' + new Date(snap.at).toLocaleTimeString();
  renderTasks(); renderRadar(); renderQueue(); renderCharts();
  if (selected && Date.now() - detailAt > 3000) loadDetail();
}
function connect() {
  const es = new EventSource('/api/events');
  es.addEventListener('snapshot', (e) => render(JSON.parse(e.data)));
  es.onerror = () => { $('conn').textContent = 'reconnecting…'; };
}
$('land-queue').onclick = () => act('Land the queue', '/api/land', {});
setInterval(() => { if (snap) renderTasks(); }, 5000);
connect();
`;

export function dashboardPage(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>braid</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style nonce="${nonce}">${STYLE}</style></head>
<body>
<header><h1>braid</h1><span id="conn">connecting…</span><span class="grow"></span><button id="land-queue">Land queue</button></header>
<main>
<section class="wide"><h2>Tasks</h2><div id="error"></div>
<table><thead><tr><th>task</th><th>status</th><th>age</th><th>ports</th><th>RAM</th><th>tokens</th><th>cost</th><th></th></tr></thead>
<tbody id="tasks-body"></tbody></table></section>
<section id="detail" class="wide" hidden><h2 id="detail-title">Task</h2>
<h3>Diff against its fork point</h3><pre id="diff"></pre><h3>Log</h3><pre id="log"></pre></section>
<section><h2>Radar</h2><div id="radar"></div></section>
<section><h2>Queue</h2><div id="queue"></div></section>
<section class="wide"><h2>Usage over time</h2><div id="charts"></div></section>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body></html>
`;
}
