/**
 * The dashboard page: markup and style; its behaviour is the compiled client (src/web/client, served
 * by this server: no CDN, works offline), which writes every value through textContent, never as HTML.
 */
import { NOTHING_TO_STOP } from '../core/task.js';
import type { PageConfig } from './protocol.js';

/** Where the page loads its client from (server.ts serves dist/web/client there). */
export const CLIENT_PATH = '/client/';

/** JSON inside a script element: `<` escaped, so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = `
body{font:14px system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#223;color:#eee}
header h1{font-size:1.1em;margin:0}header h1 a{color:inherit;text-decoration:none}#conn{font-size:.85em;opacity:.8}
main{padding:1em;display:grid;gap:1em;grid-template-columns:minmax(0,3fr) minmax(0,2fr)}
main[hidden]{display:none}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6em .8em;overflow:auto}
section.wide{grid-column:1/-1}h2{font-size:1em;margin:.2em 0 .6em}h3{font-size:.95em;margin:.8em 0 .3em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #eee;white-space:nowrap}
tr.sel{background:#eef4ff}td.name a{color:#14c}.detail{font-size:.85em}
.st{padding:.1em .45em;border-radius:4px;background:#eee}.st-working{background:#cfe8ff}.st-waiting{background:#ffe6a8}
.st-idle{background:#e4e4e4}.st-failed,.st-conflict{background:#ffc9c9}.st-landed{background:#c9f2d0}.st-exited{background:#ddd}
button{font:inherit;font-size:.85em;margin-right:.3em;cursor:pointer}
pre{background:#f4f4f4;padding:.5em;max-height:32em;overflow:auto;font-size:12px;margin:.3em 0}
.add{color:#070}.del{color:#b00}.hunk{color:#559}.file{font-weight:bold}
table.matrix td{text-align:center;font-family:monospace;min-width:2em}
.cell-X{background:#ffc9c9}.cell-M{background:#ffe6a8}.cell-o{background:#fff3cf}
.pipeline{display:flex;gap:.5em;align-items:flex-start}.stage{flex:1;min-width:6em;background:#f6f6f6;border-radius:4px;padding:.3em}
.stage h4{margin:0 0 .3em;font-size:.85em;text-transform:uppercase;color:#666}
.card{background:#fff;border:1px solid #ddd;border-left:4px solid #999;border-radius:3px;padding:.2em .4em;margin-bottom:.3em;font-size:.85em}
.q-building,.q-gating{border-left-color:#14c}.q-landed{border-left-color:#191}.q-conflict,.q-rejected{border-left-color:#b00}.q-waiting_agent{border-left-color:#c90}
.reason{color:#b00;white-space:normal}.mono{font-family:monospace}
#land{border-color:#9ab}#land[data-state=failed]{border-color:#b00}#land-log{max-height:12em}
header .grow{flex:1}.chart-title{font-size:.85em;color:#555;margin-top:.4em}
#error{color:#b00;white-space:pre-wrap}.muted{color:#888}svg text{font-size:10px}
#task-meta div{margin:.15em 0}
`;

export function dashboardPage(nonce: string): string {
  const config: PageConfig = { nothingToStop: NOTHING_TO_STOP };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>braid</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style></head>
<body>
<header><h1><a href="#">braid</a></h1><span id="conn">connecting…</span><span class="grow"></span><label title="browser notifications when a task needs input"><input type="checkbox" id="notify"> notify</label> <button id="land-queue" data-action="land-queue">Process queue</button></header>
<div id="error"></div>
<section id="land" hidden><h2 id="land-title">Landing</h2><pre id="land-log"></pre></section>
<main id="overview">
<section class="wide"><h2>Tasks</h2>
<table><thead><tr><th>task</th><th>status</th><th>age</th><th>ports</th><th>changes</th><th>RAM</th><th>tokens</th><th>cost</th><th></th></tr></thead>
<tbody id="tasks-body"></tbody></table></section>
<section><h2>Radar</h2><div id="radar"></div></section>
<section><h2>Merge queue</h2><div id="queue"></div></section>
<section class="wide"><h2>Usage over time</h2><div id="charts"></div></section>
</main>
<main id="detail" hidden>
<section class="wide"><h2><a href="#">← all tasks</a> · <span id="detail-title">Task</span></h2>
<div id="task-meta"></div><div id="task-actions"></div><div id="task-charts"></div></section>
<section class="wide"><h3>Diff against its base (commits, uncommitted and untracked) <button id="refresh">refresh</button></h3><pre id="diff"></pre></section>
<section class="wide"><h3>Log <span id="log-path" class="muted"></span></h3><pre id="log"></pre></section>
</main>
<script type="application/json" id="page-config">${scriptJson(config)}</script>
<script type="module" nonce="${nonce}" src="${CLIENT_PATH}main.js"></script>
</body></html>
`;
}
