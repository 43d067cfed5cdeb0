/** Rendering helpers: --json prints exactly one document on stdout; humans get aligned tables (core/format.ts). */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function useColor(): boolean {
  return !process.env.NO_COLOR && process.stdout.isTTY === true;
}

const paint = (code: number) => (s: string) => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = paint(1);
export const dim = paint(2);
export const red = paint(31);
export const green = paint(32);
export const yellow = paint(33);

/** Progress goes to stderr so --json output on stdout stays one clean document. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
