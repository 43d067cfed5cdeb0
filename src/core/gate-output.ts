/** How many of the gate's last output lines a rejection quotes. */
const QUOTED_LINES = 15;
/** Longer quoted lines are cut: a minified stack frame must not drown the message. */
const MAX_LINE = 200;

/** What test runners print when they ran no tests at all (matched on a line without colour codes). */
const NO_TESTS: ReadonlyArray<{ runner: string; pattern: RegExp }> = [
  // jest: "No tests found, exiting with code 1" (also printed for a path jest ignores, e.g. under .git).
  { runner: 'jest', pattern: /^No tests found\b/ },
  // vitest: "No test files found, exiting with code 1".
  { runner: 'vitest', pattern: /^No test files found\b/ },
  // mocha: 'Error: No test files found: "test"', or a run that passed nothing.
  { runner: 'mocha', pattern: /^Error: No test files found\b/ },
  { runner: 'mocha', pattern: /^0 passing\b/ },
  // node --test: the TAP summary ("# tests 0") or the spec reporter's ("ℹ tests 0").
  { runner: 'node --test', pattern: /^[#ℹ] tests 0$/ },
  // pytest: "===== no tests ran in 0.01s =====".
  { runner: 'pytest', pattern: /^=+ no tests ran\b/ },
];

export interface NoTestsFound {
  runner: string;
  /** The runner's own line, as printed (colour codes removed). */
  line: string;
}

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** A line as a reader sees it: no colour codes, only what the last carriage return left, no trailing blanks. */
export function plainLine(raw: string): string {
  const text = raw.replace(ESCAPES, '');
  const cr = text.lastIndexOf('\r', text.length - 2);
  return (cr >= 0 ? text.slice(cr + 1) : text).replace(/\r$/, '').trimEnd();
}

/** Which runner said, on this line of output, that it found no tests; null for any other line. */
export function noTestsFound(raw: string): NoTestsFound | null {
  const line = plainLine(raw).trim();
  for (const { runner, pattern } of NO_TESTS) if (pattern.test(line)) return { runner, line };
  return null;
}

/** The last `max` lines worth reading: colour codes gone, blank lines at either end dropped, runs of blanks folded. */
export function outputTail(lines: readonly string[], max = QUOTED_LINES): string[] {
  const clean: string[] = [];
  for (const raw of lines) {
    const line = plainLine(raw);
    if (line.trim() === '' && (clean.length === 0 || clean.at(-1) === '')) continue;
    clean.push(line.trim() === '' ? '' : line);
  }
  while (clean.at(-1) === '') clean.pop();
  const tail = clean.slice(-max);
  while (tail[0] === '') tail.shift();
  return tail.map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE - 1)}…` : l));
}

/**
 * What a rejection adds about a red gate run: a note when the runner found no tests at all (the
 * usual cause of a "red" main that is not), then its last lines, indented; '' when it printed nothing.
 */
export function gateFailureDetail(run: { tail: readonly string[]; noTests: NoTestsFound | null }): string {
  const parts: string[] = [];
  if (run.noTests)
    parts.push(
      ` The gate found no tests at all (${run.noTests.runner}: "${run.noTests.line}"): check that the gate command runs the project's tests in a plain checkout of it.`,
    );
  const tail = outputTail(run.tail);
  if (tail.length)
    parts.push(` Last lines of its output:\n${tail.map((l) => (l ? `    ${l}` : '')).join('\n')}`);
  return parts.join('');
}
