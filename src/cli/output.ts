/** Rendering helpers: --json prints exactly one document on stdout; humans get aligned tables (core/format.ts). */
import { styleText } from 'node:util';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
function useColor(): boolean {
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
