/** The dashboard's entry: routes between the overview and a task page, and renders each push of the live feed. */

import type { DashboardPayload } from '../protocol.js';
import { landQueue } from './actions.js';
import { onEvent } from './api.js';
import { renderCharts } from './charts.js';
import { loadDetail, renderTaskMeta } from './detail.js';
import { byId } from './dom.js';
import { renderLand } from './land.js';
import { notifyWaiting, setupNotifyToggle } from './notify.js';
import { renderQueue } from './queue.js';
import { renderRadar } from './radar.js';
import { state } from './state.js';
import { renderTasks } from './tasks.js';

/** The diff is fetched again when the task's state moved, else at most this often. */
const DETAIL_REFRESH_MS = 10_000;

function render(next: DashboardPayload): void {
  state.snap = next;
  notifyWaiting(next.tasks);
  byId('conn').textContent = `live · updated ${new Date(next.at).toLocaleTimeString()}`;
  if (!state.selected) {
    renderTasks();
    renderRadar();
    renderQueue();
    renderCharts(byId('charts'), next.series, next.at);
    return;
  }
  renderTaskMeta();
  const t = next.tasks.find((x) => x.name === state.selected);
  const key = t ? JSON.stringify([t.status, t.statusSince, t.changedFiles, t.ahead]) : '';
  if (key !== state.detailKey || Date.now() - state.detailAt > DETAIL_REFRESH_MS) {
    state.detailKey = key;
    void loadDetail();
  }
}

/** #/task/<name> is the task page; anything else the overview. */
function route(): void {
  const m = /^#\/task\/(.+)$/.exec(location.hash);
  state.selected = m ? decodeURIComponent(m[1]) : null;
  byId('overview').hidden = !!state.selected;
  byId('detail').hidden = !state.selected;
  state.detailKey = '';
  if (state.selected) {
    byId('detail-title').textContent = `Task ${state.selected}`;
    byId('diff').textContent = 'loading…';
    byId('log').textContent = '';
    void loadDetail();
  }
  if (state.snap) render(state.snap);
}

function connect(): void {
  const es = new EventSource('/api/events');
  onEvent(es, 'snapshot', render);
  onEvent(es, 'land', renderLand);
  es.onopen = () => {
    byId('conn').textContent = 'live';
  };
  es.onerror = () => {
    byId('conn').textContent = 'reconnecting…';
  };
}

setupNotifyToggle();
byId('land-queue').onclick = () => void landQueue();
byId('refresh').onclick = () => void loadDetail();
window.addEventListener('hashchange', route);
// Ages move on without a push.
setInterval(() => {
  if (state.snap && !state.selected) renderTasks();
}, 5000);
route();
connect();
