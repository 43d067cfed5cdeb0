/** The overview's tasks table: one row per task with its status, age, ports, changes, usage and actions. */
import { actionButtons, portLinks } from './actions.js';
import { byId, el } from './dom.js';
import { age, bytes, cost, plural, tokens } from './format.js';
import { state } from './state.js';

const taskHref = (name: string): string => `#/task/${encodeURIComponent(name)}`;

export function renderTasks(): void {
  const snap = state.snap;
  if (!snap) return;
  const body = byId('tasks-body');
  body.replaceChildren();
  if (!snap.tasks.length) {
    const tr = el('tr');
    const td = el('td', 'No tasks yet: start one with braid new.', 'muted');
    td.colSpan = 9;
    tr.append(td);
    body.append(tr);
  }
  for (const t of snap.tasks) {
    const tr = el('tr');
    tr.dataset.task = t.name;
    if (t.name === state.selected) tr.className = 'sel';
    const name = el('td', null, 'name');
    const a = el('a', t.name);
    a.href = taskHref(t.name);
    name.append(a);
    const st = el('td');
    const badge = el('span', t.status, `st st-${t.status}`);
    badge.dataset.role = 'status';
    st.append(badge);
    if (t.statusDetail) {
      st.title = t.statusDetail;
      st.append(el('span', ` ${t.statusDetail}`, 'muted detail'));
    }
    const ports = el('td');
    ports.append(...portLinks(t));
    const changes =
      t.changedFiles == null
        ? '–'
        : plural(t.changedFiles, 'file') + (t.ahead ? `, ${plural(t.ahead, 'commit')}` : '');
    const acts = el('td');
    acts.append(...actionButtons(t));
    const cell = (role: string, text: string) => {
      const td = el('td', text);
      td.dataset.role = role;
      return td;
    };
    tr.append(
      name,
      st,
      el('td', age(t.statusSince)),
      ports,
      el('td', changes),
      cell('rss', bytes(t.rssBytes)),
      cell('tokens', tokens(t.tokens)),
      cell('cost', cost(t.costUsd)),
      acts,
    );
    body.append(tr);
  }
}
