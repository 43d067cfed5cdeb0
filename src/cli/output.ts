/** Rendering helpers: --json prints exactly one document on stdout; humans get aligned tables. */
import { stripVTControlCharacters, styleText } from 'node:util';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Width as the terminal shows it: colour codes take no room. */
function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
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

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(): boolean {
  return !process.env.NO_COLOR && process.stdout.isTTY === true;
}

type Style = Parameters<typeof styleText>[0];
// braid decides when to colour (above); styleText only writes the codes, so it is not asked to check a stream.
const paint = (style: Style) => (s: string) =>
  useColor() ? styleText(style, s, { validateStream: false }) : s;
export const bold = paint('bold');
export const dim = paint('dim');
export const red = paint('red');
export const green = paint('green');
export const yellow = paint('yellow');

/** Progress goes to stderr so --json output on stdout stays one clean document. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
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
