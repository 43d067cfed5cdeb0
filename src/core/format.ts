/** Text layout shared by every face: aligned columns, durations, sizes (pure). */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal colour codes is the point.
const ANSI = /\x1b\[[0-9;]*m/g;

/** Width as the terminal shows it: colour codes take no room. */
function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/** Cells padded into aligned lines (header first); the last column is not padded. */
export function alignedLines(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) =>
    Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(Math.max(0, widths[i] - visibleLength(c)))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

export function table(headers: string[], rows: string[][]): string {
  return alignedLines(headers, rows).join('\n');
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n == null) return '-';
  if (n < 1024 * 1024) return `${Math.round(n / 1024)}K`;
  if (n < 1024 * 1024 * 1024) return `${Math.round(n / 1024 / 1024)}M`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)}G`;
}
