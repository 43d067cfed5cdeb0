/** Cumulative tokens and cost per task over time, as inline SVG step lines. */
import type { UsagePoint, UsageSeries } from '../protocol.js';
import { el, svgEl } from './dom.js';

const COLORS = ['#14c', '#c41', '#191', '#a3a', '#c90', '#088', '#555', '#e60'];
const W = 520;
const H = 150;
const L = 56;
const R = 130;
const B = 20;

/** One chart; `end` is the right edge of the time axis (the payload's time). */
function chart(
  box: HTMLElement,
  title: string,
  series: UsageSeries[],
  end: number,
  pick: (p: UsagePoint) => number,
  fmt: (v: number) => string,
): void {
  box.append(el('div', title, 'chart-title'));
  const svg = svgEl('svg', {
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': title,
  });
  box.append(svg);
  const text = (x0: number, y0: number, s: string, extra: Record<string, string> = {}) => {
    const t = svgEl('text', { x: x0, y: y0, ...extra });
    t.textContent = s;
    svg.append(t);
  };
  const pts = series.flatMap((s) => s.points);
  if (!pts.length) {
    text(L, H / 2, 'no usage yet');
    return;
  }
  const t0 = Math.min(...pts.map((p) => p.at));
  const t1 = Math.max(t0 + 1000, end, ...pts.map((p) => p.at));
  const max = Math.max(1e-9, ...pts.map(pick));
  const x = (t: number) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const y = (v: number) => H - B - (v / max) * (H - B - 10);
  svg.append(
    svgEl('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: '#999' }),
    svgEl('line', { x1: L, y1: 10, x2: L, y2: H - B, stroke: '#999' }),
  );
  text(2, 14, fmt(max));
  text(2, H - B, fmt(0));
  text(L, H - 4, new Date(t0).toLocaleTimeString());
  text(W - R, H - 4, new Date(t1).toLocaleTimeString(), { 'text-anchor': 'end' });
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const last = s.points[s.points.length - 1];
    const line = [{ at: s.points[0].at, tokens: 0, costUsd: 0 }, ...s.points, { ...last, at: t1 }];
    // Cumulative totals only grow: a step line shows when each reply arrived.
    let d = '';
    line.forEach((p, j) => {
      d += (j ? ` H${x(p.at).toFixed(1)} V` : `M${x(p.at).toFixed(1)} `) + y(pick(p)).toFixed(1);
    });
    const path = svgEl('path', { d, fill: 'none', stroke: color, 'stroke-width': 1.5 });
    path.dataset.task = s.task;
    path.dataset.points = String(s.points.length);
    path.dataset.source = s.source;
    svg.append(path);
    text(W - R + 6, 14 + 12 * i, `${s.task} ${fmt(pick(last))}`, { fill: color });
  });
}

const tokenCount = (v: number) =>
  v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : String(Math.round(v));

/** The tokens and the cost chart, and notes on where series without transcripts come from. */
export function renderCharts(
  box: HTMLElement,
  series: UsageSeries[],
  end: number,
  quietWhenEmpty = false,
): void {
  box.replaceChildren();
  if (quietWhenEmpty && !series.length) {
    box.append(el('p', 'No token usage recorded for this task yet.', 'muted'));
    return;
  }
  chart(box, 'Tokens (cumulative)', series, end, (p) => p.tokens, tokenCount);
  chart(
    box,
    'Cost (USD, cumulative)',
    series,
    end,
    (p) => p.costUsd,
    (v) => `$${v.toFixed(2)}`,
  );
  if (series.some((s) => s.source === 'history'))
    box.append(
      el(
        'p',
        'Tasks without transcripts are charted from the samples the supervisor stored (one a minute, then the latest).',
        'muted',
      ),
    );
  if (series.some((s) => s.source === 'sampled'))
    box.append(
      el(
        'p',
        'Some tasks have no stored samples (is the supervisor running? braid up): charted from the totals seen since this dashboard started.',
        'muted',
      ),
    );
}
