/** The task page (#/task/<name>): its facts, actions, usage charts, diff against its base and log tail. */
import { actionButtons, portLinks } from './actions.js';
import { getJson } from './api.js';
import { renderCharts } from './charts.js';
import { byId, el } from './dom.js';
import { cost, tokens } from './format.js';
import { state } from './state.js';

function lineClass(line: string): string {
  if (line.startsWith('+') && !line.startsWith('+++')) return 'add';
  if (line.startsWith('-') && !line.startsWith('---')) return 'del';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('diff ')) return 'file';
  return '';
}

function renderDiff(text: string): void {
  const pre = byId('diff');
  pre.replaceChildren();
  if (!text) {
    pre.textContent = '(no changes)';
    return;
  }
  for (const line of text.split('\n')) pre.append(el('span', `${line}\n`, lineClass(line)));
}

export function renderTaskMeta(): void {
  const box = byId('task-meta');
  const acts = byId('task-actions');
  box.replaceChildren();
  acts.replaceChildren();
  const snap = state.snap;
  const t = snap?.tasks.find((x) => x.name === state.selected);
  if (!snap || !t) return;
  const row = (k: string, ...v: Array<Node | string>) => {
    const d = el('div');
    d.append(el('span', `${k}: `, 'muted'), ...v);
    box.append(d);
  };
  const badge = el('span', t.status, `st st-${t.status}`);
  badge.dataset.role = 'status';
  row('status', badge, t.statusDetail ? ` ${t.statusDetail}` : '');
  row('branch', `${t.branch} (base ${t.base})`);
  row('worktree', t.worktree);
  row('agent', `${t.agent} · ${t.runtime}`);
  row('ports', ...portLinks(t));
  row('usage', `${tokens(t.tokens)} tokens · ${cost(t.costUsd)}`);
  if (t.prompt) row('prompt', t.prompt);
  if (t.refusals.length)
    row('refused', t.refusals.map((d) => d.tool + (d.target ? ` (${d.target})` : '')).join(', '));
  acts.append(...actionButtons(t));
  renderCharts(
    byId('task-charts'),
    snap.series.filter((s) => s.task === t.name),
    snap.at,
    true,
  );
}

/** Fetches the selected task's diff and log (the server computes the diff on each request). */
export async function loadDetail(): Promise<void> {
  const name = state.selected;
  if (!name) return;
  state.detailAt = Date.now();
  const d = await getJson('/api/tasks/<name>', name);
  if (name !== state.selected) return;
  if (!d) {
    byId('detail-title').textContent = `Task ${name} (gone)`;
    byId('diff').textContent = '';
    byId('log').textContent = '';
    return;
  }
  byId('detail-title').textContent = `Task ${d.name}`;
  renderDiff(d.diff + (d.diffTruncated ? '\n… (truncated)' : ''));
  byId('log-path').textContent = d.logPath || '';
  const log = byId('log');
  log.textContent = d.log || '(no log yet)';
  log.scrollTop = log.scrollHeight;
}
