/** Client-side core of the dashboard: live feed, tasks table, actions with confirmation, the task page, land progress. */

import { NOTHING_TO_STOP } from '../core/task.js';

export const CORE_SCRIPT = `
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; };
const SVG = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs) => { const e = document.createElementNS(SVG, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; };
let snap = null, selected = null, detailAt = 0, detailKey = '';

function age(ms) { const s = Math.max(0, Math.round((Date.now() - ms) / 1000)); return s < 60 ? s + 's' : s < 3600 ? Math.floor(s / 60) + 'm' : Math.floor(s / 3600) + 'h' + Math.floor((s % 3600) / 60) + 'm'; }
function bytes(n) { if (n == null) return '–'; const u = ['B','KB','MB','GB']; let i = 0; while (n >= 1024 && i < 3) { n /= 1024; i++; } return n.toFixed(i ? 1 : 0) + ' ' + u[i]; }
function tokens(t) { if (!t) return '–'; const n = t.input + t.output + t.cacheCreation + t.cacheRead; return n >= 1e6 ? (n / 1e6).toFixed(2) + 'M' : n >= 1e3 ? (n / 1e3).toFixed(1) + 'k' : String(n); }
function cost(c) { return c == null ? '–' : '$' + c.toFixed(2); }
function plural(n, one) { return n + ' ' + (n === 1 ? one : one + 's'); }
/** A finished task has no session left: no stop button (core/task.ts canStop). */
const NOTHING_TO_STOP = ${JSON.stringify(NOTHING_TO_STOP)};
const taskHref = (name) => '#/task/' + encodeURIComponent(name);

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) { const e = data.error || {}; throw new Error((e.message || res.statusText) + (e.hint ? '\\n' + e.hint : '')); }
  return data;
}
/** Every action asks first: stopping, landing and removing are not undoable from here. */
async function act(label, path, body) {
  if (!confirm(label + '?')) return;
  $('error').textContent = '';
  try { await post(path, body); } catch (err) { $('error').textContent = label + ' failed: ' + err.message; }
}
function actionButtons(t) {
  const q = '/api/tasks/' + encodeURIComponent(t.name);
  const b = (action, label, fn) => { const x = el('button', label); x.dataset.action = action; x.onclick = fn; return x; };
  return [
    ...(NOTHING_TO_STOP.includes(t.status) ? [] : [b('stop', 'stop', () => act('Stop the agent of ' + t.name, q + '/stop'))]),
    b('land', 'land', () => act('Land ' + t.name + ' onto ' + t.base, '/api/land', { name: t.name })),
    b('rm', 'rm', () => act('Remove ' + t.name + ' (worktree and branch)', q + '/rm')),
  ];
}
function portLinks(t) {
  const out = [];
  for (const [k, p] of Object.entries(t.ports || {})) { const l = el('a', k + ':' + p); l.href = 'http://127.0.0.1:' + Number(p) + '/'; l.target = '_blank'; l.rel = 'noopener noreferrer'; l.title = 'the dev server of ' + t.name + ', if it runs one'; out.push(l, ' '); }
  return out;
}

function renderTasks() {
  const body = $('tasks-body'); body.replaceChildren();
  if (!snap.tasks.length) { const tr = el('tr'); const td = el('td', 'No tasks yet: start one with braid new.', 'muted'); td.colSpan = 9; tr.append(td); body.append(tr); }
  for (const t of snap.tasks) {
    const tr = el('tr'); tr.dataset.task = t.name; if (t.name === selected) tr.className = 'sel';
    const name = el('td', null, 'name'); const a = el('a', t.name); a.href = taskHref(t.name); name.append(a);
    const st = el('td'); const badge = el('span', t.status, 'st st-' + t.status); badge.dataset.role = 'status'; st.append(badge);
    if (t.statusDetail) { st.title = t.statusDetail; st.append(el('span', ' ' + t.statusDetail, 'muted detail')); }
    const ports = el('td'); ports.append(...portLinks(t));
    const changes = t.changedFiles == null ? '–' : plural(t.changedFiles, 'file') + (t.ahead ? ', ' + plural(t.ahead, 'commit') : '');
    const acts = el('td'); acts.append(...actionButtons(t));
    const cell = (role, text) => { const td = el('td', text); td.dataset.role = role; return td; };
    tr.append(name, st, el('td', age(t.statusSince)), ports, el('td', changes), cell('rss', bytes(t.rssBytes)), cell('tokens', tokens(t.tokens)), cell('cost', cost(t.costUsd)), acts);
    body.append(tr);
  }
}

function renderLand(job) {
  const box = $('land'); box.hidden = false; box.dataset.state = job.state;
  $('land-title').textContent = 'Landing ' + (job.task || 'the queue') + ': ' + job.state;
  const lines = [...job.lines];
  const r = job.result;
  if (r && r.landed) { for (const l of r.landed) lines.push('landed ' + l.name + ' ' + (l.commit || '').slice(0, 12)); for (const x of r.rejected) lines.push('not landed ' + x.name + ': ' + x.reason + (x.conflictFiles.length ? ' (' + x.conflictFiles.join(', ') + ')' : '')); if (!r.landed.length && !r.rejected.length) lines.push('nothing to land'); }
  if (job.error) lines.push('failed: ' + job.error);
  $('land-log').textContent = lines.join('\\n');
}

function renderDiff(text) {
  const pre = $('diff'); pre.replaceChildren();
  if (!text) { pre.textContent = '(no changes)'; return; }
  for (const line of text.split('\\n')) {
    const cls = line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : line.startsWith('diff ') ? 'file' : '';
    pre.append(el('span', line + '\\n', cls));
  }
}
function renderTaskMeta() {
  const box = $('task-meta'), acts = $('task-actions'); box.replaceChildren(); acts.replaceChildren();
  const t = snap && snap.tasks.find((x) => x.name === selected); if (!t) return;
  const row = (k, ...v) => { const d = el('div'); d.append(el('span', k + ': ', 'muted'), ...v); box.append(d); };
  const badge = el('span', t.status, 'st st-' + t.status); badge.dataset.role = 'status';
  row('status', badge, t.statusDetail ? ' ' + t.statusDetail : ''); row('branch', t.branch + ' (base ' + t.base + ')'); row('worktree', t.worktree);
  row('agent', t.agent + ' · ' + t.runtime); row('ports', ...portLinks(t)); row('usage', tokens(t.tokens) + ' tokens · ' + cost(t.costUsd));
  if (t.prompt) row('prompt', t.prompt);
  if (t.refusals && t.refusals.length) row('refused', t.refusals.map((d) => d.tool + (d.target ? ' (' + d.target + ')' : '')).join(', '));
  acts.append(...actionButtons(t));
  renderCharts($('task-charts'), snap.series.filter((s) => s.task === t.name), true);
}
async function loadDetail() {
  const name = selected; if (!name) return; detailAt = Date.now();
  const res = await fetch('/api/tasks/' + encodeURIComponent(name));
  if (name !== selected) return;
  if (!res.ok) { $('detail-title').textContent = 'Task ' + name + ' (gone)'; $('diff').textContent = ''; $('log').textContent = ''; return; }
  const d = await res.json(); $('detail-title').textContent = 'Task ' + d.name;
  renderDiff(d.diff + (d.diffTruncated ? '\\n… (truncated)' : ''));
  $('log-path').textContent = d.logPath || ''; $('log').textContent = d.log || '(no log yet)'; $('log').scrollTop = $('log').scrollHeight;
}

/** #/task/<name> is the task page; anything else the overview. */
function route() {
  const m = /^#\\/task\\/(.+)$/.exec(location.hash); selected = m ? decodeURIComponent(m[1]) : null;
  $('overview').hidden = !!selected; $('detail').hidden = !selected; detailKey = '';
  if (selected) { $('detail-title').textContent = 'Task ' + selected; $('diff').textContent = 'loading…'; $('log').textContent = ''; loadDetail(); }
  if (snap) render(snap);
}
function render(next) {
  snap = next; $('conn').textContent = 'live · updated ' + new Date(snap.at).toLocaleTimeString();
  if (!selected) { renderTasks(); renderRadar(); renderQueue(); renderCharts($('charts'), snap.series); return; }
  renderTaskMeta();
  // The diff is recomputed when the task's state moved, else at most every 10 s.
  const t = snap.tasks.find((x) => x.name === selected), key = t ? JSON.stringify([t.status, t.statusSince, t.changedFiles, t.ahead]) : '';
  if (key !== detailKey || Date.now() - detailAt > 10000) { detailKey = key; loadDetail(); }
}
function connect() {
  const es = new EventSource('/api/events');
  es.addEventListener('snapshot', (e) => render(JSON.parse(e.data)));
  es.addEventListener('land', (e) => renderLand(JSON.parse(e.data)));
  es.onopen = () => { $('conn').textContent = 'live'; };
  es.onerror = () => { $('conn').textContent = 'reconnecting…'; };
}
$('land-queue').onclick = () => act('Process the merge queue', '/api/land', {});
$('refresh').onclick = () => loadDetail();
window.addEventListener('hashchange', route);
setInterval(() => { if (snap && !selected) renderTasks(); }, 5000);
route(); connect();
`;
