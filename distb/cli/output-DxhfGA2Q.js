import { styleText } from "node:util";
// dist/cli/output.js
/** Rendering helpers: --json prints exactly one document on stdout; humans get aligned tables (core/format.ts). */
function printJson(value) {
	process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
function useColor() {
	return !process.env.NO_COLOR && process.stdout.isTTY === true;
}
const paint = (style) => (s) => useColor() ? styleText(style, s, { validateStream: false }) : s;
const bold = paint("bold");
const dim = paint("dim");
const red = paint("red");
const green = paint("green");
const yellow = paint("yellow");
/** Progress goes to stderr so --json output on stdout stays one clean document. */
function progress(message) {
	process.stderr.write(`${message}\n`);
}
export { progress as a, printJson as i, dim as n, red as o, green as r, yellow as s, bold as t };
